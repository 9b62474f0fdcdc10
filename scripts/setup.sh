# Sourced by console.sh, test.sh and lock.sh: makes .venv with the project installed
# (idempotent). Needs only Python 3.11+ on the machine.
#
# Everything comes from requirements-dev.lock, pinned and hash-checked (pip --require-hashes),
# so every developer and CI run the same versions; scripts/lock.sh refreshes the lock.

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
    # Reinstall only when the lock (or pyproject.toml: entry points, package data) changed.
    local stamp
    stamp=".venv/.installed-$(cat requirements-dev.lock pyproject.toml | sha1sum | cut -c1-12)"
    if [ ! -f "$stamp" ]; then
        echo "Installing the project and its locked dependencies into .venv …"
        local pip=(.venv/bin/python -m pip install -q --disable-pip-version-check)
        # pip and setuptools first: a new venv has the interpreter's own (pip 23.2 and
        # setuptools 65.5 on Python 3.11, both with published advisories). Their blocks of the
        # lock, with hashes, make a lock of their own.
        awk '/^[^ #]/ { keep = /^(pip|setuptools)==/ } keep' requirements-dev.lock \
            >.venv/bootstrap.lock || return 1
        "${pip[@]}" --require-hashes -r .venv/bootstrap.lock || return 1
        "${pip[@]}" --require-hashes -r requirements-dev.lock || return 1
        # The project itself, built by the locked setuptools; its dependencies are in the lock.
        # One more -q: setuptools warns on every editable install that folders named like the
        # packages shadow them – here they are the packages.
        "${pip[@]}" -q --no-deps --no-build-isolation -e . || return 1
        rm -f .venv/.installed-* && touch "$stamp"
    fi
}
_lovende_setup
