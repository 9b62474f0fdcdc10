"""Fixtures of the board's tests: the Slack and Teams kits' own (bot/slack/testing/fixtures.py,
bot/teams/testing/fixtures.py), as tests/slack and tests/teams use them, and `web`, the web app
over the `bot` fixture's runtime (a test module may give `bot` its own meaning: test_org.py)."""

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.http.app import create_app
from bot.slack.testing.fixtures import fake, slack
from bot.teams.testing.fixtures import connector, teams_bot
from bot.testing import BotHarness

__all__ = ["connector", "fake", "slack", "teams_bot"]


@pytest.fixture
async def web(bot: BotHarness) -> AsyncIterator[TestClient[Any, Any]]:
    """The web app over the bot's own runtime (one process)."""
    client: TestClient[Any, Any] = TestClient(
        TestServer(create_app(bot.runtime, adapters=(), background=False), port=0)
    )
    await client.start_server()
    yield client
    await client.close()
