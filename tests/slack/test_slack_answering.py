"""Answering through the Slack adapter (issue 17): in the bot's DM — a flat chat — each element
is one message holding its questions and the person's own answer is marked in it; in a channel a
click is confirmed with an ephemeral message only the person sees ("Dit svar på 1.1: Ja"), 2.2's
check boxes come back ticked as the person chose; one question at a time (`næste spørgsmål`) in
ephemeral messages. Every Block Kit payload is validated."""

from __future__ import annotations

from typing import Any

from bot.slack.testing import payloads as p
from bot.slack.testing.harness import SlackHarness, check_all, elements

FORM = "application/x-www-form-urlencoded"


async def dm(slack: SlackHarness, user: str, text: str, n: int) -> None:
    """`user` writes to the bot in their DM."""
    r = await slack.event(p.direct_message(user, text, "D1", f"2.{n:06d}"), f"Ev{n}")
    assert r.status == 200


async def dm_click(
    slack: SlackHarness, user: str, prefix: str, state: dict[str, Any] | None = None
) -> None:
    element, msg = slack.button(prefix)
    body = p.block_actions(user, element, msg, msg["channel"], state, channel_name="directmessage")
    r = await slack.send(body, FORM)
    assert r.status == 200


def styles(message: dict[str, Any]) -> dict[str, str]:
    return {e["value"]: e.get("style", "default") for e in elements(message["blocks"], "button")}


def checkboxes(message: dict[str, Any]) -> list[dict[str, Any]]:
    return elements(message["blocks"], "checkboxes")


def ticked(slack: SlackHarness, qid: str, keys: list[str]) -> dict[str, Any]:
    """The state of `qid`'s check boxes with `keys` ticked, as Slack sends it with the click."""
    element, msg = slack.button(f"lp:multi:1:{qid}")
    for box in checkboxes(msg):
        if box["action_id"].startswith(element["value"]):
            chosen = [o for o in box["options"] if o["value"] in keys]
            return {"b-2-2": {box["action_id"]: {"type": "checkboxes", "selected_options": chosen}}}
    raise LookupError(qid)


async def test_in_the_dm_each_element_is_one_message_marking_your_answer(
    slack: SlackHarness,
) -> None:
    fake = slack.fake
    await dm(slack, "U1", "start Recovery-forløb", 1)
    await dm(slack, "U1", "svar 1.1 ja", 2)  # no pace chosen: the default brings element 1
    cards = [m for m in slack.messages() if str(m["text"]).startswith("Element ")]
    assert len(cards) == 1 and cards[0]["channel"] == "D1"
    assert not [m for m in slack.messages() if m.get("thread_ts")]  # no threads in a DM
    card = cards[0]
    assert "lp:ans:1:1.6:ja" in styles(card)  # all six questions are on the card
    assert styles(card)["lp:ans:1:1.1:ja"] == "primary"

    mark = len(fake.calls)
    await dm_click(slack, "U1", "lp:ans:1:1.2:nej")
    (update,) = fake.since(mark, "chat.update")[:1]
    assert update["ts"] == card["ts"]
    assert styles(update)["lp:ans:1:1.2:nej"] == "primary"
    assert "Dit svar: Nej" in str(update["blocks"])
    # the card shows it: a click adds no message to the DM
    assert not [
        c for c in fake.since(mark, "chat.postMessage", "chat.postEphemeral")
        if "1.2" in str(c["text"])
    ]  # fmt: skip

    await dm(slack, "U1", "næste", 3)
    mark = len(fake.calls)
    await dm_click(slack, "U1", "lp:multi:1:2.2", ticked(slack, "2.2", ["a", "c"]))
    (update,) = [c for c in fake.since(mark, "chat.update") if "Element 2" in str(c["text"])]
    (box,) = checkboxes(update)
    assert [o["value"] for o in box["initial_options"]] == ["a", "c"]  # 2.2 stays ticked
    assert "2.3" in str(update["blocks"])  # asked on the same card once 2.2 includes c
    assert check_all(fake.calls) > 0


async def test_in_a_channel_a_click_is_confirmed_to_the_person_only(slack: SlackHarness) -> None:
    fake = slack.fake
    await slack.command("U1", "start Recovery-forløb")
    await slack.press("U1", "lp:pace:1:all")
    mark = len(fake.calls)
    await slack.press("U2", "lp:ans:1:1.1:ja")
    (mine,) = fake.since(mark, "chat.postEphemeral")
    assert mine["user"] == "U2" and mine["text"] == "Dit svar på 1.1: Ja"
    (card,) = fake.since(mark, "chat.update")[:1]
    assert "1 har svaret." in str(card["blocks"])  # the shared card counts, never names

    mark = len(fake.calls)
    await slack.press("U2", "lp:multi:1:2.2", ticked(slack, "2.2", ["c", "a"]))
    (mine,) = fake.since(mark, "chat.postEphemeral")
    assert mine["user"] == "U2" and str(mine["text"]).startswith("Dit svar på 2.2: a)")
    (box,) = checkboxes(mine)
    assert [o["value"] for o in box["initial_options"]] == ["a", "c"]
    assert check_all(fake.calls) > 0


async def test_one_question_at_a_time_in_a_channel(slack: SlackHarness) -> None:
    fake = slack.fake
    await slack.command("U1", "start Recovery-forløb")
    await slack.command("U1", "afgrænsning Unge i botilbuddet")
    mark = len(fake.calls)
    await slack.command("U2", "næste spørgsmål")
    shown = fake.since(mark, "chat.postEphemeral")
    assert shown and all(c["user"] == "U2" for c in shown)
    assert str(shown[-1]["text"]).startswith("1.1 ")
    assert "`/lovende stop`" in str(shown[-1]["blocks"])
    mark = len(fake.calls)
    await slack.press("U2", "lp:ans:1:1.1:ja:g")
    texts = [str(c["text"]) for c in fake.since(mark, "chat.postEphemeral")]
    assert texts[0] == "Dit svar på 1.1: Ja" and texts[-1].startswith("1.2 ")
    assert check_all(fake.calls) > 0
