"""Fixtures for the Teams adapter tests (the kit itself is bot/teams/testing/).

`card_check` validates cards with the official `adaptivecards` npm package; see
cardcheck_runner.py (loaded by path: test folders are not packages).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import testmodules

from bot.teams.testing.fixtures import connector, teams_bot


@pytest.fixture(scope="session")
def card_check() -> Callable[[dict[str, dict[str, Any]]], None]:
    check: Callable[[dict[str, dict[str, Any]]], None] = testmodules.load(
        "teams", "cardcheck_runner"
    ).check_cards
    return check


__all__ = ["card_check", "connector", "teams_bot"]
