"""Buttons in private messages act on the channel they are about: a nudge, the member's question
list and an agreement status reminder arrive in the member's DM; their clicks come from the DM
(`D…`) and run in the channel — only when the signed origin in the button holds for the
clicking user. A tampered value or another user's click stays in the DM and stores nothing."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from aiohttp import ClientResponse
from sqlalchemy import func, select

from bot.clock import FakeClock
from bot.inbound import Inbound
from bot.ports import Conversation
from bot.reminders import ReminderWorker
from bot.slack.blocks import render_message
from bot.slack.inbound import from_block_actions
from bot.slack.modals import FormMeta
from bot.slack.origin import ORIGIN_KEY, OriginKey, split_value
from bot.slack.testing import payloads as p
from bot.slack.testing.harness import SlackHarness, check_all, elements
from dialogs.effects import Outcome
from dialogs.events import Command, Interaction
from dialogs.meetings import CreateAgreement
from dialogs.messages import Choice, Message, MultiSelect
from dialogs.turn import Turn
from storage.meeting_models import Agreement
from storage.models import Assessment, Channel, Member, MemberAnswer

FORM = "application/x-www-form-urlencoded"


def utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


async def dm_click(
    slack: SlackHarness,
    user: str,
    element: dict[str, Any],
    msg: dict[str, Any],
    *,
    channel: str | None = None,
    state: dict[str, Any] | None = None,
) -> ClientResponse:
    """A click in the bot's DM, shaped as Slack sends it (`channel.name: directmessage`)."""
    where = channel or msg["channel"]
    body = p.block_actions(user, element, msg, where, state, channel_name="directmessage")
    return await slack.send(body, FORM)


async def answers_in(slack: SlackHarness, channel: str) -> list[tuple[str, str, str | None]]:
    """(member, question, value) of the answers stored for `channel`'s assessments."""
    async with slack.runtime.sessions() as s:
        rows = await s.execute(
            select(Member.external_id, MemberAnswer.question_id, MemberAnswer.value)
            .join(Member, Member.id == MemberAnswer.member_id)
            .join(Assessment, Assessment.id == MemberAnswer.assessment_id)
            .join(Channel, Channel.id == Assessment.channel_id)
            .where(Channel.external_id == channel)
        )
        return [(m, q, v) for m, q, v in rows]


async def count_answers(slack: SlackHarness) -> int:
    async with slack.runtime.sessions() as s:
        return int(await s.scalar(select(func.count()).select_from(MemberAnswer)) or 0)


async def nudged(slack: SlackHarness, clock: FakeClock) -> tuple[dict[str, Any], dict[str, Any]]:
    """A round in C1 that U2 has not answered; three working days on, U2's nudge in D2."""
    await slack.command("U1", "start Recovery")
    await slack.press("U1", "lp:pace:1:one")
    await slack.command("U2", "status")
    clock.set(utc(2026, 3, 5, 9, 0))
    await ReminderWorker(slack.runtime).run_due()
    element, msg = slack.button("lp:r-qs:1")
    assert msg["channel"] == "D2" and msg["method"] == "chat.postMessage"
    return element, msg


async def test_a_nudge_in_the_dm_leads_to_an_answer_stored_in_the_channel(
    slack: SlackHarness, clock: FakeClock
) -> None:
    element, msg = await nudged(slack, clock)
    action, origin, sig = split_value(element["value"])
    assert (action, origin) == ("lp:r-qs:1", "C1") and sig is not None
    assert element["action_id"] == "lp:r-qs:1"  # the action id stays the plain action
    assert check_all(slack.fake.calls) > 0  # signed values are valid Block Kit

    mark = len(slack.fake.calls)
    r = await dm_click(slack, "U2", element, msg)
    assert r.status == 200
    # The member's open questions come back in the DM (no ephemeral message in C1), and their
    # answer buttons carry the channel too.
    shown = slack.fake.since(mark, "chat.postMessage", "chat.postEphemeral")
    assert shown and {c["channel"] for c in shown} == {"D2"}
    answer, question_msg = slack.button("lp:ans:1:1.1:ja")
    assert question_msg["channel"] == "D2"
    assert split_value(answer["value"])[1] == "C1"

    r = await dm_click(slack, "U2", answer, question_msg)
    assert r.status == 200
    assert await answers_in(slack, "C1") == [("U2", "1.1", "ja")]
    assert not any(c["channel"] == "C1" for c in slack.fake.since(mark, "chat.postEphemeral"))


async def test_a_modal_opened_from_the_dm_saves_in_the_channel_and_answers_in_the_dm(
    slack: SlackHarness, clock: FakeClock
) -> None:
    await nudged(slack, clock)
    await dm_click(slack, "U2", *slack.button("lp:r-qs:1"))
    mark = len(slack.fake.calls)
    await dm_click(slack, "U2", *slack.button("lp:cmt:1:1.1"))
    (opened,) = slack.fake.since(mark, "views.open")
    view = opened["view"]
    assert json.loads(view["private_metadata"]) == {"a": "lp:f-cmt:1:1.1", "c": "C1", "d": 1}
    r = await slack.submit("U2", view, {"comment": "Vi bruger LØFT."})
    assert r.status == 200
    async with slack.runtime.sessions() as s:
        saved = await s.scalar(select(MemberAnswer.comment))
    assert saved == "Vi bruger LØFT."
    replies = slack.fake.since(mark, "chat.postMessage", "chat.postEphemeral")
    assert replies and {c["channel"] for c in replies} == {"D2"}


async def test_a_tampered_origin_is_not_routed_and_stores_nothing(
    slack: SlackHarness, clock: FakeClock
) -> None:
    await nudged(slack, clock)
    await dm_click(slack, "U2", *slack.button("lp:r-qs:1"))
    answer, msg = slack.button("lp:ans:1:1.1:ja")
    action, origin, sig = split_value(answer["value"])
    assert origin == "C1" and sig is not None
    forged_sig = ("A" if sig[0] != "A" else "B") + sig[1:]
    tampered = [
        f"{action}~C1~{forged_sig}",  # a signature that does not hold
        f"lp:ans:1:1.1:nej~C1~{sig}",  # another answer under the signature of "ja"
        f"{action}~C9~{sig}",  # another channel
        f"{action}~C1",  # no signature
        action,  # unsigned, as a channel message's button would be
    ]
    mark = len(slack.fake.calls)
    for value in tampered:
        r = await dm_click(slack, "U2", {**answer, "value": value}, msg)
        assert r.status == 200
    assert await count_answers(slack) == 0
    # Each click ran in the DM, where there is nothing to answer: the reply is there too.
    replies = slack.fake.since(mark, "chat.postMessage", "chat.postEphemeral")
    assert replies and all(c["channel"] == "D2" for c in replies)


async def test_a_signature_for_another_user_is_not_routed(
    slack: SlackHarness, clock: FakeClock
) -> None:
    await nudged(slack, clock)
    await slack.command("U3", "status")  # U3 is a member of C1 too
    await dm_click(slack, "U2", *slack.button("lp:r-qs:1"))
    answer, msg = slack.button("lp:ans:1:1.1:ja")  # signed for U2
    # U3 sends U2's button (from U2's DM, and from their own): neither runs in C1.
    await dm_click(slack, "U3", answer, msg)
    await dm_click(slack, "U3", answer, msg, channel="D3")
    assert await count_answers(slack) == 0
    # U2's own click still works afterwards.
    await dm_click(slack, "U2", answer, msg)
    assert await answers_in(slack, "C1") == [("U2", "1.1", "ja")]


async def test_an_agreement_status_reminder_sets_the_status_in_the_channel(
    slack: SlackHarness, clock: FakeClock
) -> None:
    for user in ("U1", "U2", "U3"):
        await slack.command(user, "status")
    op = CreateAgreement("Introducér metoden", "U2", "U3", date(2026, 3, 5), None, "test")

    def create(_turn: Turn) -> Outcome:
        return Outcome(ops=(op,))

    inbound = Inbound(Conversation("slack", p.TEAM, "C1", "U1"), Command(""), "Anna", "team")
    await slack.runtime.engine.act(inbound, create, slack.slack.port)
    async with slack.runtime.sessions() as s:
        agreement = await s.scalar(select(Agreement))
        assert agreement is not None
    clock.set(utc(2026, 3, 5, 11, 0))
    await ReminderWorker(slack.runtime).run_due()
    done, msg = slack.button(f"lp:ag-st:{agreement.id}:done")
    assert msg["channel"].startswith("D")
    assert split_value(done["value"])[1] == "C1"
    owner = "U2" if msg["channel"] == "D2" else "U3"
    r = await dm_click(slack, owner, done, msg)
    assert r.status == 200
    async with slack.runtime.sessions() as s:
        status = await s.scalar(select(Agreement.status).where(Agreement.id == agreement.id))
    assert status == "done"


# ---- the pieces ----
KEY = OriginKey.from_secret("8f742231b10e8888abcd99yyyzzz85a5")


def click_body(value: str, user: str = "U2", channel: str = "D2", **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": user, "team_id": "T1"},
        "team": {"id": "T1"},
        "channel": {"id": channel, "name": "directmessage" if channel[0] == "D" else "team"},
        "container": {"type": "message", "channel_id": channel, "message_ts": "1.0"},
        "actions": [{"type": "button", "action_id": "lp:ans:1:1.1:ja", "value": value}],
        "state": {"values": {}},
    }
    body.update(extra)
    return body


def test_signing_binds_team_member_channel_and_action() -> None:
    value = KEY.sign("T1", "U2", "C1", "lp:ans:1:1.1:ja")
    assert len(value) <= 2000 and value.startswith("lp:ans:1:1.1:ja~C1~")
    assert KEY.verify("T1", "U2", value) == "C1"
    assert KEY.verify("T2", "U2", value) is None
    assert KEY.verify("T1", "U3", value) is None
    assert OriginKey.from_secret("another secret").verify("T1", "U2", value) is None
    assert KEY.verify("T1", "U2", KEY.sign("T1", "U2", "D9", "lp:x")) is None  # never a DM
    assert KEY.key != b"8f742231b10e8888abcd99yyyzzz85a5"  # a derived key, not the secret


@pytest.mark.parametrize(
    ("body", "routed"),
    [
        (click_body(KEY.sign("T1", "U2", "C1", "lp:ans:1:1.1:ja")), "C1"),
        (click_body(KEY.sign("T1", "U2", "C1", "lp:ans:1:1.1:ja"), user="U3"), None),
        (click_body(KEY.sign("T1", "U2", "C1", "lp:ans:1:1.1:ja"), channel="C5"), None),
        (click_body("lp:ans:1:1.1:ja"), None),
        (click_body(KEY.sign("T1", "U2", "C1", "lp:ans:1:1.1:ja"), type="view_submission"), None),
    ],
)
async def test_the_middleware_routes_only_verified_dm_clicks(
    body: dict[str, Any], routed: str | None
) -> None:
    async def nothing() -> None:
        return None

    body[ORIGIN_KEY] = "C666"  # whatever a body says of itself is dropped
    await KEY.middleware(body, nothing)
    assert body.get(ORIGIN_KEY) == routed
    incoming = from_block_actions(body)
    if body["type"] != "block_actions":
        return
    assert incoming is not None
    assert incoming.event.action == "lp:ans:1:1.1:ja"  # type: ignore[union-attr]
    assert incoming.conv.channel == (routed or body["channel"]["id"])
    assert incoming.in_dm == (body["channel"]["id"][0] == "D")
    assert incoming.channel_name is None or not routed


def test_an_unverified_body_key_alone_never_routes_a_channel_click() -> None:
    body = click_body("lp:ans:1:1.1:ja", channel="C5")
    body[ORIGIN_KEY] = "C1"  # not from the middleware, and not a DM click
    incoming = from_block_actions(body)
    assert incoming is not None and incoming.conv.channel == "C5"


def test_a_multi_select_in_a_dm_signs_its_submit_button_only() -> None:
    options = (Choice("a", "A"), Choice("b", "B"))
    choice = MultiSelect("lp:multi:1:2.2", "Hvilke?", options, (), "Send")
    sign = KEY.signer("T1", "U2", "C1")
    (chunk,) = render_message(Message((choice,), "Hvilke?"), sign).chunks
    boxes = elements(chunk, "checkboxes")
    (submit,) = elements(chunk, "button")
    assert KEY.verify("T1", "U2", submit["value"]) == "C1"
    assert all(o["value"] in ("a", "b") for b in boxes for o in b["options"])
    state = {"b": {boxes[0]["action_id"]: {"type": "checkboxes", "selected_options": []}}}
    body = click_body(submit["value"], state={"values": state})
    body["actions"][0]["action_id"] = submit["action_id"]
    body[ORIGIN_KEY] = "C1"
    incoming = from_block_actions(body)
    assert incoming is not None and incoming.conv.channel == "C1"
    assert incoming.event == Interaction("lp:multi:1:2.2", {"selected": ""})


def test_form_meta_keeps_the_dm_flag_and_reads_old_metadata() -> None:
    assert FormMeta.load(FormMeta("lp:f", "C1", True).dump()) == FormMeta("lp:f", "C1", True)
    assert FormMeta("lp:f", "C1").dump() == '{"a":"lp:f","c":"C1"}'
    assert FormMeta.load('{"a":"lp:f","c":"C1"}') == FormMeta("lp:f", "C1", False)
    assert FormMeta.load("[1]") is None
