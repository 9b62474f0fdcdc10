"""`/lovende tavle` through the Slack adapter (signed requests through the real route): the
link comes privately (never into the channel), opens the channel's board on the same web app,
and the board shows an answer clicked in Slack."""

from __future__ import annotations

import re

import pytest
from board_helpers import LINK, PUBLIC_URL

from bot.slack.testing.harness import SlackHarness


@pytest.fixture(autouse=True)
def _public_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOVENDE_PUBLIC_URL", PUBLIC_URL)


def carrying(slack: SlackHarness, token: str) -> list[tuple[str, str]]:
    """(method, channel) of the Slack API calls whose body carries the token."""
    return [
        (c.method, str(c.body.get("channel"))) for c in slack.fake.calls if token in str(c.body)
    ]


async def test_tavle_in_slack_answers_privately_and_the_board_shows_slack_clicks(
    slack: SlackHarness,
) -> None:
    await slack.command("U1", "start Recovery")
    await slack.press("U1", "lp:pace:1:all")
    await slack.press("U2", "lp:ans:1:1.1:ja")
    r = await slack.command("U2", "tavle")
    assert r.status == 200
    found = LINK.search(slack.texts())
    assert found is not None and found.group(1) == PUBLIC_URL
    token = found.group(2)
    # Only in Bo's DM (conversations.open gave its channel), never in the team's channel.
    (sent,) = carrying(slack, token)
    opened = [c for c in slack.fake.calls if c.method == "conversations.open"]
    assert opened and opened[-1].body["users"] == "U2"
    assert sent[0] == "chat.postMessage" and sent[1] != "C1"
    assert "privat besked" in slack.texts()
    board = await slack.client.get(f"/tavle/{token}")
    page = await board.text()
    assert board.status == 200 and "Recovery" in page
    assert re.search(r'id="q-1\.1".*?Bo</span>: Ja', page, re.S)
    await slack.press("U3", "lp:ans:1:1.1:nej")
    after = await (await slack.client.get(f"/tavle/{token}/indhold")).text()
    assert re.search(r'id="q-1\.1".*?Uenighed – ikke afklaret', after, re.S)
    # Bo is no facilitator: the links stay; Anna closes them.
    await slack.command("U2", "tavle luk")
    assert (await slack.client.get(f"/tavle/{token}")).status == 200
    await slack.command("U1", "tavle luk")
    assert (await slack.client.get(f"/tavle/{token}")).status == 404
