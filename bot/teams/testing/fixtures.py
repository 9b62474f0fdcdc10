"""The Teams kit's pytest fixtures (a conftest imports them to use them): `connector`, a fake
Bot Connector on loopback; `teams_bot`, the whole bot with the Teams adapter mounted in local
development, its files on PUBLIC_URL, over the test's database (the `database_url` and
`clock` fixtures the test suite provides)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.clock import FakeClock
from bot.teams.testing.connector import FakeConnector
from bot.teams.testing.harness import PUBLIC_URL, TeamsBot, running_bot, teams_settings


@pytest.fixture
async def connector() -> AsyncIterator[FakeConnector]:
    async with FakeConnector() as fake:
        yield fake


@pytest.fixture
async def teams_bot(
    database_url: str, clock: FakeClock, connector: FakeConnector
) -> AsyncIterator[TeamsBot]:
    settings = teams_settings(local_dev=True, public_url=PUBLIC_URL)
    async with running_bot(database_url, clock, connector, settings) as bot:
        yield bot
