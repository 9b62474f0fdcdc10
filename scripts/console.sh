#!/usr/bin/env bash
# Set everything up and chat with the bot in the terminal (console channel + SQLite file).
# Extra arguments go to `lovende console` (e.g. --som Bo --kanal team).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
exec .venv/bin/lovende console "$@"
