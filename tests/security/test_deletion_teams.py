"""Deletion means gone, on Teams (issue 15, point 13): the channel's file links — the chart in
a card, the Word report and the CSV with comments behind "open" buttons — answer 404 at once
after `slet-data bekræft`, through the aiohttp route Teams fetches them from; another channel's
links still work. Their `teams_files` rows went in the deletion's transaction. SQLite and
PostgreSQL; CloudAdapter behind aiohttp's test client, a fake Bot Connector on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select

from bot.clock import FakeClock
from bot.teams.testing import (
    CHANNEL,
    PUBLIC_URL,
    FakeConnector,
    TeamsBot,
    bot_added,
    message,
    nodes_in,
    running_bot,
    teams_settings,
)
from bot.teams.testing.fixtures import connector, teams_bot
from storage.retention import purge_old_files
from storage.teams_models import TeamsFile

OTHER = "19:kanal-anden@thread.tacv2"
PREFIX = f"{PUBLIC_URL}/teams/files/"
__all__ = ["connector", "teams_bot"]  # the Teams kit's fixtures, used here


async def say(bot: TeamsBot, user: str, text: str, channel: str = CHANNEL) -> int:
    activity = message(user, text, bot.connector.url, conversation_id=channel)
    activity["channelData"]["channel"]["id"] = activity["channelData"]["teamsChannelId"] = channel
    response = await bot.client.post("/api/messages", json=activity)
    await bot.teams.settle()  # the turn runs after Teams has its answer
    return response.status


def links(cards: list[dict[str, Any]]) -> list[str]:
    """Every file link in these cards (images and open-url buttons), as tokens."""
    urls = [node.get("url") for node in nodes_in(cards)]
    return [u.removeprefix(PREFIX) for u in urls if isinstance(u, str) and u.startswith(PREFIX)]


async def files_of(bot: TeamsBot, channel: str) -> list[str]:
    """A round with answers (comments too), its chart, its Word/Excel/CSV: their links."""
    mark = len(bot.connector.calls)
    assert await say(bot, "Anna", "start Recovery", channel) in (200, 201)
    assert await say(bot, "Anna", "svar 1.1 ja: En kommentar om en borger", channel) in (200, 201)
    assert await say(bot, "Bo", "resultat", channel) in (200, 201)
    assert await say(bot, "Bo", "eksport", channel) in (200, 201)
    cards = [card for call in bot.connector.calls[mark:] for card in call.cards]
    tokens = links(cards)
    assert len(tokens) >= 4, tokens  # the chart, the Word report, the Excel file, the CSV
    return tokens


async def status(bot: TeamsBot, token: str) -> int:
    response = await bot.client.get(f"/teams/files/{token}")
    await response.read()
    return response.status


async def test_the_channels_file_links_answer_404_at_once(teams_bot: TeamsBot) -> None:
    bot = teams_bot
    await bot.client.post("/api/messages", json=bot_added(bot.connector.url))
    added = bot_added(bot.connector.url, conversation_id=OTHER)
    added["channelData"]["channel"]["id"] = added["channelData"]["teamsChannelId"] = OTHER
    await bot.client.post("/api/messages", json=added)
    mine, theirs = await files_of(bot, CHANNEL), await files_of(bot, OTHER)
    assert all([await status(bot, t) == 200 for t in mine + theirs])

    assert await say(bot, "Anna", "slet-data") in (200, 201)
    assert await say(bot, "Anna", "slet-data bekræft") in (200, 201)
    assert "har slettet alle kanalens data" in bot.connector.text()

    assert [await status(bot, t) for t in mine] == [404] * len(mine)
    assert [await status(bot, t) for t in theirs] == [200] * len(theirs)
    async with bot.runtime.sessions() as session:
        rows = set(await session.scalars(select(TeamsFile.token)))
    assert rows.isdisjoint(mine) and set(theirs) <= rows


@pytest.fixture
async def long_links(
    database_url: str, clock: FakeClock, connector: FakeConnector
) -> AsyncIterator[TeamsBot]:
    """Links that outlive a day (TEAMS_FILE_TTL_HOURS=48), so retention is what ends them."""
    settings = teams_settings(local_dev=True, public_url=PUBLIC_URL, file_ttl_hours=48)
    async with running_bot(database_url, clock, connector, settings) as bot:
        yield bot


async def test_links_to_files_past_their_retention_answer_404(
    long_links: TeamsBot, clock: FakeClock
) -> None:
    """The daily sweep deletes files stored more than LOVENDE_FILE_RETENTION_DAYS ago, and the
    links to them with them (a foreign key): Teams gets 404, from any replica, even while
    the link itself has not expired."""
    bot = long_links
    await bot.client.post("/api/messages", json=bot_added(bot.connector.url))
    old = await files_of(bot, CHANNEL)
    clock.advance(days=1, minutes=1)
    mark = len(bot.connector.calls)
    assert await say(bot, "Bo", "resultat") in (200, 201)
    young = links([card for call in bot.connector.calls[mark:] for card in call.cards])
    assert young and all([await status(bot, t) == 200 for t in old + young])

    assert await purge_old_files(bot.runtime.sessions, None, clock.now(), 1) == len(old)

    assert [await status(bot, t) for t in old] == [404] * len(old)
    assert [await status(bot, t) for t in young] == [200] * len(young)
    async with bot.runtime.sessions() as session:
        rows = set(await session.scalars(select(TeamsFile.token)))
    assert rows == set(young)
