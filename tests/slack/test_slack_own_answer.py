"""Each person sees their own answer in Slack, through signed requests and the fake Web API.

- The shared question card in a channel is everyone's: its check boxes keep one block id while
  it shows the same selection, so Slack keeps each person's ticks when the card is updated
  (saving 2.2 no longer clears them).
- A message only the person sees becomes their own view when they click it: their ephemeral
  copy in the channel (replaced through the click's `response_url`), a copy in their DM
  (updated, its buttons still signed for the channel).
"""

from __future__ import annotations

from typing import Any

from bot.inbound import Inbound
from bot.ports import Conversation
from bot.slack.blocks import render_message
from bot.slack.origin import split_value
from bot.slack.testing import payloads as p
from bot.slack.testing.harness import SlackHarness, check_all, elements, valid_blocks
from dialogs.effects import Outcome, Post
from dialogs.events import Command
from dialogs.messages import Button, Buttons, Choice, Message, MultiSelect, Text, ToMember
from dialogs.turn import Turn

FORM = "application/x-www-form-urlencoded"


def copy_of_1_1(aid: int) -> Message:
    """A private copy of question 1.1 (as a nudge or the person's question list sends one)."""
    answers = (("Ja", "ja"), ("Delvist", "delvist"), ("Nej", "nej"))
    buttons = tuple(Button(label, f"lp:ans:{aid}:1.1:{value}") for label, value in answers)
    return Message((Text("*1.1* Bygger praksis på en teori?"), Buttons(buttons)), "1.1")


async def copy_in_dm(slack: SlackHarness, member: str) -> None:
    """The bot sends `member` a copy of 1.1 in their DM, about channel C1 (no request)."""

    def step(_turn: Turn) -> Outcome:
        return Outcome(out=(Post(copy_of_1_1(1), ToMember(member)),))

    system = Inbound(Conversation("slack", p.TEAM, "C1", None), Command(""))
    await slack.runtime.engine.act(system, step, slack.runtime.ports["slack"])


def checkbox_ids(blocks: list[dict[str, Any]]) -> list[str]:
    return [
        b["block_id"]
        for b in blocks
        if b["type"] == "actions" and any(e["type"] == "checkboxes" for e in b["elements"])
    ]


def button_texts(blocks: list[dict[str, Any]]) -> dict[str, str]:
    return {split_value(e["value"])[0]: e["text"]["text"] for e in elements(blocks, "button")}


async def test_saving_2_2_keeps_everyones_ticks_on_the_shared_card(slack: SlackHarness) -> None:
    await slack.command("U1", "start Recovery")
    await slack.press("U1", "lp:pace:1:all")
    element, card = slack.button("lp:multi:1:2.2")
    posted = checkbox_ids(card["blocks"])
    assert posted and posted[0].startswith("ms:")
    ticked = {"type": "checkboxes", "selected_options": [{"value": "a"}, {"value": "c"}]}
    state = {posted[0]: {"lp:multi:1:2.2#c": ticked}}  # Anna ticks a and c, then saves
    await slack.click("U1", element, card, card["channel"], state)
    slack.button("lp:ans:1:2.3:")  # (saved: 2.3 follows a c)
    (update,) = [
        c for c in slack.fake.of("chat.update") if c["ts"] == card["ts"] and "2.2" in str(c.body)
    ]
    # The card, updated for everyone ("1 har svaret"), keeps its check boxes' block id: Slack
    # keeps what each person has ticked, Anna's a and c included.
    assert checkbox_ids(update["blocks"]) == posted
    assert "initial_options" not in str(update["blocks"])
    assert "1 har svaret" in str(update["blocks"])


def test_a_copy_showing_a_selection_gets_its_own_block_id() -> None:
    """A message that shows another selection gets another id: its initial ticks apply."""
    options = (Choice("a", "a) Ja"), Choice("c", "c) Nej"))
    shared = MultiSelect("lp:multi:1:2.2", "Vælg", options)
    mine = MultiSelect("lp:multi:1:2.2", "Vælg", options, selected=("a",))
    (shared_blocks,) = render_message(Message((shared,), "x")).chunks
    (mine_blocks,) = render_message(Message((mine,), "x")).chunks
    (again,) = render_message(Message((shared,), "x")).chunks
    valid_blocks(mine_blocks)
    assert checkbox_ids(shared_blocks) == checkbox_ids(again)
    assert checkbox_ids(shared_blocks) != checkbox_ids(mine_blocks)
    assert "initial_options" in str(mine_blocks)


async def test_a_click_on_an_ephemeral_copy_turns_it_into_the_persons_answer(
    slack: SlackHarness,
) -> None:
    await slack.command("U1", "start Recovery")
    await slack.press("U1", "lp:pace:1:all")
    await slack.command("U2", "spørgsmål")  # Bo's open questions, only he sees them
    element, copy = slack.button("lp:ans:1:1.1:ja")
    assert copy["method"] == "chat.postEphemeral"
    mark = len(slack.fake.calls)
    await slack.click("U2", element, copy, "C1")
    calls = slack.fake.calls[mark:]
    replaced = [c for c in calls if c.method == "response_url"][-1]  # (then with the words)
    assert replaced["replace_original"] is True
    valid_blocks(replaced["blocks"])
    texts = button_texts(replaced["blocks"])
    assert texts["lp:ans:1:1.1:ja"] == "✓ Ja" and texts["lp:ans:1:1.1:nej"] == "Nej"
    # the shared card counts the answer for everyone, unmarked
    shared = [c for c in calls if c.method == "chat.update" and "1 har svaret" in str(c.body)]
    assert shared and "✓" not in str(shared[0]["blocks"])
    assert not [c for c in calls if c.method == "chat.postEphemeral" and "1.1" in str(c.body)]
    assert check_all(slack.fake.calls) > 0


async def test_a_click_on_a_copy_in_the_dm_shows_the_answer_there(slack: SlackHarness) -> None:
    await slack.command("U1", "start Recovery")
    await slack.press("U1", "lp:pace:1:all")
    await copy_in_dm(slack, "U2")
    answer, question = slack.button("lp:ans:1:1.1:delvist")
    assert question["channel"].startswith("D")
    mark = len(slack.fake.calls)
    body = p.block_actions(
        "U2", answer, question, question["channel"], channel_name="directmessage"
    )
    await slack.send(body, FORM)
    updates = [c for c in slack.fake.calls[mark:] if c.method == "chat.update"]
    own = [c for c in updates if c["channel"] == question["channel"]][-1]
    assert own["ts"] == question["ts"]
    texts = button_texts(own["blocks"])
    assert texts["lp:ans:1:1.1:delvist"] == "✓ Delvist" and texts["lp:ans:1:1.1:ja"] == "Ja"
    signed = next(
        e["value"] for e in elements(own["blocks"]) if e.get("action_id") == "lp:ans:1:1.1:nej"
    )
    assert split_value(signed)[1] == "C1"  # its buttons still act on the channel
    assert any(c["channel"] == "C1" and "1 har svaret" in str(c.body) for c in updates)
