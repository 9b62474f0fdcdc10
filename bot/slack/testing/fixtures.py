"""The Slack kit's pytest fixtures (a conftest imports them to use them): `fake`, a fake Slack
Web API on loopback knowing Anna, Bo and Carla; `slack`, the whole bot behind aiohttp's test
client with the adapter mounted, over the test's database (the `database_url` and `clock`
fixtures the test suite provides)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.clock import FakeClock
from bot.slack.testing.api import FakeSlack
from bot.slack.testing.harness import SlackHarness, running_harness, settings_for

PEOPLE = {"U1": "Anna", "U2": "Bo", "U3": "Carla"}  # users.info's display names


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack(people=PEOPLE) as server:
        yield server


@pytest.fixture
async def slack(
    fake: FakeSlack, database_url: str, clock: FakeClock
) -> AsyncIterator[SlackHarness]:
    """The adapter over SQLite, and over PostgreSQL too when TEST_POSTGRES_URL is set."""
    async with running_harness(fake, database_url, clock, settings_for(fake)) as harness:
        yield harness
