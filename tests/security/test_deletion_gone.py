"""Deletion means gone (issue 15, point 13), through the whole bot on SQLite and PostgreSQL.

After `slet-data bekræft`: the channel's generated files (charts, reports, exports, data
exports) are gone from the database and their copies from LOVENDE_OUTPUT_DIR, and another
channel's stay; nothing more is posted
to the channel — an earlier turn still posting its cards stops, a reminder batch being sent
stops, reminders that were pending never go out — and nothing of that is logged as a failure.
The Teams links answering 404 at once: tests/security/test_deletion_teams.py.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest
from security_helpers import Place, build_world, text_of
from sqlalchemy import func, select

from bot.console.channel import Record
from bot.ports import Conversation
from bot.testing import BotHarness
from dialogs import actions
from dialogs.events import Interaction
from dialogs.messages import File, Form, Image, Message, Target
from storage.file_models import GeneratedFile
from storage.files import GeneratedFiles
from storage.models import Channel, DeliveryFailure
from storage.reminder_models import Reminder


def generated(records: list[Record]) -> list[Image | File]:
    return [
        block
        for record in records
        if record.message is not None
        for block in record.message.blocks
        if isinstance(block, Image | File)
    ]


def copy_of(block: Image | File) -> Path:
    assert block.path is not None  # LOVENDE_OUTPUT_DIR is set (the security conftest)
    return Path(block.path)


async def make_files(place: Place) -> list[Image | File]:
    """A chart, the history table, the Word/Excel/CSV exports, the self-evaluation's chart and
    a data export of the place's channel."""
    records = await place.say("Bo", "resultat")
    records += await place.say("Bo", "historik")
    records += await place.say("Bo", "eksport")
    await place.say("Anna", "selvevaluering vurdering L 3")
    records += await place.say("Bo", "selvevaluering resultat")
    records += await place.say("Anna", "eksporter-data")
    blocks = generated(records)
    paths = [copy_of(b) for b in blocks]
    names = {p.suffix for p in paths}
    assert names == {".png", ".docx", ".xlsx", ".csv", ".json"}, names
    assert sum(p.name.startswith("selvevaluering") for p in paths) == 1
    assert all(p.is_file() for p in paths)
    return blocks


async def stored_ids(bot: BotHarness) -> set[str]:
    async with bot.runtime.sessions() as session:
        return set(await session.scalars(select(GeneratedFile.id)))


def files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file()} if folder.exists() else set()


async def channel_id(bot: BotHarness, external_id: str) -> int:
    async with bot.runtime.sessions() as session:
        found = await session.scalar(select(Channel.id).where(Channel.external_id == external_id))
    assert found is not None
    return found


async def failures(bot: BotHarness) -> int:
    async with bot.runtime.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(DeliveryFailure)) or 0)


async def delete(place: Place) -> list[Record]:
    await place.say("Anna", "slet-data")
    records = await place.say("Anna", "slet-data bekræft")
    assert "har slettet alle kanalens data" in text_of(records)
    return records


def assert_quiet(caplog: pytest.LogCaptureFixture, *allowed: str) -> None:
    """No failure was logged (the stop is one info line, not 14 IntegrityErrors)."""
    loud = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert [m for m in loud if not m.endswith(allowed)] == [], loud


async def test_the_channels_generated_files_go_with_its_data(
    bot: BotHarness, output_dir: Path
) -> None:
    team, other = Place(bot), Place(bot, channel="other")
    await build_world(team, "A")
    await build_world(other, "B")
    mine, theirs = await make_files(team), await make_files(other)
    assert await stored_ids(bot) == {b.file_id for b in mine + theirs}
    before = files_under(output_dir)
    assert before == {copy_of(b) for b in mine + theirs}

    await delete(team)

    # Gone from the database, in the deletion's transaction, and their copies from the disk.
    files = GeneratedFiles(bot.runtime.sessions)
    assert [await files.read(b.file_id) for b in mine] == [None] * len(mine)
    assert await stored_ids(bot) == {b.file_id for b in theirs}
    assert not any(copy_of(b).exists() for b in mine)
    left = files_under(output_dir)
    assert {copy_of(b) for b in theirs} <= left
    # Every file that is left is the other channel's (its folder), none is this channel's.
    oid = await channel_id(bot, "other")
    assert all(p.is_relative_to(output_dir / f"channel-{oid}") for p in left)
    assert left == {p for p in before if p.is_relative_to(output_dir / f"channel-{oid}")}


class Gate:
    """A port in front of the console channel: after its `after`-th post to the gated
    channel, it holds the sender until released (the deletion happens meanwhile)."""

    def __init__(self, bot: BotHarness, channel: str, after: int) -> None:
        self.inner, self.channel, self.after = bot.channel, channel, after
        self.posted = 0
        self.reached, self.go = asyncio.Event(), asyncio.Event()

    async def post(
        self, conv: Conversation, target: Target, message: Message, thread_ref: str | None
    ) -> str:
        ref = await self.inner.post(conv, target, message, thread_ref)
        if conv.channel == self.channel:
            self.posted += 1
            if self.posted == self.after:
                self.reached.set()
                await self.go.wait()
        return ref

    async def update(self, conv: Conversation, ref: str, message: Message) -> None:
        await self.inner.update(conv, ref, message)

    async def open_form(self, conv: Conversation, form: Form) -> None:
        await self.inner.open_form(conv, form)

    async def reject_form(self, conv: Conversation, form: Form) -> None:
        await self.inner.reject_form(conv, form)


def posts_to(records: list[Record], channel: str) -> list[Record]:
    return [r for r in records if r.message is not None and r.conv.channel == channel]


async def test_an_earlier_turn_still_posting_its_cards_stops(
    bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    """ "Alle elementer nu" posts every question card (one by one, each a keyed message); the
    deletion is confirmed after the 5th: the rest are not posted, nothing is logged as a
    failure (today: 14 more posts, each an IntegrityError saving its ref)."""
    team, other = Place(bot), Place(bot, channel="other")
    await team.say("Anna", "start Praksis")
    aid = team.assessment_id()
    await other.say("Bo", "start Anden praksis")
    gate = Gate(bot, "team", after=5)
    caplog.set_level(logging.INFO)

    pace = bot.inbound("Anna", Interaction(actions.encode("pace", aid, "all")))
    posting = asyncio.create_task(bot.runtime.engine.handle(pace, gate))
    await asyncio.wait_for(gate.reached.wait(), 30)
    mark = len(bot.channel.records)
    await delete(team)
    after_delete = len(bot.channel.records)
    gate.go.set()
    await asyncio.wait_for(posting, 30)

    assert gate.posted == 5
    assert len(bot.channel.records) == after_delete  # nothing after the confirmation
    assert len(posts_to(bot.channel.records[mark:], "team")) == 2  # the deletion's own
    assert await failures(bot) == 0
    assert_quiet(caplog)
    assert any("sends dropped" in r.getMessage() for r in caplog.records)
    # The other channel goes on as before.
    assert "runde 1" in text_of(await other.say("Bo", "status"))


async def test_a_reminder_batch_being_sent_stops_and_pending_reminders_never_go(
    bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    """The meeting's reminders to Anna, Bo and Carla come due together; the deletion is
    confirmed while the first is being sent: the others are not sent. Reminders still pending
    (the agreement's, later) never go out."""
    team, other = Place(bot), Place(bot, channel="other")
    await build_world(team, "A")
    await build_world(other, "B")
    bot.clock.advance(days=2)  # 4 March: the first reminders of both channels
    await bot.run_due()
    bot.clock.advance(days=1)  # 5 March 09:00: the meeting day's reminders
    cid = await channel_id(bot, "team")
    async with bot.runtime.sessions() as session:
        pending = await session.scalar(
            select(func.count())
            .select_from(Reminder)
            .where(Reminder.channel_id == cid, Reminder.status == "pending")
        )
    assert pending and pending >= 3
    gate = Gate(bot, "team", after=1)
    bot.runtime.ports["console"] = gate  # reminders are sent through the runtime's port
    caplog.set_level(logging.INFO)

    running = asyncio.create_task(bot.run_due())
    await asyncio.wait_for(gate.reached.wait(), 30)
    bot.runtime.ports["console"] = bot.channel
    await delete(team)
    after_delete = len(bot.channel.records)
    gate.go.set()
    stats = await asyncio.wait_for(running, 30)

    assert gate.posted == 1
    assert posts_to(bot.channel.records[after_delete:], "team") == []
    assert await failures(bot) == 0
    # The reminder that was being sent went with the channel's rows: the worker cannot mark
    # it sent (bot/reminders.py says so at warning level); the others were never sent — their
    # rows went too, so the worker could not mark them as being sent, and let them be.
    assert_quiet(caplog, "claim lost while sending")
    assert stats.lost == 3
    for _ in range(60):  # two months of daily runs: nothing more for the channel
        bot.clock.advance(days=1)
        mark = len(bot.channel.records)
        await bot.run_due()
        assert posts_to(bot.channel.records[mark:], "team") == []
    async with bot.runtime.sessions() as session:
        left = await session.scalar(
            select(func.count()).select_from(Reminder).where(Reminder.channel_id == cid)
        )
    assert left == 0
