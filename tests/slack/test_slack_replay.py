"""Replayed and tampered Slack requests: a validly signed request captured and sent again.

Slack signs `v0:{timestamp}:{body}` with the app's signing secret; bolt (slack_sdk's
SignatureVerifier) refuses a request whose timestamp is more than 5 minutes from its clock, and
one whose body is not the body that was signed. Within the 5 minutes, a replay (by an attacker
who captured it, or a Slack retry) is a valid request: events are deduplicated on their
`event_id`, and an answer click is an idempotent "set".

The verifier's clock (slack_sdk.signature.Clock, the only clock it reads) is pinned to a fixed
instant here, so "captured, then replayed 301 s later" is exact and independent of how long the
test takes; every request is signed for the instant it says it was sent.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

import pytest
from aiohttp import ClientResponse
from slack_sdk.signature import Clock, SignatureVerifier
from sqlalchemy import func, select

from bot.slack.testing import payloads as p
from bot.slack.testing.harness import SECRET, SlackHarness
from storage.inbox import InboxItem
from storage.models import (
    Assessment,
    Channel,
    Member,
    MemberAnswer,
    ProcessedEvent,
    Workspace,
)

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
CAPTURED_AT = 1_900_000_000  # when the captured request was signed (and first delivered)
WINDOW = 5 * 60  # slack_sdk: abs(now - timestamp) > 300 → invalid
STORED = (Workspace, Channel, Member, ProcessedEvent, Assessment, MemberAnswer)


@dataclass
class VerifierClock:
    """What slack_sdk's SignatureVerifier takes for "now" (epoch seconds)."""

    now: int = CAPTURED_AT


@pytest.fixture
def verifier_clock(monkeypatch: pytest.MonkeyPatch) -> VerifierClock:
    pinned = VerifierClock()

    def now(_self: Clock) -> float:
        return float(pinned.now)

    monkeypatch.setattr(Clock, "now", now)
    return pinned


async def deliver(
    slack: SlackHarness,
    body: bytes,
    content_type: str,
    signed_at: int,
    *,
    signature: str | None = None,
    headers: dict[str, str] | None = None,
) -> ClientResponse:
    """POST /slack/events signed at `signed_at` (the signature for this body unless given),
    then wait until the bot is idle (the turns bolt runs after acknowledging included)."""
    return await slack.send(
        body, content_type, timestamp=signed_at, signature=signature, headers=headers
    )


def signature_of(body: bytes, signed_at: int) -> str:
    signature = SignatureVerifier(SECRET).generate_signature(timestamp=str(signed_at), body=body)
    assert signature is not None
    return signature


async def count(slack: SlackHarness, model: type[Any]) -> int:
    async with slack.runtime.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def inbox_rows(slack: SlackHarness) -> int:
    """Rows in the inbox (a file of its own beside a SQLite database; a table on PostgreSQL)."""
    async with slack.runtime.engine.inbox.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(InboxItem)) or 0)


async def event_ids(slack: SlackHarness) -> int:
    """Processed platform event ids (a kept request's turn also records its inbox key: the
    inbox's bookkeeping, one per delivery)."""
    async with slack.runtime.sessions() as session:
        query = select(func.count()).where(~ProcessedEvent.event_key.startswith("inbox:"))
        return int(await session.scalar(query) or 0)


async def stored(slack: SlackHarness) -> dict[str, int]:
    rows = {model.__tablename__: await count(slack, model) for model in STORED}
    return rows | {"processed_events": await event_ids(slack), "inbox": await inbox_rows(slack)}


@pytest.fixture
def kept(slack: SlackHarness, monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every interaction the bot kept in its inbox before acknowledging it."""
    inbox = slack.runtime.engine.inbox
    keep = inbox.keep
    entries: list[object] = []

    async def spy(entry: Any) -> None:
        entries.append(entry)
        await keep(entry)

    monkeypatch.setattr(inbox, "keep", spy)
    return entries


async def answers(slack: SlackHarness) -> list[tuple[str, str | None]]:
    async with slack.runtime.sessions() as session:
        rows = await session.execute(select(MemberAnswer.question_id, MemberAnswer.value))
        return [(question, value) for question, value in rows]


async def answer_click(slack: SlackHarness, at: int, value: str) -> bytes:
    """Anna starts an assessment and has its first element posted (signed requests at `at`);
    the click of Bo (U2) answering 1.1 with `value` on it, not yet sent."""
    assert (await deliver(slack, p.slash_command("U1", "start Recovery"), FORM, at)).status == 200
    element, message = slack.button("lp:pace:1:one")
    click = p.block_actions("U1", element, message, message["channel"])
    assert (await deliver(slack, click, FORM, at)).status == 200
    element, message = slack.button(f"lp:ans:1:1.1:{value}")
    return p.block_actions("U2", element, message, message["channel"])


# ---- (a) replayed after the 5-minute window ----


async def test_a_request_signed_more_than_five_minutes_ago_is_refused_and_stores_nothing(
    slack: SlackHarness, verifier_clock: VerifierClock
) -> None:
    """An honest signature, made WINDOW + 1 s before the request arrives (never seen before)."""
    old = verifier_clock.now - WINDOW - 1
    command = await deliver(slack, p.slash_command("U1", "start Recovery"), FORM, old)
    event = p.event_callback(p.app_mention("U1", "start Recovery"), "Ev0OLD")
    mention = await deliver(slack, event, JSON, old)
    assert (command.status, mention.status) == (401, 401)
    assert slack.fake.calls == []
    assert set((await stored(slack)).values()) == {0}


@pytest.mark.parametrize("kind", ["command", "event", "click"])
async def test_a_captured_request_replayed_after_five_minutes_gets_401_and_changes_nothing(
    slack: SlackHarness, verifier_clock: VerifierClock, kind: str
) -> None:
    """Delivered once when signed (accepted), then the same bytes and headers again 301 s
    later: refused before any listener runs."""
    at = verifier_clock.now
    if kind == "command":
        body, content_type = p.slash_command("U1", "start Recovery"), FORM
    elif kind == "event":
        body, content_type = p.event_callback(p.app_mention("U1", "hjælp"), "Ev0CAPT"), JSON
    else:
        body, content_type = await answer_click(slack, at, "ja"), FORM
    signature = signature_of(body, at)
    first = await deliver(slack, body, content_type, at, signature=signature)
    assert first.status == 200
    before, calls = await stored(slack), len(slack.fake.calls)
    assert calls > 0  # the original request did something visible

    verifier_clock.now = at + WINDOW + 1
    replay = await deliver(slack, body, content_type, at, signature=signature)
    assert replay.status == 401
    assert await stored(slack) == before
    assert len(slack.fake.calls) == calls


# ---- (b) the same signed event twice within the window ----


@pytest.mark.parametrize(
    "retry_headers",
    [None, {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}],
    ids=["attacker-replay", "slack-retry"],
)
async def test_the_same_signed_event_delivered_twice_in_the_window_is_processed_once(
    slack: SlackHarness, verifier_clock: VerifierClock, retry_headers: dict[str, str] | None
) -> None:
    at = verifier_clock.now
    body = p.event_callback(p.app_mention("U1", "start Recovery"), "Ev0TWICE")
    signature = signature_of(body, at)
    first = await deliver(slack, body, JSON, at, signature=signature)
    posted = slack.fake.of("chat.postMessage")
    assert first.status == 200 and len(posted) == 2  # the intro and the progress message
    before = await stored(slack)

    verifier_clock.now = at + WINDOW  # the last second in which the signature is valid
    again = await deliver(slack, body, JSON, at, signature=signature, headers=retry_headers)
    assert again.status == 200  # acknowledged, so Slack stops retrying
    assert slack.fake.of("chat.postMessage") == posted  # nothing posted twice
    assert await stored(slack) == before
    assert (before["assessments"], before["processed_events"]) == (1, 1)


async def test_the_same_signed_event_delivered_twice_at_once_is_processed_once(
    slack: SlackHarness, verifier_clock: VerifierClock
) -> None:
    """Both copies in flight together: the event id is claimed in the turn's transaction."""
    at = verifier_clock.now
    body = p.event_callback(p.app_mention("U1", "hjælp"), "Ev0RACE")
    both = await asyncio.gather(deliver(slack, body, JSON, at), deliver(slack, body, JSON, at))
    assert [r.status for r in both] == [200, 200]
    await slack.slack.idle()
    (reply,) = slack.fake.of("chat.postEphemeral")
    assert "Lovende praksis – hjælp" in reply["text"]
    assert await event_ids(slack) == 1


# ---- (c) the same signed answer click twice ----


async def test_the_same_signed_answer_click_twice_keeps_one_answer(
    slack: SlackHarness, verifier_clock: VerifierClock, kept: list[object]
) -> None:
    at = verifier_clock.now
    body = await answer_click(slack, at, "ja")
    signature = signature_of(body, at)
    mark = len(kept)
    first = await deliver(slack, body, FORM, at, signature=signature)
    assert first.status == 200
    assert await answers(slack) == [("1.1", "ja")]
    assert len(kept) == mark + 1 and await inbox_rows(slack) == 0  # kept, acked, turn done

    verifier_clock.now = at + 60
    again = await deliver(slack, body, FORM, at, signature=signature)
    assert again.status == 200
    assert await answers(slack) == [("1.1", "ja")]  # a "set": the same row, the same value
    assert len(kept) == mark + 2 and await inbox_rows(slack) == 0
    assert slack.runtime.engine.inbox.kept == set()


async def test_the_same_signed_answer_click_twice_at_once_keeps_one_answer(
    slack: SlackHarness, verifier_clock: VerifierClock, kept: list[object]
) -> None:
    """Both copies kept in the inbox (perhaps in one group write), both turns run."""
    at = verifier_clock.now
    body = await answer_click(slack, at, "delvist")
    mark = len(kept)
    both = await asyncio.gather(deliver(slack, body, FORM, at), deliver(slack, body, FORM, at))
    assert [r.status for r in both] == [200, 200]
    await slack.slack.idle()
    assert await answers(slack) == [("1.1", "delvist")]
    assert len(kept) == mark + 2 and await inbox_rows(slack) == 0
    assert slack.runtime.engine.inbox.kept == set()


# ---- (d) a signature for another body ----


def tampered_click(body: bytes, value: str) -> bytes:
    """The same click with the action's value (the answer) changed, encoded as Slack does."""
    payload = json.loads(dict(parse_qsl(body.decode()))["payload"])
    payload["actions"][0]["value"] = value
    return p.interactive(payload)


async def test_a_signature_for_another_body_is_refused(
    slack: SlackHarness, verifier_clock: VerifierClock
) -> None:
    at = verifier_clock.now
    honest = await answer_click(slack, at, "ja")
    forged = tampered_click(honest, "lp:ans:1:1.1:nej")
    assert forged != honest
    before, calls = await stored(slack), len(slack.fake.calls)
    click = await deliver(slack, forged, FORM, at, signature=signature_of(honest, at))
    event = p.event_callback(p.app_mention("U1", "hjælp"), "Ev0TAMPER")
    other = p.event_callback(p.app_mention("U1", "slet-data"), "Ev0TAMPER")
    mention = await deliver(slack, other, JSON, at, signature=signature_of(event, at))
    assert (click.status, mention.status) == (401, 401)
    assert await stored(slack) == before
    assert await answers(slack) == []
    assert len(slack.fake.calls) == calls
