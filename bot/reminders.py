"""The reminder worker: claim due rows → build each message with the pure dialog code → send it
through the platform's port → mark it sent with the platform's message reference.

Exactly once: a row is claimed by one worker only (atomic claim), is marked sent right after
its message went out, and is never claimed again once marked. A worker that dies between claim
and send leaves a lease that runs out; another worker then sends the row. Just before a send the
row records that it is being sent (`sending_at`, committed), and each message carries a marker
made of the reminder's id: a row claimed again with that record may have been delivered by the
worker that died. Where the platform can be asked (Slack keeps the marker in the message's
metadata) only what did not arrive is sent; where it cannot (Teams), nothing is sent again —
never twice — and the row is counted (`uncertain`) and logged.

Rows are worked on per channel (one transaction builds them all from one loaded turn), in
order within a channel and, on PostgreSQL, several channels at once.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from itertools import groupby
from typing import TYPE_CHECKING

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm.exc import StaleDataError

from bot.delivery import Plan
from bot.metrics import REMINDERS
from bot.ports import ChatPort, Conversation, DeliveryError, FindsPosts
from dialogs.calendar import is_allowed, next_allowed, utc
from dialogs.effects import Outcome, Post
from dialogs.messages import Form, Message, Target
from dialogs.reminders import ReminderView
from dialogs.settings import prefs
from dialogs.turn import Turn
from storage import reminder_claims as claims
from storage import reminders as store
from storage import turns as repo
from storage.reminder_models import CANCELLED, FAILED, SENT

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
# Sent this much after its time, a reminder says so ("Denne påmindelse kommer forsinket").
LATE_AFTER = timedelta(minutes=15)
MAX_ATTEMPTS = 5
NO_PORT_RETRY = timedelta(minutes=1)
CHANNEL_ATTEMPTS = 4
MAX_PLANNING_ROUNDS = 8
# A concurrent turn won a race (a unique key, a version check, a lock): do the batch again.
RACES = (IntegrityError, StaleDataError, OperationalError)


for _event in ("due", "sent", "late", "failed", "uncertain"):
    REMINDERS.labels(event=_event)  # every series exists from the start, at 0


def backoff(attempts: int) -> timedelta:
    return timedelta(minutes=min(2**attempts, 60))


def worker_name() -> str:
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass
class RunStats:
    claimed: int = 0
    sent: int = 0
    cancelled: int = 0
    deferred: int = 0
    retried: int = 0
    failed: int = 0
    lost: int = 0  # claims another worker took over (lease ran out mid-send)
    found: int = 0  # sent by a worker that died before it could say so: found, not resent
    uncertain: int = 0  # the same where the platform cannot be asked: not sent again
    changed: int = 0  # rows whose outcome changed data (which may call for new reminders)

    def add(self, other: RunStats) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    # Counted here and in Prometheus (bot.metrics.REMINDERS) alike.
    def count_sent(self, late: bool) -> None:
        self.sent += 1
        REMINDERS.labels(event="sent").inc()
        if late:  # sent more than LATE_AFTER after it was due
            REMINDERS.labels(event="late").inc()

    def count_failed(self) -> None:
        self.failed += 1
        REMINDERS.labels(event="failed").inc()


class _Tracking:
    """A port wrapper that counts what got through and keeps the first message reference."""

    def __init__(self, port: ChatPort) -> None:
        self.port = port
        self.ok = 0
        self.refs: list[str] = []
        self.error: Exception | None = None

    async def post(
        self, conv: Conversation, target: Target, message: Message, thread_ref: str | None
    ) -> str:
        try:
            ref = await self.port.post(conv, target, message, thread_ref)
        except Exception as exc:
            self.error = exc
            raise
        self.ok += 1
        self.refs.append(ref)
        return ref

    async def update(self, conv: Conversation, ref: str, message: Message) -> None:
        try:
            await self.port.update(conv, ref, message)
        except Exception as exc:
            self.error = exc
            raise
        self.ok += 1

    async def open_form(self, conv: Conversation, form: Form) -> None:
        await self.port.open_form(conv, form)
        self.ok += 1

    async def reject_form(self, conv: Conversation, form: Form) -> None:
        await self.port.reject_form(conv, form)
        self.ok += 1


@dataclass
class _Job:
    claimed: claims.Claimed
    late: bool
    plan: Plan


@dataclass
class ReminderWorker:
    runtime: Runtime
    name: str = field(default_factory=worker_name)
    batch: int = 100
    lease: timedelta = LEASE
    parallel: int = 8  # channels worked on at once (PostgreSQL)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def build(self, turn: Turn, row: ReminderView, memo: dict[str, object]) -> Outcome:
        """What to do for a due row (an empty Outcome: nothing any more), by the feature
        that owns its kind."""
        builder = self.runtime.engine.reminder_builders.get(row.kind)
        return builder(turn, row, memo) if builder else Outcome()

    def now(self) -> datetime:
        return utc(self.runtime.engine.clock.now())

    async def reconcile(self) -> None:
        planners = [f.reminders.plan for f in self.runtime.engine.features if f.reminders]
        async with self.runtime.sessions() as session, session.begin():
            await store.reconcile(session, self.now(), planners)

    async def next_due(self) -> datetime | None:
        async with self.runtime.sessions() as session:
            return await claims.next_due(session)

    async def run_due(self, *, reconcile: bool = True) -> RunStats:
        """Plan, then claim and send everything due now, until nothing is left. When sending
        changed data (a meeting step closed, nudges fanned out), plan again."""
        async with self.lock:
            stats = RunStats()
            for _ in range(MAX_PLANNING_ROUNDS):
                if reconcile:
                    await self.reconcile()
                changed = stats.changed
                await self._drain(stats)
                if stats.changed == changed:
                    break
            return stats

    async def _drain(self, stats: RunStats) -> None:
        # Channels in parallel (a platform's limits are per channel; its latency adds up),
        # each channel's reminders in order. SQLite has one writer: one channel at a time.
        sqlite = self.runtime.db.dialect.name == "sqlite"
        room = asyncio.Semaphore(1 if sqlite else self.parallel)
        while True:
            claimed = await claims.claim(
                self.runtime.sessions, self.name, self.now(), self.batch, self.lease
            )
            if not claimed:
                return
            stats.claimed += len(claimed)
            REMINDERS.labels(event="due").inc(len(claimed))
            async with self.runtime.sessions() as session:
                where = await claims.places(session, (c.channel_id for c in claimed))
            by_channel = sorted(claimed, key=lambda c: (c.channel_id, c.view.due_at, c.view.id))
            results = await asyncio.gather(
                *(
                    self._limited(room, where[channel_id], list(group))
                    for channel_id, group in groupby(by_channel, key=lambda c: c.channel_id)
                ),
                return_exceptions=True,
            )
            for result in results:
                if isinstance(result, RunStats):
                    stats.add(result)
                elif isinstance(result, asyncio.CancelledError):
                    raise result
                else:  # its rows stay claimed; their lease runs out and they are tried again
                    log.error("reminder batch failed: %s", type(result).__name__)

    async def _limited(
        self, room: asyncio.Semaphore, place: claims.Place, rows: list[claims.Claimed]
    ) -> RunStats:
        async with room:
            return await self._channel(place, rows)

    async def _channel(self, place: claims.Place, rows: list[claims.Claimed]) -> RunStats:
        for attempt in range(CHANNEL_ATTEMPTS):
            try:
                stats, jobs = await self._prepare(place, rows)
                break
            except RACES as exc:
                if attempt == CHANNEL_ATTEMPTS - 1:
                    raise
                log.info("reminder batch retried after %s", type(exc).__name__)
        conv = Conversation(place.platform, place.workspace, place.channel, None)
        port = self.runtime.ports.get(place.platform)
        if jobs:
            # One connection for the batch; each row is marked in its own short transaction
            # right after its send, so a crash can double at most the message in flight.
            async with self.runtime.db.connect() as conn:
                if conn.dialect.name == "postgresql":
                    # Each mark is one UPDATE: atomic on its own, one round trip.
                    conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
                for job in jobs:
                    await self._deliver(conn, conv, port, job, stats)
        return stats

    async def _prepare(
        self, place: claims.Place, rows: list[claims.Claimed]
    ) -> tuple[RunStats, list[_Job]]:
        """One transaction per channel: check the claims, load the turn, build each message,
        apply the data operations; rows that need no send are settled here too."""
        stats = RunStats()
        jobs: list[_Job] = []
        now = self.now()
        engine = self.runtime.engine
        async with self.runtime.sessions() as session, session.begin():
            mine = await claims.still_mine(
                session, [r.view.id for r in rows], self.name, now, self.lease
            )
            stats.lost += len(rows) - len(mine)
            rows = [r for r in rows if r.view.id in mine]
            if not rows:
                return stats, jobs
            where = repo.Place(place.platform, place.workspace, place.channel)
            ctx = await repo.context_for(session, where, repo.SYSTEM_ACTOR, None, now)
            turn = await engine.load_turn(session, ctx, now)
            cal = prefs(turn).calendar
            unwindowed = engine.unwindowed
            ready: list[tuple[claims.Claimed, bool]] = []
            for row in rows:
                rid = row.view.id
                late = row.view.late or now - row.view.due_at > LATE_AFTER
                if row.attempts > MAX_ATTEMPTS:
                    await claims.finish(session, rid, self.name, FAILED, now, late=late)
                    stats.count_failed()
                    log.error("reminder %d failed after %d attempts", rid, row.attempts)
                elif late and row.view.kind not in unwindowed and not is_allowed(now, cal):
                    # It came due while we were down, and now it is night: at the next opening.
                    await claims.release(
                        session,
                        rid,
                        self.name,
                        next_allowed(now, cal),
                        late=True,
                        count_attempt=False,
                    )
                    stats.deferred += 1
                else:
                    ready.append((row, late))
            memo: dict[str, object] = {}
            for row, late in ready:
                # One row at a time: a row's operations may change what the next one sees.
                outcome = self.build(turn, replace(row.view, late=late), memo)
                rid = row.view.id
                if not outcome.ops and not outcome.out:
                    await claims.finish(session, rid, self.name, CANCELLED, now, late=late)
                    stats.cancelled += 1
                    continue
                try:
                    if outcome.ops:  # a savepoint, so a row whose operations fail stands alone
                        async with session.begin_nested():
                            plan = await engine.commit_outcome(session, ctx, turn, outcome, now)
                    else:
                        plan = await engine.commit_outcome(session, ctx, turn, outcome, now)
                except RACES:
                    raise
                except Exception as exc:  # one bad row must not hold up the others
                    error = type(exc).__name__
                    log.error("reminder %d could not be applied: %s", rid, error)
                    await claims.finish(
                        session, rid, self.name, FAILED, now, late=late, error=error
                    )
                    stats.count_failed()
                    continue
                if outcome.ops:
                    stats.changed += 1
                    turn, memo = await engine.load_turn(session, ctx, now), {}
                if not plan.sends:
                    await claims.finish(session, rid, self.name, SENT, now, late=late)
                    stats.count_sent(late)
                else:
                    jobs.append(_Job(row, late, marked(plan, rid)))
        return stats, jobs

    async def _deliver(
        self,
        conn: AsyncConnection,
        conv: Conversation,
        port: ChatPort | None,
        job: _Job,
        stats: RunStats,
    ) -> None:
        rid = job.claimed.view.id
        if port is None:
            # This process does not speak that platform; give the row back for one that does.
            await claims.release(
                conn,
                rid,
                self.name,
                self.now() + NO_PORT_RETRY,
                late=job.late,
                count_attempt=False,
                error="no port",
            )
            await conn.commit()
            stats.retried += 1
            return
        since = job.claimed.sending_since
        if since is not None and not await self._unsent(conn, conv, port, job, since, stats):
            return
        if not await claims.mark_sending(conn, rid, self.name, self.now()):
            await conn.commit()  # another worker has it now, or its channel's data is gone
            stats.lost += 1
            log.info("reminder %d: claim lost before sending", rid)
            return
        await conn.commit()  # before the send: a worker that claims it again knows
        tracking = _Tracking(port)
        await self.runtime.engine.deliver(conv, job.plan, tracking)
        now = self.now()
        if tracking.ok >= len(job.plan.sends):
            ref = tracking.refs[0] if tracking.refs else None
            if await claims.finish(conn, rid, self.name, SENT, now, ref=ref, late=job.late):
                stats.count_sent(job.late)
            else:
                stats.lost += 1
                log.warning("reminder %d: claim lost while sending", rid)
        else:
            error = type(tracking.error).__name__ if tracking.error else "unknown"
            permanent = isinstance(tracking.error, DeliveryError) and not tracking.error.retryable
            if permanent or job.claimed.attempts >= MAX_ATTEMPTS:
                await claims.finish(conn, rid, self.name, FAILED, now, late=job.late, error=error)
                stats.count_failed()
            else:
                retry_at = now + backoff(job.claimed.attempts)
                await claims.release(conn, rid, self.name, retry_at, late=job.late, error=error)
                stats.retried += 1
        await conn.commit()

    async def _unsent(
        self,
        conn: AsyncConnection,
        conv: Conversation,
        port: ChatPort,
        job: _Job,
        since: datetime,
        stats: RunStats,
    ) -> bool:
        """A worker began to send this reminder and died: keep only what did not arrive (a
        platform that can be asked is asked, by each message's marker). False when nothing is
        left to send — the row is then marked sent: a reminder is never delivered twice."""
        rid, now = job.claimed.view.id, self.now()
        if isinstance(port, FindsPosts):
            left, refs = [], []
            for send in job.plan.sends:
                ref = None
                if isinstance(send, Post) and send.key is None and send.message.marker:
                    ref = await port.find_posted(conv, send.target, send.message, since)
                if ref is None:
                    left.append(send)
                else:
                    refs.append(ref)
            job.plan.sends = left
            if left:
                return True
            await claims.finish(conn, rid, self.name, SENT, now, ref=refs[0], late=job.late)
            stats.found += 1
        else:
            await claims.finish(conn, rid, self.name, SENT, now, late=job.late, error="uncertain")
            stats.uncertain += 1
            REMINDERS.labels(event="uncertain").inc()
            log.warning("reminder %d may have been sent before its worker died: not resent", rid)
        await conn.commit()
        return False


def marked(plan: Plan, rid: int) -> Plan:
    """The plan with a marker on each new message (not on updates of keyed ones): the platform
    keeps it with the message, so that it can be found should this worker die mid-send."""
    plan.sends = [
        replace(s, message=replace(s.message, marker=f"rem-{rid}-{i}"))
        if isinstance(s, Post) and s.key is None
        else s
        for i, s in enumerate(plan.sends)
    ]
    return plan
