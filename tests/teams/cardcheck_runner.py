"""Run the official `adaptivecards` npm package (tests/teams/cardcheck) over cards.

Locally without node the card tests skip; with the environment variable CI set, a missing
node or node_modules is a failure (CI runs `npm install --prefix tests/teams/cardcheck`).
Used through the `card_check` fixture (conftest.py); other test folders may load this file
by path.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent / "cardcheck"
PACKAGE = HERE / "node_modules" / "adaptivecards" / "dist" / "adaptivecards.js"


def node() -> str:
    found = shutil.which("node")
    problem = None
    if found is None:
        problem = "node is not installed"
    elif not PACKAGE.is_file():
        problem = f"node_modules missing: run `npm install --prefix {HERE}`"
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"Adaptive Card validation cannot run: {problem}")
        pytest.skip(f"Adaptive Card validation skipped: {problem}")
    assert found is not None
    return found


def check_cards(cards: dict[str, dict[str, Any]]) -> None:
    """Fail with the validator's report unless every card is valid Adaptive Card 1.5."""
    result = subprocess.run(
        [node(), str(HERE / "check.js")],
        input=json.dumps(cards),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if result.returncode != 0:
        report = result.stdout.strip() or result.stderr.strip()
        pytest.fail(f"adaptivecards rejected cards:\n{report[:5000]}")
    assert json.loads(result.stdout)["checked"] == len(cards)
