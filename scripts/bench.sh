#!/usr/bin/env bash
# Set up as scripts/test.sh does (.venv, a throwaway PostgreSQL when one can be had) and run
# every benchmark through bench/run.py. Arguments go to it:
#   ./scripts/bench.sh                        # all of them, SQLite and PostgreSQL
#   ./scripts/bench.sh --quick                # a smoke run
#   ./scripts/bench.sh --markdown figures.md  # also write the figures as Markdown
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

if [ -z "${TEST_POSTGRES_URL:-}" ]; then
    source scripts/postgres.sh || echo "PostgreSQL is not available here: SQLite only."
fi

.venv/bin/python bench/run.py "$@"
