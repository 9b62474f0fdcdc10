"""`tavle` through the Teams adapter (activities through CloudAdapter on /api/messages): in a
channel the link goes to the person's own 1:1 chat — a Teams channel has no reply that only
one person sees — and the channel hears only that it was sent; the board shows a card click."""

from __future__ import annotations

import re

import pytest
from board_helpers import LINK, PUBLIC_URL

from bot.teams.testing import CHANNEL, TeamsBot, bot_added


@pytest.fixture(autouse=True)
def _public_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOVENDE_PUBLIC_URL", PUBLIC_URL)


async def test_tavle_in_a_teams_channel_sends_the_link_to_a_11_chat(teams_bot: TeamsBot) -> None:
    bot, fake = teams_bot, teams_bot.connector
    anna, bo = bot.user("Anna"), bot.user("Bo")
    await bot.client.post("/api/messages", json=bot_added(fake.url))
    assert await anna.say("start Recovery") == 201
    await anna.say("tempo alle")
    await bo.say("svar 1.1 ja")
    before = len(fake.calls)
    assert await bo.say("tavle") == 201
    calls = fake.calls[before:]
    carrying = [c for c in calls if LINK.search(str(c.body))]
    assert len(carrying) == 1
    (link,) = carrying
    assert link.conversation_id is not None and not link.conversation_id.startswith(CHANNEL)
    assert calls[0].method == "CREATE"  # the 1:1 chat with Bo
    assert link.conversation_id.startswith("a:")
    in_channel = [c for c in calls if (c.conversation_id or "").startswith(CHANNEL)]
    assert in_channel and all(not LINK.search(str(c.body)) for c in in_channel)
    assert "privat besked" in str([c.body for c in in_channel])
    found = LINK.search(str(link.body))
    assert found is not None
    page = await (await bot.client.get(f"/tavle/{found.group(2)}")).text()
    assert "Recovery" in page and re.search(r'id="q-1\.1".*?Bo</span>: Ja', page, re.S)


async def test_the_summarys_open_the_board_button_sends_the_link_to_a_11_chat(
    teams_bot: TeamsBot,
) -> None:
    bot, fake = teams_bot, teams_bot.connector
    anna, bo = bot.user("Anna"), bot.user("Bo")
    await bot.client.post("/api/messages", json=bot_added(fake.url))
    await anna.say("start Recovery")
    await anna.say("tempo alle")
    await anna.say("resultat")
    _call, action = fake.find_submit("lp:board")
    # A card button as every other in a channel (bot/teams: Action.Execute there, so that the
    # answer can be the presser's alone; Action.Submit in a 1:1 chat).
    assert action["type"] in ("Action.Execute", "Action.Submit") and action["title"] == "Åbn tavlen"
    before = len(fake.calls)
    assert await bo.press("lp:board") in (200, 201)
    calls = fake.calls[before:]
    carrying = [c for c in calls if LINK.search(str(c.body))]
    assert len(carrying) == 1 and (carrying[0].conversation_id or "").startswith("a:")
    found = LINK.search(str(carrying[0].body))
    assert found is not None
    assert (await bot.client.get(f"/tavle/{found.group(2)}")).status == 200
