"""Fixtures for the Teams adapter tests (the kit itself is bot/teams/testing/).

`card_check` validates cards with the official `adaptivecards` npm package; see
cardcheck_runner.py (loaded by path: test folders are not packages).
"""

from __future__ import annotations

import importlib.util
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.clock import FakeClock
from bot.teams.testing import PUBLIC_URL, FakeConnector, TeamsBot, start_bot, teams_settings


@pytest.fixture
async def connector() -> AsyncIterator[FakeConnector]:
    fake = FakeConnector()
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()


@pytest.fixture
async def teams_bot(
    database_url: str, clock: FakeClock, connector: FakeConnector, tmp_path: Any
) -> AsyncIterator[TeamsBot]:
    settings = teams_settings(local_dev=True, public_url=PUBLIC_URL)
    bot, client = await start_bot(database_url, clock, connector, settings)
    try:
        yield bot
    finally:
        await client.close()
        await bot.runtime.close()


@pytest.fixture(scope="session")
def card_check() -> Callable[[dict[str, dict[str, Any]]], None]:
    path = Path(__file__).resolve().parent / "cardcheck_runner.py"
    spec = importlib.util.spec_from_file_location("teams_cardcheck_runner", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    check: Callable[[dict[str, dict[str, Any]]], None] = module.check_cards
    return check
