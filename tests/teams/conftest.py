"""Fixtures for the Teams adapter tests (the kit itself is bot/teams/testing/).

`card_check` validates cards with the official `adaptivecards` npm package; see
cardcheck_runner.py (loaded by path: test folders are not packages).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.teams.testing.fixtures import connector, teams_bot


@pytest.fixture(scope="session")
def card_check() -> Callable[[dict[str, dict[str, Any]]], None]:
    path = Path(__file__).resolve().parent / "cardcheck_runner.py"
    spec = importlib.util.spec_from_file_location("teams_cardcheck_runner", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    check: Callable[[dict[str, dict[str, Any]]], None] = module.check_cards
    return check


__all__ = ["card_check", "connector", "teams_bot"]
