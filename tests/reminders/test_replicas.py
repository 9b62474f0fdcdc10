"""Exactly once across replicas: two bot instances (two runtimes, two engines, two workers)
share one database; thousands of reminders come due in the same minute; every one reaches the
platform exactly once — also when one instance is killed in the middle of the burst and the
other takes over its claims when their leases run out.

On PostgreSQL (the production store: `FOR UPDATE SKIP LOCKED`) with 5,000 reminders; on SQLite
(conditional `UPDATE … RETURNING` under `BEGIN IMMEDIATE`) with fewer.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.clock import FakeClock
from bot.ports import Conversation
from bot.reminders import LEASE, ReminderWorker
from bot.runtime import Runtime, build_runtime
from bot.settings import load_settings
from dialogs.assessment.reminders import NUDGE
from dialogs.messages import Form, Message, Target, ToMember
from storage.reminder_models import Reminder
from storage.seeding import insert_rows, nudge_row, seed_members, seed_open_rounds, seed_workspace

DUE = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)  # Thursday, 10:00 in Copenhagen
# PostgreSQL: 50 channels × 100 members = 5,000 reminders; SQLite: 20 × 10 (one writer at a
# time, and every operation crosses aiosqlite's thread).
SIZES = {"postgresql": (50, 100), "sqlite": (20, 10)}


@dataclass
class Platform:
    """The fake platform both instances talk to: it records every delivered message (and the
    marker it carries, as Slack keeps a message's metadata)."""

    received: Counter[tuple[str, str]] = field(default_factory=Counter)
    refs: int = 0
    markers: dict[str, str] = field(default_factory=dict)


class Port:
    """One instance's connection to the platform; it can hang forever on its n-th send (the
    process is being killed while the request is in flight): before the platform got it, or
    (`arrived`) after — the worker never hears that it did."""

    def __init__(
        self, platform: Platform, hang_at: int | None = None, *, arrived: bool = False
    ) -> None:
        self.platform, self.hang_at, self.arrived = platform, hang_at, arrived
        self.sent = 0
        self.hanging = asyncio.Event()

    async def post(
        self, conv: Conversation, target: Target, message: Message, thread_ref: str | None
    ) -> str:
        dies = self.hang_at is not None and self.sent + 1 >= self.hang_at
        if dies and not self.arrived:
            self.hanging.set()
            await asyncio.Future()  # never returns: the instance dies here
        assert isinstance(target, ToMember)
        self.sent += 1
        self.platform.received[(conv.channel, target.member_external_id)] += 1
        self.platform.refs += 1
        ref = f"ts-{self.platform.refs}"
        if message.marker:
            self.platform.markers[message.marker] = ref
        if dies:
            self.hanging.set()
            await asyncio.Future()  # the platform has it; the instance dies before it knows
        return ref

    async def update(self, conv: Conversation, ref: str, message: Message) -> None:
        raise AssertionError("reminders are posted, not updated")

    async def open_form(self, conv: Conversation, form: Form) -> None:
        raise AssertionError("no forms")

    async def reject_form(self, conv: Conversation, form: Form) -> None:
        raise AssertionError("no forms")


class FindingPort(Port):
    """A platform that can be asked whether a message was posted, by its marker (Slack)."""

    async def find_posted(
        self, conv: Conversation, target: Target, message: Message, since: datetime
    ) -> str | None:
        return self.platform.markers.get(message.marker or "")


async def seed(runtime: Runtime, channels: int, per_channel: int) -> int:
    """Channels with an open round each and members who have not answered, and one nudge per
    member, all due within the same minute. Written in bulk, as a busy deployment would have."""
    start = DUE - timedelta(days=1)  # its nudge rounds come later
    async with runtime.sessions() as session, session.begin():
        ws = await seed_workspace(session, "fake", "T1", start)
        people = await seed_members(session, ws, [f"U{m:04d}" for m in range(per_channel)], start)
        names = [f"C{c:03d}" for c in range(channels)]
        rounds = await seed_open_rounds(session, ws, names, lambda _c: people, start)
        nudges = [
            nudge_row(r, ext, 1, DUE + timedelta(seconds=c), start)  # all within one minute
            for c, r in enumerate(rounds)
            for _mid, ext in r.members
        ]
        await insert_rows(session, Reminder, nudges)
    return len(nudges)


def total_hang(url: str) -> int:
    """A's send that hangs: in its first batches."""
    return 150 if url.startswith("postgresql") else 30


async def instance(url: str, clock: FakeClock, port: Port) -> tuple[Runtime, ReminderWorker]:
    runtime = await build_runtime(load_settings(database_url=url), clock)
    runtime.ports["fake"] = port
    return runtime, ReminderWorker(runtime, batch=50)


async def statuses(runtime: Runtime) -> dict[str, int]:
    async with runtime.sessions() as session:
        rows = await session.execute(
            select(Reminder.status, func.count())
            .where(Reminder.kind == NUDGE)
            .group_by(Reminder.status)
        )
        return {s: n for s, n in rows}


@pytest.mark.parametrize("kill", [False, True], ids=["both-live", "one-killed"])
async def test_two_instances_deliver_each_reminder_exactly_once(
    database_url: str, kill: bool
) -> None:
    channels, per_channel = SIZES[database_url.split("+")[0]]
    clock = FakeClock(DUE + timedelta(minutes=1))
    platform = Platform()
    # A platform that can be asked about a message in doubt (Slack); see the next test for one
    # that cannot.
    port_a = FindingPort(platform, hang_at=total_hang(database_url) if kill else None)
    a, worker_a = await instance(database_url, clock, port_a)
    b, worker_b = await instance(database_url, clock, FindingPort(platform))
    try:
        total = await seed(a, channels, per_channel)
        assert total == channels * per_channel
        run_a = asyncio.create_task(worker_a.run_due())
        if kill:
            await port_a.hanging.wait()  # A has claimed rows and is in the middle of sending
            run_b = asyncio.create_task(worker_b.run_due())
            run_a.cancel()  # … when it is killed, holding its claims
            await asyncio.gather(run_a, return_exceptions=True)
            await run_b
            stranded = await statuses(b)
            assert stranded.get("claimed", 0) > 0  # A's claims, waiting for their lease
            assert await worker_b.run_due() is not None
            assert (await statuses(b)).get("claimed", 0) == stranded["claimed"]  # leases hold
            clock.advance(seconds=LEASE.total_seconds())
            await worker_b.run_due()  # … and B takes them over
        else:
            first, second = await asyncio.gather(run_a, worker_b.run_due())
            if database_url.startswith("postgresql"):  # SKIP LOCKED: neither waits
                assert first.sent > 0 and second.sent > 0  # both did part of the work
            assert first.sent + second.sent == total
        assert len(platform.received) == total
        assert set(platform.received.values()) == {1}  # each exactly once
        assert await statuses(b) == {"sent": total}
    finally:
        await a.close()
        await b.close()


@pytest.mark.parametrize("arrived", [False, True], ids=["died-before", "died-after"])
@pytest.mark.parametrize("findable", [True, False], ids=["slack-like", "teams-like"])
async def test_a_reminder_in_flight_when_its_worker_dies_is_not_delivered_twice(
    database_url: str, arrived: bool, findable: bool
) -> None:
    """Issue 15.5: A dies in the middle of a send — before the platform got the message, or
    after (it never learns that it did). B takes the row over after the lease. Where the
    platform can be asked (Slack: the message carries the reminder's marker), B sends only what
    did not arrive: every reminder exactly once. Where it cannot (Teams), B does not send again
    what may have arrived: never twice, and the one in doubt is counted and logged."""
    channels, per_channel = SIZES[database_url.split("+")[0]]
    clock = FakeClock(DUE + timedelta(minutes=1))
    platform = Platform()
    kind = FindingPort if findable else Port
    port_a = kind(platform, hang_at=total_hang(database_url), arrived=arrived)
    a, worker_a = await instance(database_url, clock, port_a)
    b, worker_b = await instance(database_url, clock, kind(platform))
    try:
        total = await seed(a, channels, per_channel)
        run_a = asyncio.create_task(worker_a.run_due())
        await port_a.hanging.wait()
        run_a.cancel()  # killed mid-send, holding its claims
        await asyncio.gather(run_a, return_exceptions=True)
        clock.advance(seconds=LEASE.total_seconds())
        stats = await worker_b.run_due()
        assert set(platform.received.values()) == {1}  # nobody got a reminder twice
        lost = 0 if findable or arrived else 1  # sent? unknown, and not askable: not resent
        assert len(platform.received) == total - lost
        assert stats.found == (1 if findable and arrived else 0)
        assert stats.uncertain == (0 if findable else 1)
        assert await statuses(b) == {"sent": total}
    finally:
        await a.close()
        await b.close()
