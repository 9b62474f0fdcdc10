"""The Teams adapter over HTTP: CloudAdapter (empty app id, TEAMS_LOCAL_DEV) behind aiohttp's
test client, the activity's serviceUrl pointing at a fake Bot Connector on loopback."""

from __future__ import annotations

import asyncio
import struct
import zlib
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select

from bot import priority
from bot.clock import FakeClock
from bot.inbound import Inbound
from bot.ports import Conversation
from bot.teams.cards import MAX_CARD_BYTES, card_size
from bot.teams.rows import RECENT
from bot.teams.testing import (
    CHANNEL,
    PUBLIC_URL,
    TENANT,
    USERS,
    TeamsBot,
    bot_added,
    message,
)
from dialogs.effects import Outcome, Post
from dialogs.events import Command
from dialogs.messages import File, Image, Message, Text, ToChannel, ToMember
from dialogs.turn import Turn
from storage.models import DeliveryFailure
from storage.teams_models import TeamsConversation, TeamsMember


def reminder(text: str, target: ToChannel | ToMember = ToChannel()) -> Any:  # noqa: B008
    def step(_turn: Turn) -> Outcome:
        return Outcome(out=(Post(Message((Text(text),), text), target),))

    return step


def system(channel: str = CHANNEL) -> Inbound:
    """A system-initiated turn (a reminder): no actor, no request."""
    return Inbound(Conversation("teams", TENANT, channel, None), Command(""))


async def count(bot: TeamsBot, model: type[Any]) -> int:
    async with bot.runtime.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def conversation_row(bot: TeamsBot, cid: str = CHANNEL) -> TeamsConversation:
    async with bot.runtime.sessions() as session:
        row = await session.scalar(
            select(TeamsConversation).where(TeamsConversation.conversation_id == cid)
        )
    assert row is not None
    return row


def tiny_png(path: Path) -> Path:
    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    raw = b"\x00\xff\x00\x00"  # one red pixel
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )
    return path


async def test_a_mention_is_answered_through_the_connector(teams_bot: TeamsBot) -> None:
    fake = teams_bot.connector
    assert await teams_bot.user("Anna").say("start Recovery") == 201
    posts = fake.posts()
    assert [p.conversation_id for p in posts] == [CHANNEL, CHANNEL]
    body = posts[0].body
    assert body["type"] == "message" and body["conversation"]["id"] == CHANNEL
    assert body["attachments"][0]["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert "replyToId" not in body  # a new message, not a reply to the continuation event


async def test_a_proactive_reminder_reaches_the_channel_without_a_request(
    teams_bot: TeamsBot,
) -> None:
    await teams_bot.client.post("/api/messages", json=bot_added(teams_bot.connector.url))
    mark = len(teams_bot.connector.calls)
    port = teams_bot.runtime.ports["teams"]
    await teams_bot.runtime.engine.act(system(), reminder("Husk refleksionsmødet i morgen."), port)
    sent = teams_bot.connector.calls[mark:]
    assert [(c.method, c.conversation_id) for c in sent] == [("POST", CHANNEL)]
    assert "Husk refleksionsmødet i morgen." in sent[0].text


async def test_a_private_reminder_creates_the_1to1_chat_once_and_its_buttons_act_on_the_channel(
    teams_bot: TeamsBot,
) -> None:
    fake = teams_bot.connector
    bo = teams_bot.user("Bo")
    await bo.say("start Recovery")  # Bo is met in the channel
    port = teams_bot.runtime.ports["teams"]
    engine = teams_bot.runtime.engine
    aid = 1
    nudge = Message(
        (Text("Du mangler at svare på 1.1."), *_question_blocks(aid)),
        "Du mangler at svare på 1.1.",
    )

    def step(_turn: Turn) -> Outcome:
        return Outcome(out=(Post(nudge, ToMember(USERS["Bo"][1])),))

    mark = len(fake.calls)
    await engine.act(system(), step, port)
    created, posted = fake.calls[mark:]
    assert created.method == "CREATE" and created.body["members"] == [{"id": USERS["Bo"][0]}]
    assert created.body["channelData"] == {"tenant": {"id": TENANT}}
    assert created.body["tenantID"] == TENANT  # botbuilder-python's spelling; the service is lax
    dm = posted.conversation_id or ""
    assert dm.startswith("a:1dm-") and "Du mangler at svare på 1.1." in posted.text
    await engine.act(system(), step, port)  # the second nudge reuses the chat
    assert [c.method for c in fake.calls[mark + 2 :]] == ["POST"]
    assert fake.calls[-1].conversation_id == dm

    # Bo starts pacing from the intro, then answers 1.1 on the card in his 1:1 chat:
    await bo.press_on(fake.posts()[0], f"lp:pace:{aid}:one")
    mark = len(fake.calls)
    assert await bo.press_on(posted, f"lp:ans:{aid}:1.1:ja") == 201
    progress = [c for c in fake.calls[mark:] if c.method == "PUT" and "1/59" in c.text]
    assert progress and progress[0].conversation_id == CHANNEL  # it counted in the channel
    # ... and the card in his 1:1 chat, his own, shows his answer (issue 17)
    own = [c for c in fake.calls[mark:] if c.activity_id == fake.message_id(posted)]
    assert own and own[-1].conversation_id == dm and "✓ Ja" in own[-1].text


def _question_blocks(aid: int) -> list[Any]:
    from dialogs.messages import Button, Buttons

    return [Buttons((Button("Ja", f"lp:ans:{aid}:1.1:ja"), Button("Nej", f"lp:ans:{aid}:1.1:nej")))]


async def test_a_403_marks_the_conversation_and_is_not_retried(teams_bot: TeamsBot) -> None:
    fake = teams_bot.connector
    await teams_bot.client.post("/api/messages", json=bot_added(fake.url))
    fake.fail[CHANNEL] = [403]
    port = teams_bot.runtime.ports["teams"]
    engine = teams_bot.runtime.engine
    mark = len(fake.calls)
    await engine.act(system(), reminder("Husk mødet."), port)
    assert [c.status for c in fake.calls[mark:]] == [403]  # tried once, never again
    assert (await conversation_row(teams_bot)).blocked_reason == "ConversationBlockedByUser"
    await engine.act(system(), reminder("Husk mødet igen."), port)
    assert len(fake.calls) == mark + 1  # blocked: not even tried
    assert await count(teams_bot, DeliveryFailure) == 2
    assert teams_bot.engine_sleeps == []
    # When the team talks to the bot again, it may write again.
    await teams_bot.user("Anna").say("hjælp")
    assert (await conversation_row(teams_bot)).blocked_reason is None
    assert fake.calls[-1].status == 201


async def test_a_busy_channels_reference_is_read_once_a_moment_not_per_activity_and_send(
    teams_bot: TeamsBot, clock: FakeClock
) -> None:
    """Every activity checks its conversation's stored reference, and every send reads it:
    a row this process saw a moment ago (RECENT) is taken as it is (issue 21). A block set by
    another replica — here, straight in the database — is seen once that moment has passed;
    until then a send goes out and Teams decides (a 403 would block it again here)."""
    reads: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "teams_conversations" in statement:
            reads.append(statement)

    fake = teams_bot.connector
    await teams_bot.client.post("/api/messages", json=bot_added(fake.url))
    event.listen(teams_bot.runtime.db.sync_engine, "before_cursor_execute", note)
    try:
        for name in ("Anna", "Bo", "Carla", "Anna"):
            await teams_bot.user(name).say("hjælp")  # an activity, a reply each
        assert reads == []  # all within the moment after the bot was added
        async with teams_bot.runtime.sessions() as session, session.begin():
            row = await session.scalar(select(TeamsConversation))
            assert row is not None
            row.blocked_at, row.blocked_reason = clock.now(), "elsewhere"
        port = teams_bot.runtime.ports["teams"]
        mark = len(fake.calls)
        await teams_bot.runtime.engine.act(system(), reminder("Husk mødet."), port)
        assert len(fake.calls) == mark + 1  # not seen yet: sent, Teams takes it
        clock.advance(seconds=RECENT.total_seconds())
        await teams_bot.runtime.engine.act(system(), reminder("Husk mødet igen."), port)
        assert len(fake.calls) == mark + 1 and reads  # read again: blocked, not sent
    finally:
        event.remove(teams_bot.runtime.db.sync_engine, "before_cursor_execute", note)


async def test_a_blocked_1to1_chat_is_recorded_on_the_member(teams_bot: TeamsBot) -> None:
    fake = teams_bot.connector
    await teams_bot.user("Bo").say("hjælp")
    fake.fail[f"new:{USERS['Bo'][0]}"] = [403]
    step = reminder("Privat påmindelse", ToMember(USERS["Bo"][1]))
    port = teams_bot.runtime.ports["teams"]
    await teams_bot.runtime.engine.act(system(), step, port)
    await teams_bot.runtime.engine.act(system(), step, port)
    assert [c.method for c in fake.calls if c.method == "CREATE"] == ["CREATE"]
    async with teams_bot.runtime.sessions() as session:
        bo = await session.scalar(select(TeamsMember).where(TeamsMember.name == "Bo"))
    assert bo is not None and bo.blocked_at is not None
    assert await count(teams_bot, DeliveryFailure) == 2


@pytest.mark.parametrize("status", [429, 412, 502, 504])
async def test_throttling_and_gateway_errors_are_retried_with_backoff(
    teams_bot: TeamsBot, status: int
) -> None:
    fake = teams_bot.connector
    await teams_bot.client.post("/api/messages", json=bot_added(fake.url))
    fake.fail[CHANNEL] = [status]
    fake.retry_after = "3"
    mark = len(fake.calls)
    port = teams_bot.runtime.ports["teams"]
    await teams_bot.runtime.engine.act(system(), reminder("Husk mødet."), port)
    assert [c.status for c in fake.calls[mark:]] == [status, 201]
    assert await count(teams_bot, DeliveryFailure) == 0
    assert len(teams_bot.engine_sleeps) == 1  # the engine tried again once…
    wait = 3.0 if status == 429 else 2.0  # …after Retry-After, else a growing backoff
    assert wait in teams_bot.time.slept
    assert (await conversation_row(teams_bot)).blocked_reason is None


async def test_a_conversation_that_keeps_failing_is_given_up_and_recorded(
    teams_bot: TeamsBot,
) -> None:
    fake = teams_bot.connector
    await teams_bot.client.post("/api/messages", json=bot_added(fake.url))
    fake.fail[CHANNEL] = [429] * 10
    mark = len(fake.calls)
    port = teams_bot.runtime.ports["teams"]
    await teams_bot.runtime.engine.act(system(), reminder("Husk mødet."), port)
    assert [c.status for c in fake.calls[mark:]] == [429, 429, 429]  # bounded, not forever
    async with teams_bot.runtime.sessions() as session:
        failure = await session.scalar(select(DeliveryFailure))
    assert failure is not None and "429" in failure.error


async def test_large_messages_are_split_into_cards_under_the_limit(teams_bot: TeamsBot) -> None:
    fake = teams_bot.connector
    await teams_bot.client.post("/api/messages", json=bot_added(fake.url))
    comments = "\n".join(f"• Medarbejder {i}: " + "ø" * 1500 for i in range(40))
    mark = len(fake.calls)
    port = teams_bot.runtime.ports["teams"]
    await teams_bot.runtime.engine.act(system(), reminder(comments), port)
    parts = fake.calls[mark:]
    assert len(parts) > 2 and all(c.method == "POST" for c in parts)
    assert all(card_size(card) <= MAX_CARD_BYTES < 28 * 1024 for c in parts for card in c.cards)
    assert "Medarbejder 39" in parts[-1].text


async def test_images_and_files_are_served_at_expiring_unguessable_links(
    teams_bot: TeamsBot, tmp_path: Path, keep_file: Callable[..., Awaitable[str]]
) -> None:
    """Served from the database (storage/files.py), so any replica serves any link."""
    fake = teams_bot.connector
    await teams_bot.client.post("/api/messages", json=bot_added(fake.url))
    chart = tiny_png(tmp_path / "radar.png").read_bytes()
    sheet = "spørgsmål;svar\n1.1;ja\n"
    sessions, conv = teams_bot.runtime.sessions, system().conv
    chart_id = await keep_file(sessions, conv, "radar.png", chart)
    sheet_id = await keep_file(sessions, conv, "svar.csv", sheet.encode())
    msg = Message(
        (Image(chart_id, "Edderkoppediagram"), File(sheet_id, "svar.csv", "Svar som CSV")),
        "Resultat",
    )

    def step(_turn: Turn) -> Outcome:
        return Outcome(out=(Post(msg),))

    await teams_bot.runtime.engine.act(system(), step, teams_bot.runtime.ports["teams"])
    card = fake.calls[-1].cards[0]
    image = next(e for e in card["body"] if e["type"] == "Image")
    link = next(e for e in card["body"] if e["type"] == "ActionSet")["actions"][0]
    assert image["url"].startswith(f"{PUBLIC_URL}/teams/files/")
    assert link["type"] == "Action.OpenUrl" and link["url"].startswith(f"{PUBLIC_URL}/")
    token = image["url"].rsplit("/", 1)[1]
    assert len(token) >= 43  # secrets.token_urlsafe(32)

    response = await teams_bot.client.get(f"/teams/files/{token}")
    assert response.status == 200 and response.headers["Content-Type"] == "image/png"
    assert await response.read() == chart
    csv = await teams_bot.client.get("/teams/files/" + link["url"].rsplit("/", 1)[1])
    assert csv.status == 200 and "attachment" in csv.headers["Content-Disposition"]
    assert (await csv.read()).decode() == sheet
    assert token not in (chart_id, sheet_id)  # a link is not the file's own id

    assert (await teams_bot.client.get("/teams/files/" + "x" * 43)).status == 404
    clock = teams_bot.runtime.engine.clock
    clock.advance(hours=24, seconds=1)  # type: ignore[attr-defined]
    assert (await teams_bot.client.get(f"/teams/files/{token}")).status == 404


async def test_an_activity_is_answered_before_its_turn_runs(
    teams_bot: TeamsBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Kept in the inbox, then answered: Teams hears 201 while the turn has not even begun
    (it used to wait up to 10 s for the turn, then answer 202 and hope)."""
    engine = teams_bot.runtime.engine
    handle = engine.handle
    go = asyncio.Event()

    async def held(inbound: Inbound, port: Any) -> bool:
        await go.wait()
        return await handle(inbound, port)

    monkeypatch.setattr(engine, "handle", held)
    activity = message("Anna", "start Recovery", teams_bot.connector.url)
    response = await teams_bot.client.post("/api/messages", json=activity)
    assert response.status == 201 and await response.read() == b""
    assert teams_bot.connector.calls == [] and len(engine.inbox.kept) == 1
    go.set()
    await teams_bot.teams.drain(teams_bot.app)
    assert "Måling af praksis: Recovery" in teams_bot.connector.text()
    assert engine.inbox.kept == set()


async def test_non_json_bodies_are_refused(teams_bot: TeamsBot) -> None:
    response = await teams_bot.client.post("/api/messages", data="hej")
    assert response.status == 415


async def test_a_failing_turn_apologises_and_logs_no_user_text(
    teams_bot: TeamsBot, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(inbound: Inbound, _port: object) -> bool:
        raise RuntimeError(f"database said no to {inbound.event}")

    monkeypatch.setattr(teams_bot.runtime.engine, "handle", broken)
    assert await teams_bot.user("Anna").say("svar 1.1 ja: borgeren Jens har det svært") == 201
    assert "Beklager" in teams_bot.connector.calls[-1].body["text"]
    assert "RuntimeError" in caplog.text and "Jens" not in caplog.text


async def test_a_card_submit_is_not_held_back_by_its_own_request(
    teams_bot: TeamsBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Teams hears back after the turn: kept or not, a submit's turn does not wait for a lull
    between requests (bot/priority.py) — its own request would never end."""
    monkeypatch.setattr(priority, "PATIENCE", 3600.0)
    anna = teams_bot.user("Anna")
    assert await anna.say("start Recovery") == 201
    assert await anna.press("lp:pace:") == 200
    # (a guard against hanging, not a measurement: it would wait for PATIENCE)
    assert await asyncio.wait_for(anna.press("lp:ans:1:1.1:ja"), 60) == 200
    assert teams_bot.runtime.engine.inbox.kept == set()


async def test_the_user_token_client_is_made_once_not_for_every_activity(
    teams_bot: TeamsBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    # CloudAdapter asks for one on every activity; the bot uses no user tokens (issue 21).
    auth = teams_bot.teams.adapter.bot_framework_authentication
    made: list[object] = []
    inner = auth.inner.create_user_token_client

    async def counted(claims_identity: Any) -> Any:
        made.append(claims_identity)
        return await inner(claims_identity)

    monkeypatch.setattr(auth.inner, "create_user_token_client", counted)
    anna = teams_bot.user("Anna")
    assert await anna.say("hjælp") in (200, 201)
    first = len(made)  # (the inbound activity's and the proactive replies' identities)
    for text in ("status", "hjælp", "status"):
        assert await anna.say(text) in (200, 201)
    assert len(made) == first >= 1  # none more after the first activity
    assert len(auth.user_token_clients) == first
