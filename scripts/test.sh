#!/usr/bin/env bash
# Set everything up and run the whole test suite: ruff, mypy and pytest (SQLite always;
# PostgreSQL too when it is installed or can be installed, as in CI).
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

# Node packages for validating Adaptive Cards with the official `adaptivecards` package.
if [ -f tests/teams/cardcheck/package.json ]; then
    if ! command -v npm >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
    fi
    if command -v npm >/dev/null; then
        npm install --prefix tests/teams/cardcheck --no-audit --no-fund --loglevel=error >/dev/null
        # axe-core for the board's accessibility scan (tests/board/test_browser.py).
        npm install --prefix tests/board/axe --no-audit --no-fund --loglevel=error >/dev/null
    fi
fi

# Debian's chromium for the board's browser tests (tests/board/test_browser.py drives it with
# Playwright; no browser is downloaded). Without it those tests are skipped and say why.
if ! command -v chromium >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null \
        || echo "chromium could not be installed: the board's browser tests are skipped."
fi

if [ -z "${TEST_POSTGRES_URL:-}" ]; then
    source scripts/postgres.sh || echo "PostgreSQL is not available here: its tests are skipped."
fi

# The checks that quote the source material word for word need the seed files, which are not
# in the repository: say so before they are skipped (pytest says it again at the end).
seeds="${LOVENDE_SEEDS_DIR:-../shared/seeds}"
if [ ! -d "$seeds" ] || [ -z "$(ls -A "$seeds" 2>/dev/null)" ]; then
    echo "The source-material checks will be skipped: no seed files in $seeds."
    echo "To run them: LOVENDE_SEEDS_DIR=/path/to/seeds ./scripts/test.sh"
fi

echo "ruff …"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "mypy …" && .venv/bin/mypy
# One worker per core: every test has its own database, ports and temp folder.
.venv/bin/pytest -q -n auto "$@"
