# Sourced by console.sh and test.sh: makes .venv with the project installed (idempotent).
# Needs only Python 3.11+ on the machine.

_lovende_setup() {
    local py=""
    for candidate in python3.11 python3.12 python3.13 python3; do
        if command -v "$candidate" >/dev/null && "$candidate" -c \
            'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
            py=$candidate
            break
        fi
    done
    if [ -z "$py" ]; then
        echo "Python 3.11 or newer is needed (python3.11 was not found)." >&2
        return 1
    fi
    [ -x .venv/bin/python ] || "$py" -m venv .venv || return 1
    # Reinstall only when the dependencies changed.
    local stamp=".venv/.installed-$(sha1sum pyproject.toml | cut -c1-12)"
    if [ ! -f "$stamp" ]; then
        echo "Installing the project and its dependencies into .venv …"
        .venv/bin/python -m pip install -q --disable-pip-version-check -e '.[dev]' || return 1
        rm -f .venv/.installed-* && touch "$stamp"
    fi
}
_lovende_setup
