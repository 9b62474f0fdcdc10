"""Slack Web API faults: server errors, answers that never come (a dropped connection, a client
timeout) after Slack did the work, and permanent failures. Each fault ends with exactly one
message in the fake's record, the retries counted, and nothing dropped silently: a send that
keeps failing is a row in `delivery_failures` and an error line without the message's text.
All backoff goes through the fake clock; the one real timeout is the client's own (0.2 s) on a
response the fake holds back until the client has given up."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable

import aiohttp
import pytest
from sqlalchemy import select

from bot.inbound import Inbound
from bot.metrics import REGISTRY
from bot.ports import Conversation, DeliveryError
from bot.slack.refs import Ref
from bot.slack.testing.harness import SlackHarness
from dialogs.effects import Outcome, Post
from dialogs.events import Command
from dialogs.messages import Image, Message, Text, ToActorOnly, ToChannel
from dialogs.turn import Turn
from storage.models import Assessment, DeliveryFailure

CONV = Conversation("slack", "T1", "C1", "U1")
KeepFile = Callable[..., Awaitable[str]]  # tests/conftest.py `keep_file`
POST = "chat.postMessage"


def text(body: str) -> Message:
    return Message((Text(body),), body)


def retries(method: str) -> float:
    labels = {"platform": "slack", "method": method}
    return REGISTRY.get_sample_value("lovende_platform_api_retries_total", labels) or 0.0


def errors(method: str, kind: str) -> float:
    labels = {"platform": "slack", "method": method, "kind": kind}
    return REGISTRY.get_sample_value("lovende_platform_api_errors_total", labels) or 0.0


@pytest.fixture
async def harness(slack: SlackHarness) -> AsyncIterator[SlackHarness]:
    """The Slack harness, the fake's message timestamps on the bot's (fake) clock, as the
    history lookup compares them with the time of the attempt."""
    clock = slack.runtime.engine.clock
    slack.fake.wall = lambda: clock.now().timestamp()
    yield slack


async def failures(slack: SlackHarness) -> list[str]:
    async with slack.runtime.sessions() as s:
        return list(await s.scalars(select(DeliveryFailure.error)))


@pytest.mark.parametrize("status", [500, 503])
async def test_server_errors_are_retried_with_backoff_and_posted_once(
    harness: SlackHarness, status: int
) -> None:
    fake, before = harness.fake, (retries(POST), errors(POST, "server_error"))
    fake.fail(POST, status=status, error="internal_error", times=2)
    ref = await harness.slack.port.post(CONV, ToChannel(), text("Element 1"), None)
    assert len(fake.of(POST)) == 3 and len(fake.done(POST)) == 1
    assert Ref.load(ref).root == fake.done(POST)[0].response["ts"]
    assert (retries(POST), errors(POST, "server_error")) == (before[0] + 2, before[1] + 2)
    assert len(harness.timing.sleeps) == 2 and all(s > 0 for s in harness.timing.sleeps)


async def test_an_answer_lost_after_slack_posted_is_found_not_posted_again(
    harness: SlackHarness,
) -> None:
    fake, before = harness.fake, errors(POST, "timeout")
    fake.drop(POST)  # Slack posts it, then the connection closes without an answer
    ref = await harness.slack.port.post(CONV, ToChannel(), text("Element 1"), None)
    (done,) = fake.done(POST)
    assert done.fault == "dropped" and len(fake.of(POST)) == 1
    (lookup,) = fake.of("conversations.history")
    assert lookup["channel"] == "C1" and lookup["include_all_metadata"] in ("1", "true")
    assert float(lookup["oldest"]) < float(done.response["ts"])
    assert Ref.load(ref) == Ref("C1", (done.response["ts"],))
    assert done["metadata"]["event_type"] == "lovende_send"
    assert errors(POST, "timeout") == before + 1


async def test_a_threaded_reply_is_looked_up_among_the_replies(harness: SlackHarness) -> None:
    port, fake = harness.slack.port, harness.fake
    root = await port.post(CONV, ToChannel(), text("Element 1"), None)
    fake.drop(POST)
    reply = await port.post(CONV, ToChannel("el:1"), text("1.1 Spørgsmål"), root)
    assert len(fake.done(POST)) == 2 and len(fake.of(POST)) == 2
    (lookup,) = fake.of("conversations.replies")
    assert lookup["ts"] == Ref.load(root).root
    assert Ref.load(reply).root == fake.done(POST)[1].response["ts"]


async def test_a_request_lost_before_slack_posted_is_posted_again_once(
    harness: SlackHarness,
) -> None:
    fake, before = harness.fake, retries(POST)
    fake.drop(POST, done=False)  # the connection drops before Slack did anything
    await harness.slack.port.post(CONV, ToChannel(), text("Element 1"), None)
    assert len(fake.of(POST)) == 2 and len(fake.done(POST)) == 1
    assert fake.methods().count("conversations.history") == 1  # looked for it first
    assert retries(POST) == before + 1


async def test_a_client_timeout_after_slack_posted_is_found_not_posted_again(
    harness: SlackHarness,
) -> None:
    """The fake does the post and holds its answer until the next request arrives; the
    client's read timeout (0.2 s, real) ends the wait. Whichever way that race went, Slack
    ends up with one message."""
    fake, client = harness.fake, harness.slack.app.client
    shared = client.session
    short = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(sock_read=0.2))
    client.session = short
    try:
        fake.hold(POST)
        ref = await harness.slack.port.post(CONV, ToChannel(), text("Element 1"), None)
    finally:
        client.session = shared
        await short.close()
    assert len(fake.done(POST)) == 1
    assert fake.done(POST)[0].fault == "held"
    assert fake.of("conversations.history")
    assert Ref.load(ref).root == fake.done(POST)[0].response["ts"]


async def test_an_update_is_idempotent_and_simply_retried(harness: SlackHarness) -> None:
    port, fake = harness.slack.port, harness.fake
    ref = await port.post(CONV, ToChannel(), text("Status 0/59"), None)
    before = retries("chat.update")
    fake.drop("chat.update")
    await port.update(CONV, ref, text("Status 1/59"))
    assert len(fake.of("chat.update")) == 2 and fake.of("conversations.history") == []
    assert retries("chat.update") == before + 1


async def test_a_long_message_that_failed_part_way_is_resumed_not_repeated(
    harness: SlackHarness,
) -> None:
    """The second of two Slack messages keeps failing; the engine tries the send again and
    only the missing part is posted."""
    fake = harness.fake
    fake.fail(POST, status=503, error="service_unavailable", times=3, after=1)
    long = Message(tuple(Text(f"Linje {i}") for i in range(70)), "Lang besked")

    def step(_turn: Turn) -> Outcome:
        return Outcome(out=(Post(long, ToChannel()),))

    inbound = Inbound(CONV, Command(""), "Anna", "team")
    await harness.runtime.engine.act(inbound, step, harness.slack.port)
    posted = fake.done(POST)
    assert [len(c["blocks"]) for c in posted] == [50, 20]  # each part once
    assert await failures(harness) == []


async def test_a_file_that_failed_after_its_message_is_shared_without_repeating_it(
    harness: SlackHarness, keep_file: KeepFile
) -> None:
    fake = harness.fake
    png = await keep_file(harness.runtime.sessions, CONV, "radar.png", b"\x89PNG" + b"0" * 100)
    fake.fail("files.getUploadURLExternal", status=503, error="service_unavailable", times=3)
    message = Message((Text("Resultat"), Image(png, "Radardiagram")), "Resultat")

    def step(_turn: Turn) -> Outcome:
        return Outcome(out=(Post(message, ToChannel()),))

    await harness.runtime.engine.act(Inbound(CONV, Command(""), "Anna"), step, harness.slack.port)
    assert len(fake.done(POST)) == 1
    assert len(fake.done("files.completeUploadExternal")) == 1
    assert await failures(harness) == []


async def test_an_unanswered_ephemeral_message_is_not_repeated_but_recorded(
    harness: SlackHarness,
) -> None:
    fake = harness.fake
    fake.drop("chat.postEphemeral", done=False)
    await harness.slack.port.post(CONV, ToChannel(), text("Element 1"), None)
    with pytest.raises(DeliveryError) as err:
        await harness.slack.port.post(CONV, ToActorOnly(), text("Kun til dig"), None)
    assert not err.value.retryable
    assert len(fake.of("chat.postEphemeral")) == 1


async def test_a_refused_lookup_does_not_risk_a_second_message(harness: SlackHarness) -> None:
    fake = harness.fake
    fake.drop(POST)
    fake.fail("conversations.history", error="missing_scope")
    with pytest.raises(DeliveryError) as err:
        await harness.slack.port.post(CONV, ToChannel(), text("Element 1"), None)
    assert not err.value.retryable and "unknown whether posted" in str(err.value)
    assert len(fake.of(POST)) == 1


async def test_a_permanent_server_error_is_recorded_and_logged_without_text(
    harness: SlackHarness, caplog: pytest.LogCaptureFixture
) -> None:
    fake = harness.fake
    fake.fail(POST, status=503, error="service_unavailable", times=1000)
    caplog.set_level(logging.INFO)
    r = await harness.command("U1", "start Recovery-forløb")
    assert r.status == 200  # acknowledged: the round is stored before any send
    async with harness.runtime.sessions() as s:
        assert await s.scalar(select(Assessment.status)) == "open"
    rows = await failures(harness)
    assert len(rows) == 2 and all("503" in e for e in rows)
    assert fake.done(POST) == []
    assert len(fake.of(POST)) == 2 * 3 * 3  # 2 messages × 3 engine tries × 3 calls
    failed = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [r.getMessage() for r in failed] == ["delivery failed: Post: ApiFailure"] * 2
    assert "Recovery" not in caplog.text and "Måling" not in caplog.text


async def test_slack_never_answering_is_recorded_and_nothing_is_doubled(
    harness: SlackHarness, caplog: pytest.LogCaptureFixture
) -> None:
    """Every post is lost before Slack does it: each try looks first, then posts; in the end
    the failure is recorded, and no message was ever posted twice."""
    fake = harness.fake
    fake.drop(POST, times=1000, done=False)
    r = await harness.command("U1", "start Recovery-forløb")
    assert r.status == 200
    rows = await failures(harness)
    assert len(rows) == 2 and all("did not answer" in e for e in rows)
    assert fake.done(POST) == []
    assert "Recovery" not in caplog.text
