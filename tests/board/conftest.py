"""Fixtures of the board's tests through the platforms (as tests/slack's and tests/teams')."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.clock import FakeClock
from bot.slack.testing.api import FakeSlack
from bot.slack.testing.harness import SlackHarness, settings_for, start_harness
from bot.teams.testing import PUBLIC_URL as TEAMS_URL
from bot.teams.testing import FakeConnector, TeamsBot, start_bot, teams_settings


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    server = FakeSlack()
    server.people.update({"U1": "Anna", "U2": "Bo", "U3": "Carla"})
    await server.start()
    try:
        yield server
    finally:
        await server.close()


@pytest.fixture
async def slack(
    fake: FakeSlack, database_url: str, clock: FakeClock
) -> AsyncIterator[SlackHarness]:
    harness = await start_harness(fake, database_url, clock, settings_for(fake))
    try:
        yield harness
    finally:
        await harness.client.close()
        await harness.runtime.close()


@pytest.fixture
async def connector() -> AsyncIterator[FakeConnector]:
    connector = FakeConnector()
    await connector.start()
    try:
        yield connector
    finally:
        await connector.stop()


@pytest.fixture
async def teams_bot(
    database_url: str, clock: FakeClock, connector: FakeConnector
) -> AsyncIterator[TeamsBot]:
    settings = teams_settings(local_dev=True, public_url=TEAMS_URL)
    bot, client = await start_bot(database_url, clock, connector, settings)
    try:
        yield bot
    finally:
        await client.close()
        await bot.runtime.close()
