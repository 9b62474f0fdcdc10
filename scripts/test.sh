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
    fi
fi

if [ -z "${TEST_POSTGRES_URL:-}" ]; then
    source scripts/postgres.sh || echo "PostgreSQL is not available here: its tests are skipped."
fi

echo "ruff …"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "mypy …" && .venv/bin/mypy
# One worker per core: every test has its own database, ports and temp folder.
.venv/bin/pytest -q -n auto "$@"
