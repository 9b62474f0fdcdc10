"""The Slack kit's pytest fixtures (a conftest imports them to use them): `fake`, a fake Slack
Web API on loopback knowing Anna, Bo and Carla; `slack`, the whole bot behind aiohttp's test
client with the adapter mounted, over the test's database (the `database_url` and `clock`
fixtures the test suite provides)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.clock import FakeClock
from bot.slack.testing.api import FakeSlack
from bot.slack.testing.harness import SlackHarness, settings_for, start_harness


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
    """The adapter over SQLite, and over PostgreSQL too when TEST_POSTGRES_URL is set."""
    harness = await start_harness(fake, database_url, clock, settings_for(fake))
    try:
        yield harness
    finally:
        await harness.client.close()
        await harness.runtime.close()
