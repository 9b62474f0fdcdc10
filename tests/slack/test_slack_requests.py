"""Signed, real-shaped requests through the aiohttp route: verification, events and retries,
commands, clicks, modals, App Home."""

from __future__ import annotations

import json
import time

import pytest
from sqlalchemy import func, select

from bot.slack.testing import payloads as p
from bot.slack.testing.harness import SlackHarness, check_all, elements, valid_view
from storage.models import Assessment, Channel, MemberAnswer, ProcessedEvent
from storage.selfeval_models import SelfEvalPoint


async def start(slack: SlackHarness, elements: int = 1) -> None:
    """Start an assessment, one element at a time, and post `elements` elements."""
    await slack.command("U1", "start Recovery")
    await slack.press("U1", "lp:pace:1:one")
    for _ in range(elements - 1):
        await slack.command("U1", "næste")


async def count(slack: SlackHarness, model: type) -> int:
    async with slack.runtime.sessions() as s:
        return int(await s.scalar(select(func.count()).select_from(model)) or 0)


async def test_url_verification_is_answered(slack: SlackHarness) -> None:
    body = json.dumps({"token": "x", "challenge": "abc123", "type": "url_verification"}).encode()
    r = await slack.send(body, "application/json")
    assert r.status == 200 and (await r.json())["challenge"] == "abc123"


async def test_forged_or_stale_signatures_get_401_and_change_nothing(slack: SlackHarness) -> None:
    body = p.slash_command("U1", "start Recovery")
    form = "application/x-www-form-urlencoded"
    forged = await slack.send(body, form, signature="v0=" + "0" * 64)
    stale = await slack.send(body, form, timestamp=int(time.time()) - 600)
    event = p.event_callback(p.app_mention("U1", "start Recovery"), "Ev0FORGED")
    forged_event = await slack.send(event, "application/json", signature="v0=bad")
    assert (forged.status, stale.status, forged_event.status) == (401, 401, 401)
    assert slack.fake.calls == []
    assert await count(slack, Channel) == 0 and await count(slack, ProcessedEvent) == 0


async def test_slash_command_posts_intro_and_progress(slack: SlackHarness) -> None:
    r = await slack.command("U1", "start Recovery-forløb")
    assert r.status == 200 and await r.text() == ""  # an empty ack: nothing shown twice
    posted = slack.fake.of("chat.postMessage")
    assert [c["channel"] for c in posted] == ["C1", "C1"]
    assert posted[0]["text"] == "Måling af praksis: Recovery-forløb (runde 1)"
    assert posted[0]["blocks"][0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": posted[0]["text"], "emoji": True},
    }
    assert posted[1]["text"].startswith("Recovery-forløb – runde 1 (i gang)")
    assert check_all(slack.fake.calls) == 2


async def test_a_retried_event_has_no_second_effect(slack: SlackHarness) -> None:
    event = p.app_mention("U1", "start Recovery")
    first = await slack.event(event, "Ev01")
    before = len(slack.fake.calls)
    again = await slack.event(event, "Ev01", retry=1)
    assert first.status == again.status == 200
    assert len(slack.fake.calls) == before  # nothing posted twice
    assert await count(slack, Assessment) == 1
    async with slack.runtime.sessions() as s:  # (inbox keys aside: one per delivery)
        keys = await s.scalars(select(ProcessedEvent.event_key))
        assert [k for k in keys if not k.startswith("inbox:")] == ["slack:T1:Ev01"]


async def test_app_mention_is_a_command_and_replies_privately(slack: SlackHarness) -> None:
    await slack.event(p.app_mention("U2", "hjælp"), "Ev02")
    (reply,) = slack.fake.of("chat.postEphemeral")
    assert reply["channel"] == "C1" and reply["user"] == "U2"
    assert "Lovende praksis – hjælp" in reply["text"]


async def test_a_direct_message_is_answered_in_the_dm(slack: SlackHarness) -> None:
    await slack.event(p.direct_message("U2", "help"), "Ev03")
    assert slack.fake.of("chat.postEphemeral") == []
    (reply,) = slack.fake.of("chat.postMessage")
    assert reply["channel"] == "D1"


async def test_bot_messages_edits_and_channel_messages_are_ignored(slack: SlackHarness) -> None:
    own = p.direct_message("UBOT", "svar") | {"bot_id": "BBOT"}
    edit = p.direct_message("U1", "start X") | {"subtype": "message_changed"}
    channel = p.direct_message("U1", "start X", channel="C1") | {"channel_type": "channel"}
    for i, event in enumerate((own, edit, channel)):
        r = await slack.event(event, f"Ev1{i}")
        assert r.status == 200
    assert slack.fake.of("chat.postMessage", "chat.postEphemeral") == []


async def test_every_subscribed_event_has_a_listener(slack: SlackHarness) -> None:
    """Unhandled events get 404, which Slack retries: each event of the manifest is handled."""
    events = {
        "app_home_opened": p.home_opened("U1"),
        "app_mention": p.app_mention("U1", "status"),
        "app_uninstalled": {"type": "app_uninstalled"},
        "message.im": p.direct_message("U1", "status"),
        "tokens_revoked": {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["UBOT"]}},
    }
    from bot.slack.settings import BOT_EVENTS

    assert set(events) == set(BOT_EVENTS)
    for i, event in enumerate(events.values()):
        r = await slack.event(event, f"Ev2{i}")
        assert r.status == 200, event["type"]


async def test_comment_button_opens_a_modal_and_the_submission_is_saved(
    slack: SlackHarness,
) -> None:
    await start(slack)
    mark = len(slack.fake.calls)
    r = await slack.press("U2", "lp:cmt:1:1.1")
    assert r.status == 200
    (opened,) = slack.fake.since(mark, "views.open")
    assert opened["trigger_id"] == "trigger-click-U2"
    view = opened["view"]
    valid_view(view)
    assert json.loads(view["private_metadata"]) == {"a": "lp:f-cmt:1:1.1", "c": "C1"}
    r = await slack.submit("U2", view, {"comment": "Vi bruger LØFT & <!channel> hver dag."})
    assert r.status == 200 and await r.text() == ""
    async with slack.runtime.sessions() as s:
        saved = await s.scalar(select(MemberAnswer.comment))
    assert saved == "Vi bruger LØFT & <!channel> hver dag."
    (ok,) = [c for c in slack.fake.since(mark, "chat.postEphemeral") if c["user"] == "U2"]
    assert "1.1" in ok["text"]


async def test_a_rejected_form_keeps_the_modal_open_with_errors(slack: SlackHarness) -> None:
    await start(slack)
    await slack.press("U2", "lp:cmt:1:1.1")
    (opened,) = slack.fake.of("views.open")
    mark = len(slack.fake.calls)
    r = await slack.submit("U2", opened["view"], {"comment": "Borgeren 010190-1234 sagde…"})
    body = await r.json()
    assert body["response_action"] == "errors"
    assert "CPR" in body["errors"]["f:comment"]
    assert slack.fake.calls[mark:] == []  # no message: the modal shows the error
    assert await count(slack, MemberAnswer) == 0


async def test_checkbox_ticks_only_ack_and_the_submit_sends_the_selection(
    slack: SlackHarness,
) -> None:
    await start(slack, elements=2)
    element, msg = slack.button("lp:multi:1:2.2")
    boxes = elements(msg["blocks"], "checkboxes")[0]
    chosen = [o for o in boxes["options"] if o["value"] in ("a", "c")]
    mark = len(slack.fake.calls)
    tick = await slack.click("U2", {**boxes, "selected_options": chosen}, msg)
    assert tick.status == 200 and slack.fake.calls[mark:] == []
    state = {"bx": {boxes["action_id"]: {"type": "checkboxes", "selected_options": chosen}}}
    r = await slack.click("U2", element, msg, state=state)
    assert r.status == 200
    async with slack.runtime.sessions() as s:
        assert await s.scalar(select(MemberAnswer.value)) == "a,c"
    assert slack.button("lp:ans:1:2.3:")  # 2.3 is asked now that c was chosen


async def test_a_form_without_trigger_id_comes_inline_and_submits(slack: SlackHarness) -> None:
    await start(slack)
    mark = len(slack.fake.calls)
    await slack.event(p.app_mention("U2", "kommentar 1.2"), "Ev30")
    assert slack.fake.since(mark, "views.open") == []
    (inline,) = slack.fake.since(mark, "chat.postEphemeral")
    assert inline["user"] == "U2" and any(b["type"] == "input" for b in inline["blocks"])
    check_all([inline])
    submit, msg = slack.button("lp:f-cmt:1:1.2")
    state = {"f:comment": {"value": {"type": "plain_text_input", "value": "Fordi vi måler."}}}
    await slack.click("U2", submit, msg, state=state)
    async with slack.runtime.sessions() as s:
        assert await s.scalar(select(MemberAnswer.comment)) == "Fordi vi måler."


async def test_an_inline_form_pressed_twice_is_saved_once(slack: SlackHarness) -> None:
    """An inline form stays on screen after "Gem" (issue 15.7): a second press stores nothing
    more and says so."""
    await slack.event(p.app_mention("U1", "selvevaluering start"), "Ev50")
    pace, msg = slack.button("lp:se-pace:")
    await slack.click("U1", pace, msg)
    mark = len(slack.fake.calls)
    await slack.event(p.app_mention("U1", "selvevaluering punkt ledelse"), "Ev51")
    assert len(slack.fake.since(mark, "chat.postEphemeral")) == 1  # the form, inline
    submit, form = slack.button("lp:se-f-pt:")
    state = {"f:text": {"value": {"type": "plain_text_input", "value": "Mere data i hverdagen"}}}
    await slack.click("U1", submit, form, state=state)
    await slack.click("U1", submit, form, state=state)
    async with slack.runtime.sessions() as s:
        assert await s.scalar(select(func.count()).select_from(SelfEvalPoint)) == 1
    said = json.dumps(
        [c.body for c in slack.fake.since(mark, "chat.postEphemeral")], ensure_ascii=False
    )
    assert "Den formular er allerede gemt" in said


async def test_app_home_shows_open_questions_and_assessments(slack: SlackHarness) -> None:
    await start(slack)
    await slack.press("U1", "lp:ans:1:1.1:ja")
    r = await slack.event(p.home_opened("U1"), "Ev40")
    assert r.status == 200
    (published,) = slack.fake.of("views.publish")
    assert published["user_id"] == "U1"
    valid_view(published["view"])
    text = json.dumps(published["view"], ensure_ascii=False)
    assert "<#C1>" in text and "5 spørgsmål mangler dit svar" in text
    assert "Recovery – runde 1 – i gang: 1 af 59 besvaret" in text  # as the progress says
    # A person from another workspace sees nothing of it: the bot is not installed there.
    r = await slack.event(p.home_opened("U1"), "Ev41", team="T9")
    assert r.status == 200 and len(slack.fake.of("views.publish")) == 1


async def test_home_tab_messages_tab_is_ignored(slack: SlackHarness) -> None:
    r = await slack.event(p.home_opened("U1") | {"tab": "messages"}, "Ev42")
    assert r.status == 200 and slack.fake.of("views.publish") == []


async def test_a_click_from_another_workspace_is_refused(slack: SlackHarness) -> None:
    await start(slack)
    element, msg = slack.button("lp:ans:1:1.1:ja")
    body = p.block_actions("U7", element, msg, channel="C7", team="T1")
    await slack.send(body, "application/x-www-form-urlencoded")
    assert await count(slack, MemberAnswer) == 0
    refusal = slack.fake.of("chat.postEphemeral")[-1]
    assert refusal["user"] == "U7"


async def test_a_command_whose_turn_fails_is_kept_and_not_logged_in_words(
    slack: SlackHarness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(*_args: object) -> bool:
        raise RuntimeError("INSERT … parameters: ('Borgeren Jens sagde…',)")

    monkeypatch.setattr(slack.runtime.engine, "handle", broken)
    r = await slack.command("U1", "svar 1.1 ja: Borgeren Jens sagde…")
    assert r.status == 200  # acknowledged once kept: a replay applies it
    assert len(slack.runtime.engine.inbox.kept) == 1
    assert "Slack request failed: RuntimeError" in caplog.text
    assert "Jens" not in caplog.text
