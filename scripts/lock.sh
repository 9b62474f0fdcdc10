#!/usr/bin/env bash
# Refresh the lock files from pyproject.toml, with the uv version the dev lock pins:
#   requirements-dev.lock  runtime + dev tools + pip and setuptools  (scripts/setup.sh, so CI)
#   requirements.lock      runtime + pip and setuptools, at the dev lock's versions  (the image)
# Every version already pinned stays; only what pyproject.toml newly asks for is resolved.
# To move versions:  scripts/lock.sh --upgrade   or   scripts/lock.sh --upgrade-package aiohttp
# Hashes cover every file PyPI has for a version, and markers every platform (--universal),
# so the same lock installs on Linux, macOS and Windows, on Python 3.11 and newer.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

compile() {
    # pip and setuptools are locked too: setup.sh and the Dockerfile upgrade them first.
    printf 'pip\nsetuptools\n' | .venv/bin/uv pip compile pyproject.toml - \
        --universal --python-version 3.11 --generate-hashes --quiet \
        --custom-compile-command scripts/lock.sh "$@"
}
compile --extra dev "$@" -o requirements-dev.lock
# The image's lock takes its versions from the dev lock: what CI tested is what ships.
compile -c requirements-dev.lock -o requirements.lock
echo "requirements-dev.lock and requirements.lock are up to date with pyproject.toml."
