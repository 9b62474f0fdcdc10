"""The Bot Connector's calls go over aiohttp on the event loop (bot/teams/transport.py), not
through msrest's default, `requests` in a worker thread: in a burst of clicks that path took
about a third of the process's CPU (issue 21). Failures keep their meaning (test_teams_faults.py
runs every scripted fault through this transport)."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from sqlalchemy import func, select

from bot.teams.testing import TeamsBot
from storage.models import DeliveryFailure


async def test_posts_and_card_updates_go_out_on_the_event_loop_without_requests(
    teams_bot: TeamsBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    used: list[str] = []

    def refuse(_session: requests.Session, method: str, url: str, **_: Any) -> None:
        used.append(method)
        raise AssertionError("a connector call went through requests")

    monkeypatch.setattr(requests.Session, "request", refuse)
    fake = teams_bot.connector
    anna = teams_bot.user("Anna")
    assert await anna.say("start Recovery-forløb") == 201
    call, action = fake.find_submit("lp:pace:")
    await anna.press_on(call, action["data"]["lp"].rsplit(":", 1)[0] + ":one")
    question, _ = fake.find_submit("lp:ans:1:1.1:")
    mark = len(fake.calls)
    assert await anna.press_on(question, "lp:ans:1:1.1:ja") == 200

    assert used == []
    updates = [c for c in fake.calls[mark:] if c.method == "PUT"]
    assert updates and all(c.status == 200 for c in updates)
    assert any(c.activity_id == fake.message_id(question) for c in updates)
    async with teams_bot.runtime.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(DeliveryFailure)) == 0


async def test_the_connections_to_the_connector_close_with_the_app(teams_bot: TeamsBot) -> None:
    anna = teams_bot.user("Anna")
    assert await anna.say("hjælp") == 201
    sessions = teams_bot.teams.port.adapter.bot_framework_authentication.sessions
    session = sessions.get()
    assert not session.closed
    await teams_bot.client.close()  # the app's cleanup
    assert session.closed
