"""`/lovende tavle` through the Slack adapter (signed requests through the real route): the
link comes privately (never into the channel), opens the channel's board on the same web app,
and the board shows an answer clicked in Slack."""

from __future__ import annotations

import re
from typing import Any

import pytest
from board_helpers import LINK, PUBLIC_URL

from bot.slack.testing import payloads as p
from bot.slack.testing.harness import SlackHarness, valid_view


@pytest.fixture(autouse=True)
def _public_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOVENDE_PUBLIC_URL", PUBLIC_URL)


async def started(slack: SlackHarness) -> None:
    """Anna (U1) starts a round of Recovery in C1, every element at once; Bo (U2) answers
    1.1 with a click."""
    await slack.command("U1", "start Recovery")
    await slack.press("U1", "lp:pace:1:all")
    await slack.press("U2", "lp:ans:1:1.1:ja")


def carrying(slack: SlackHarness, token: str) -> list[tuple[str, str]]:
    """(method, channel) of the Slack API calls whose body carries the token."""
    return [
        (c.method, str(c.body.get("channel"))) for c in slack.fake.calls if token in str(c.body)
    ]


async def test_tavle_in_slack_answers_privately_and_the_board_shows_slack_clicks(
    slack: SlackHarness,
) -> None:
    await started(slack)
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


async def test_the_summarys_open_the_board_button_sends_the_presser_a_private_link(
    slack: SlackHarness,
) -> None:
    await started(slack)
    await slack.command("U1", "resultat")
    element, message = slack.button("lp:board")
    assert element["text"]["text"] == "Åbn tavlen" and message["channel"] == "C1"
    mark = len(slack.fake.calls)
    r = await slack.press("U3", "lp:board")
    assert r.status == 200
    found = LINK.search(str([c.body for c in slack.fake.calls[mark:]]))
    assert found is not None
    token = found.group(2)
    (sent,) = carrying(slack, token)
    assert sent[0] == "chat.postMessage" and sent[1] != "C1"  # Cai's DM, not the channel
    opened = [c for c in slack.fake.calls[mark:] if c.method == "conversations.open"]
    assert opened and opened[-1].body["users"] == "U3"
    told = [c for c in slack.fake.calls[mark:] if c.method == "chat.postEphemeral"]
    assert told and told[-1].body["user"] == "U3" and "privat besked" in str(told[-1].body)
    assert (await slack.client.get(f"/tavle/{token}")).status == 200


def home_click(user: str, button: dict[str, Any], team: str = p.TEAM) -> bytes:
    """A click on a button of the person's App Home, as Slack sends it: the container is the
    view, there is no channel and no response_url."""
    view = {"id": "VHOME1", "team_id": team, "type": "home", "blocks": [], "private_metadata": ""}
    return p.interactive(
        {
            "type": "block_actions",
            "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": team},
            "api_app_id": p.APP_ID,
            "token": "legacy-verification-token",
            "container": {"type": "view", "view_id": "VHOME1"},
            "trigger_id": f"trigger-home-{user}",
            "team": {"id": team, "domain": "lovende-test"},
            "enterprise": None,
            "is_enterprise_install": False,
            "view": view,
            "state": {"values": {}},
            "actions": [
                {
                    "action_id": button["action_id"],
                    "block_id": "home1",
                    "type": "button",
                    "text": button["text"],
                    "value": button["value"],
                    "action_ts": "1700000002.000100",
                }
            ],
        }
    )


def home_buttons(slack: SlackHarness) -> list[dict[str, Any]]:
    (published,) = slack.fake.of("views.publish")[-1:]
    valid_view(published["view"])
    return [b["accessory"] for b in published["view"]["blocks"] if "accessory" in b]


async def test_app_home_has_a_board_button_per_channel_that_sends_a_private_link(
    slack: SlackHarness,
) -> None:
    await started(slack)  # Bo (U2) is a member of C1 only
    await slack.command("U1", "start Botilbud", channel="C2")
    await slack.event(p.home_opened("U2"), "EvHome1")
    (button,) = home_buttons(slack)
    assert button["text"]["text"] == "Åbn tavlen" and button["action_id"] == "lp:board#C1"
    assert button["value"].startswith("lp:board~C1~")  # signed for Bo and C1
    mark = len(slack.fake.calls)
    r = await slack.send(home_click("U2", button), "application/x-www-form-urlencoded")
    assert r.status == 200
    calls = slack.fake.calls[mark:]
    found = LINK.search(str([c.body for c in calls]))
    assert found is not None
    (sent,) = carrying(slack, found.group(2))
    assert sent[0] == "chat.postMessage" and sent[1].startswith("D")  # Bo's DM
    assert not [c for c in calls if c.method == "chat.postEphemeral"]
    page = await slack.client.get(f"/tavle/{found.group(2)}")
    assert page.status == 200 and "Recovery" in await page.text()
    # Someone else pressing Bo's button, a forged channel, an unsigned value: no link.
    forged = {**button, "value": button["value"].replace("~C1~", "~C2~")}
    unsigned = {**button, "value": "lp:board"}
    for user, b in (("U3", button), ("U2", forged), ("U2", unsigned)):
        mark = len(slack.fake.calls)
        r = await slack.send(home_click(user, b), "application/x-www-form-urlencoded")
        assert r.status == 200
        assert not LINK.search(str([c.body for c in slack.fake.calls[mark:]])), (user, b)


async def test_app_home_has_no_board_buttons_without_a_public_address(
    slack: SlackHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LOVENDE_PUBLIC_URL")
    monkeypatch.delenv("TEAMS_PUBLIC_URL", raising=False)
    slack.runtime.settings = slack.runtime.settings.model_copy(update={"public_url": ""})
    await slack.command("U1", "start Recovery")
    await slack.event(p.home_opened("U1"), "EvHome2")
    assert home_buttons(slack) == []
