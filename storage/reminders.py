"""Reminder rows, for every feature: idempotent scheduling, atomic claims with leases, and
the sweep that runs each feature's planner (the features plan their own kinds).

Claiming and marking due rows (with leases) are reminder_claims.py's.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.calendar import utc
from dialogs.reminders.model import OWNER, ReminderData, RoundRef, Upcoming
from dialogs.reminders.queue import Planned, ScheduleReminders
from dialogs.settings.prefs import ChannelPrefs
from storage.feature import Applying, FeatureStore, applies
from storage.models import Assessment, Channel, Practice
from storage.reminder_models import CANCELLED, PENDING, Reminder
from storage.turns import Context

# A feature's planning sweep: make the rows its domain state calls for exist (`sync`).
Planner = Callable[[AsyncSession, datetime], Awaitable[None]]

CHUNK = 500  # keys per IN (…) list
UPCOMING = 10
RECONCILE_LOCK = 0x1E_5E11  # PostgreSQL advisory lock id: one replica plans at a time


def dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


def _insert_stmt(session: AsyncSession) -> Any:
    if dialect(session) == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(Reminder).on_conflict_do_nothing(index_elements=["dedupe_key"])
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(Reminder).on_conflict_do_nothing(index_elements=["dedupe_key"])


def _row(channel_id: int, p: Planned, now: datetime) -> dict[str, Any]:
    return {
        "channel_id": channel_id,
        "kind": p.kind,
        "recipient": p.recipient,
        "subject_type": p.subject_type,
        "subject_id": p.subject_id,
        "payload": dict(p.payload),
        "due_at": utc(p.due_at),
        "status": PENDING,
        "attempts": 0,
        "late": p.late,
        "dedupe_key": p.key,
        "created_at": utc(now),
    }


async def schedule(
    session: AsyncSession, items: Iterable[tuple[int, Planned]], now: datetime
) -> None:
    """Make the rows exist; a key that exists already (in any state) is left alone."""
    rows = [_row(channel_id, p, now) for channel_id, p in items]
    for i in range(0, len(rows), CHUNK):
        await session.execute(_insert_stmt(session), rows[i : i + CHUNK])


# ---- planning sweep ----
async def channel_prefs(
    session: AsyncSession, channel_ids: Iterable[int]
) -> dict[int, ChannelPrefs]:
    ids = sorted(set(channel_ids))
    out: dict[int, ChannelPrefs] = {}
    for i in range(0, len(ids), CHUNK):
        rows = await session.execute(
            select(Channel.id, Channel.language, Channel.timezone, Channel.settings).where(
                Channel.id.in_(ids[i : i + CHUNK])
            )
        )
        for cid, language, tz, settings in rows:
            out[cid] = ChannelPrefs.of(language, tz, settings or {})
    return out


def _about(subject_type: str, kinds: Sequence[str]) -> ColumnElement[bool]:
    return and_(Reminder.subject_type == subject_type, Reminder.kind.in_(list(kinds)))


async def _update(
    session: AsyncSession, where: Sequence[ColumnElement[bool]], **values: Any
) -> int:
    """Set `values` on the rows `where` selects, in one statement (no loaded rows to keep in
    step); the number changed."""
    result = await session.execute(
        update(Reminder).where(*where).values(**values).execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def sync(
    session: AsyncSession,
    subject_type: str,
    kinds: Sequence[str],
    wanted: dict[str, tuple[int, Planned]],
    now: datetime,
) -> None:
    """Bring the rows of `kinds` in line with `wanted` (key -> (channel id, planned row)):
    insert the missing, move pending rows whose time changed (settings, a new due date),
    cancel pending rows that are no longer wanted. Rows already sent stay as they are."""
    pending = (
        await session.execute(
            select(
                Reminder.id, Reminder.dedupe_key, Reminder.due_at, Reminder.attempts, Reminder.late
            ).where(_about(subject_type, kinds), Reminder.status == PENDING)
        )
    ).all()
    cancel = [r.id for r in pending if r.dedupe_key not in wanted]
    for i in range(0, len(cancel), CHUNK):
        await _update(
            session,
            (Reminder.id.in_(cancel[i : i + CHUNK]), Reminder.status == PENDING),
            status=CANCELLED,
        )
    for r in pending:
        target = wanted.get(r.dedupe_key)
        # A row that was deferred or retried keeps its own time.
        if target and r.attempts == 0 and not r.late and utc(r.due_at) != utc(target[1].due_at):
            await _update(
                session,
                (Reminder.id == r.id, Reminder.status == PENDING),
                due_at=utc(target[1].due_at),
            )
    known = {r.dedupe_key for r in pending}
    unknown = [k for k in wanted if k not in known]
    for i in range(0, len(unknown), CHUNK):
        chunk = unknown[i : i + CHUNK]
        present = set(
            await session.scalars(select(Reminder.dedupe_key).where(Reminder.dedupe_key.in_(chunk)))
        )
        await schedule(session, (wanted[k] for k in chunk if k not in present), now)


async def cancel_pending(
    session: AsyncSession, subject_type: str, kind: str, which: ColumnElement[bool]
) -> None:
    """Cancel the pending rows of `kind` about subjects that `which` (a condition on
    `Reminder.subject_id`) selects: their reason has gone."""
    await cancel_now(session, subject_type, (kind,), which)


# ---- at once, in the transaction of the change that makes them so ----
# The sweep (`reconcile`) would get there within its interval; a store that changes the reason
# for a reminder says so in the same transaction, so that `påmindelser` is right at once.
async def cancel_now(
    session: AsyncSession, subject_type: str, kinds: Sequence[str], which: ColumnElement[bool]
) -> int:
    """Cancel the pending rows of `kinds` about the subjects `which` selects (a condition on
    `Reminder.subject_id`, or on any column). The number cancelled."""
    pending = (_about(subject_type, kinds), Reminder.status == PENDING, which)
    return await _update(session, pending, status=CANCELLED)


async def revive(
    session: AsyncSession,
    subject_type: str,
    kinds: Sequence[str],
    which: ColumnElement[bool],
    now: datetime,
) -> int:
    """Make cancelled rows of `kinds` about `which` pending again where their time has not come
    (their reason is back: an agreement reopened). Scheduling keeps a key once used, so the
    sweep would never plan them again; a row whose time has passed stays cancelled."""
    back = (_about(subject_type, kinds), Reminder.status == CANCELLED, Reminder.due_at > utc(now))
    return await _update(
        session, (*back, which), status=PENDING, attempts=0, lease_until=None, claimed_by=None
    )


async def plan_now(
    session: AsyncSession, channel_id: int, planned: Iterable[Planned], now: datetime
) -> None:
    """Schedule rows a change calls for at once (idempotent by key: the sweep finds them)."""
    await schedule(session, ((channel_id, p) for p in planned), now)


async def reconcile(session: AsyncSession, now: datetime, planners: Sequence[Planner]) -> bool:
    """Plan the reminders that the domain state calls for (each feature's planner). Idempotent;
    on PostgreSQL one replica at a time (the others skip). False when skipped."""
    if dialect(session) == "postgresql":
        got = await session.scalar(text(f"SELECT pg_try_advisory_xact_lock({RECONCILE_LOCK})"))
        if not got:
            return False
    for plan in planners:
        await plan(session, now)
    return True


# ---- the stores (feature halves) ----
class ReminderStore(FeatureStore):
    """Rows scheduled by dialog steps, and the channel's rounds and upcoming reminders."""

    name = OWNER

    async def load(
        self, session: AsyncSession, ctx: Context, now: datetime, before: object | None = None
    ) -> ReminderData:
        rounds = await session.execute(
            select(
                Assessment.id,
                Practice.name,
                Assessment.round_no,
                Assessment.status,
                Assessment.closed_at,
            )
            .join(Practice, Practice.id == Assessment.practice_id)
            .where(Assessment.channel_id == ctx.channel.id)
            .order_by(Assessment.id)
        )
        upcoming = await session.execute(
            select(Reminder.kind, Reminder.recipient, Reminder.due_at)
            .where(
                Reminder.channel_id == ctx.channel.id,
                Reminder.status == PENDING,
            )
            .order_by(Reminder.due_at, Reminder.id)
            .limit(UPCOMING)
        )
        return ReminderData(
            tuple(
                RoundRef(i, n, rn, st, utc(c) if c is not None else None)
                for i, n, rn, st, c in rounds
            ),
            tuple(Upcoming(k, r, utc(d)) for k, r, d in upcoming),
        )

    @applies(ScheduleReminders)
    async def schedule(self, w: Applying, op: ScheduleReminders) -> None:
        await plan_now(w.session, w.ctx.channel.id, op.items, w.now)
