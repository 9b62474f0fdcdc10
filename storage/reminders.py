"""Reminder rows: idempotent scheduling, atomic claims with leases, and the planner's sweep.

Claiming is one statement per kind of due row:
- PostgreSQL: `WITH picked AS MATERIALIZED (SELECT id … LIMIT n FOR UPDATE SKIP LOCKED)
  UPDATE reminders … FROM picked … RETURNING …` — replicas claiming at the same moment each
  get different rows, none waits;
- SQLite: the same conditional `UPDATE … WHERE status='pending' AND due_at <= now … RETURNING`
  inside a `BEGIN IMMEDIATE` transaction (one writer at a time).
A claim carries a lease: if the claimer dies before marking the row, the lease runs out and
any replica claims it again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import String, bindparam, exists, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker
from sqlalchemy.orm import aliased

from dialogs.calendar import utc
from dialogs.meetings.model import OPEN_STATUSES
from dialogs.reminders import (
    AGREEMENT,
    AGREEMENT_KINDS,
    ASSESSMENT,
    MEETING,
    MEETING_PREP,
    MEETING_PREP_MEMBER,
    MEETING_STEP,
    NUDGE,
    NUDGE_ROUND,
    REASSESS,
    Planned,
    ReminderData,
    ReminderView,
    RoundRef,
    ScheduleReminders,
    Upcoming,
    plan_agreement,
    plan_meeting_prep,
    plan_meeting_step,
    plan_nudge_rounds,
    plan_reassessment,
)
from dialogs.settings import (
    K_TIMEZONE,
    ChannelPrefs,
    SetChannelSettings,
)
from storage.meeting_models import Agreement, Meeting
from storage.models import Assessment, Channel, Member, Practice, Workspace
from storage.reminder_models import CANCELLED, CLAIMED, PENDING, SENT, Reminder
from storage.repository import Context

# Marking rows works on a session or on a connection held for a whole batch of sends.
Executor = AsyncSession | AsyncConnection

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


# ---- claiming and marking ----
@dataclass(frozen=True)
class Claimed:
    view: ReminderView
    channel_id: int
    attempts: int


_COLUMNS = (
    Reminder.id,
    Reminder.channel_id,
    Reminder.kind,
    Reminder.recipient,
    Reminder.subject_type,
    Reminder.subject_id,
    Reminder.payload,
    Reminder.due_at,
    Reminder.late,
    Reminder.attempts,
)


async def claim(
    sessions: async_sessionmaker[AsyncSession],
    worker: str,
    now: datetime,
    limit: int,
    lease: timedelta,
) -> list[Claimed]:
    """Atomically take up to `limit` due rows: pending ones that are due, and claimed ones
    whose lease has run out (their claimer died)."""
    now = utc(now)
    got: list[Claimed] = []
    async with sessions() as session, session.begin():
        pg = dialect(session) == "postgresql"
        conditions = (
            (Reminder.status == CLAIMED) & (Reminder.lease_until <= now),
            (Reminder.status == PENDING) & (Reminder.due_at <= now),
        )
        for condition in conditions:
            room = limit - len(got)
            if room <= 0:
                break
            sub = (
                select(Reminder.id)
                .where(condition)
                .order_by(Reminder.due_at, Reminder.id)
                .limit(room)
            )
            if pg:
                # A materialized CTE runs (and locks) once; as an IN (…) subquery the planner
                # may re-run the locking subquery for every candidate row.
                picked = (
                    sub.with_for_update(skip_locked=True).cte("picked").prefix_with("MATERIALIZED")
                )
                which = Reminder.id == picked.c.id
            else:
                which = Reminder.id.in_(sub.scalar_subquery())
            stmt = (
                update(Reminder)
                .where(which, condition)
                .values(
                    status=CLAIMED,
                    claimed_by=worker,
                    lease_until=now + lease,
                    attempts=Reminder.attempts + 1,
                )
                .returning(*_COLUMNS)
                .execution_options(synchronize_session=False)
            )
            for r in await session.execute(stmt):
                view = ReminderView(
                    r.id,
                    r.kind,
                    r.recipient,
                    r.subject_type,
                    r.subject_id,
                    dict(r.payload or {}),
                    utc(r.due_at),
                    bool(r.late),
                )
                got.append(Claimed(view, r.channel_id, r.attempts))
    got.sort(key=lambda c: (c.view.due_at, c.view.id))
    return got


@dataclass(frozen=True)
class Place:
    platform: str
    workspace: str
    channel: str


async def places(session: AsyncSession, channel_ids: Iterable[int]) -> dict[int, Place]:
    ids = sorted(set(channel_ids))
    out: dict[int, Place] = {}
    for i in range(0, len(ids), CHUNK):
        rows = await session.execute(
            select(Channel.id, Workspace.platform, Workspace.external_id, Channel.external_id)
            .join(Workspace, Workspace.id == Channel.workspace_id)
            .where(Channel.id.in_(ids[i : i + CHUNK]))
        )
        for cid, platform, ws, ch in rows:
            out[cid] = Place(platform, ws, ch)
    return out


async def still_mine(
    session: AsyncSession, ids: Sequence[int], worker: str, now: datetime, lease: timedelta
) -> set[int]:
    """Renew the lease on the rows this worker still holds; the ids it still holds."""
    if not ids:
        return set()
    result = await session.execute(
        update(Reminder)
        .where(
            Reminder.id.in_(list(ids)), Reminder.status == CLAIMED, Reminder.claimed_by == worker
        )
        .values(lease_until=utc(now) + lease)
        .returning(Reminder.id)
        .execution_options(synchronize_session=False)
    )
    return {r[0] for r in result}


_TABLE = Reminder.metadata.tables["reminders"]
_T = _TABLE.c
_MINE = (_T.id == bindparam("rid")) & (_T.status == CLAIMED) & (_T.claimed_by == bindparam("me"))
# Built once: marking is the hot path (one short statement per message sent).
_FINISH = (
    update(_TABLE)
    .where(_MINE)
    .values(
        status=bindparam("status"),
        lease_until=None,
        late=bindparam("late"),
        sent_at=bindparam("sent_at"),
        message_ref=bindparam("ref"),
        last_error=func.coalesce(bindparam("error", type_=String), _T.last_error),
    )
)
_RELEASE = (
    update(_TABLE)
    .where(_MINE)
    .values(
        status=PENDING,
        due_at=bindparam("due"),
        lease_until=None,
        claimed_by=None,
        late=bindparam("late"),
        attempts=_T.attempts - bindparam("uncount"),
        last_error=func.coalesce(bindparam("error", type_=String), _T.last_error),
    )
)


async def finish(
    session: Executor,
    rid: int,
    worker: str,
    status: str,
    now: datetime,
    *,
    ref: str | None = None,
    late: bool = False,
    error: str | None = None,
) -> bool:
    """Mark a claimed row sent / cancelled / failed. False when the claim was lost."""
    result = await session.execute(
        _FINISH,
        {
            "rid": rid,
            "me": worker,
            "status": status,
            "late": late,
            "sent_at": utc(now) if status == SENT else None,
            "ref": ref if status == SENT else None,
            "error": error[:200] if error else None,
        },
    )
    return bool(getattr(result, "rowcount", 0))


async def release(
    session: Executor,
    rid: int,
    worker: str,
    due: datetime,
    *,
    late: bool = False,
    count_attempt: bool = True,
    error: str | None = None,
) -> None:
    """Give a claimed row back as pending, due at `due` (a retry, or deferred into the window);
    a row that only waits (no port here, or night) does not use up an attempt."""
    await session.execute(
        _RELEASE,
        {
            "rid": rid,
            "me": worker,
            "due": utc(due),
            "late": late,
            "uncount": 0 if count_attempt else 1,
            "error": error[:200] if error else None,
        },
    )


async def next_due(session: AsyncSession) -> datetime | None:
    """When the next pending row comes due (claimed rows: when their lease runs out)."""
    pending = await session.scalar(
        select(func.min(Reminder.due_at)).where(Reminder.status == PENDING)
    )
    leased = await session.scalar(
        select(func.min(Reminder.lease_until)).where(Reminder.status == CLAIMED)
    )
    times = [utc(t) for t in (pending, leased) if t is not None]
    return min(times) if times else None


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
            ).where(
                Reminder.subject_type == subject_type,
                Reminder.kind.in_(list(kinds)),
                Reminder.status == PENDING,
            )
        )
    ).all()
    cancel = [r.id for r in pending if r.dedupe_key not in wanted]
    for i in range(0, len(cancel), CHUNK):
        await session.execute(
            update(Reminder)
            .where(Reminder.id.in_(cancel[i : i + CHUNK]), Reminder.status == PENDING)
            .values(status=CANCELLED)
            .execution_options(synchronize_session=False)
        )
    for r in pending:
        target = wanted.get(r.dedupe_key)
        # A row that was deferred or retried keeps its own time.
        if target and r.attempts == 0 and not r.late and utc(r.due_at) != utc(target[1].due_at):
            await session.execute(
                update(Reminder)
                .where(Reminder.id == r.id, Reminder.status == PENDING)
                .values(due_at=utc(target[1].due_at))
                .execution_options(synchronize_session=False)
            )
    known = {r.dedupe_key for r in pending}
    unknown = [k for k in wanted if k not in known]
    for i in range(0, len(unknown), CHUNK):
        chunk = unknown[i : i + CHUNK]
        present = set(
            await session.scalars(select(Reminder.dedupe_key).where(Reminder.dedupe_key.in_(chunk)))
        )
        await schedule(session, (wanted[k] for k in chunk if k not in present), now)


async def reconcile(session: AsyncSession, now: datetime) -> bool:
    """Plan the reminders that the domain state calls for. Idempotent; on PostgreSQL one
    replica at a time (the others skip). False when skipped."""
    if dialect(session) == "postgresql":
        got = await session.scalar(text(f"SELECT pg_try_advisory_xact_lock({RECONCILE_LOCK})"))
        if not got:
            return False
    await _plan_assessments(session, now)
    await _plan_agreements(session, now)
    await _plan_meetings(session, now)
    return True


async def _plan_assessments(session: AsyncSession, now: datetime) -> None:
    finished_invitation = exists().where(
        Reminder.subject_type == ASSESSMENT,
        Reminder.subject_id == Assessment.id,
        Reminder.kind == REASSESS,
        Reminder.status != PENDING,
    )
    rows = (
        await session.execute(
            select(
                Assessment.id,
                Assessment.channel_id,
                Assessment.status,
                Assessment.started_at,
                Assessment.closed_at,
            ).where(
                (Assessment.status == "open")
                | ((Assessment.status == "closed") & ~finished_invitation)
            )
        )
    ).all()
    prefs = await channel_prefs(session, (r.channel_id for r in rows))
    nudges: dict[str, tuple[int, Planned]] = {}
    invitations: dict[str, tuple[int, Planned]] = {}
    for r in rows:
        p = prefs[r.channel_id]
        if r.status == "open":
            for planned in plan_nudge_rounds(r.id, utc(r.started_at), p):
                nudges[planned.key] = (r.channel_id, planned)
        elif r.closed_at is not None:
            planned = plan_reassessment(r.id, utc(r.closed_at), p)
            invitations[planned.key] = (r.channel_id, planned)
    await sync(session, ASSESSMENT, (NUDGE_ROUND,), nudges, now)
    await sync(session, ASSESSMENT, (REASSESS,), invitations, now)
    # Private nudges already fanned out for a round that has since closed.
    closed = select(Assessment.id).where(Assessment.status == "closed").scalar_subquery()
    await session.execute(
        update(Reminder)
        .where(
            Reminder.subject_type == ASSESSMENT,
            Reminder.kind == NUDGE,
            Reminder.status == PENDING,
            Reminder.subject_id.in_(closed),
        )
        .values(status=CANCELLED)
        .execution_options(synchronize_session=False)
    )


async def _plan_agreements(session: AsyncSession, now: datetime) -> None:
    """Open agreements get their reminders; done, dropped, deleted or moved ones lose the
    pending ones."""
    owner, follow_up = aliased(Member), aliased(Member)
    rows = (
        await session.execute(
            select(
                Agreement.id,
                Agreement.channel_id,
                Agreement.due,
                Agreement.created_at,
                owner.external_id,
                follow_up.external_id,
            )
            .join(owner, owner.id == Agreement.owner_id)
            .join(follow_up, follow_up.id == Agreement.follow_up_id)
            .where(Agreement.status.in_(sorted(OPEN_STATUSES)))
        )
    ).all()
    prefs = await channel_prefs(session, (r.channel_id for r in rows))
    wanted: dict[str, tuple[int, Planned]] = {}
    for aid, channel_id, due, created, owner_ext, follow_ext in rows:
        for planned in plan_agreement(
            aid, due, utc(created), owner_ext, follow_ext, prefs[channel_id]
        ):
            wanted[planned.key] = (channel_id, planned)
    await sync(session, AGREEMENT, AGREEMENT_KINDS, wanted, now)


async def _plan_meetings(session: AsyncSession, now: datetime) -> None:
    """Preparation reminders for planned meetings; an async meeting's next transition at the
    time the meetings feature stored for it (`Meeting.due_at`)."""
    rows = (
        await session.execute(
            select(
                Meeting.id,
                Meeting.channel_id,
                Meeting.status,
                Meeting.scheduled_at,
                Meeting.created_at,
                Meeting.due_at,
            ).where(Meeting.status.in_(("planned", "running")))
        )
    ).all()
    prefs = await channel_prefs(session, (r.channel_id for r in rows if r.status == "planned"))
    preps: dict[str, tuple[int, Planned]] = {}
    steps: dict[str, tuple[int, Planned]] = {}
    for r in rows:
        if r.status == "planned":
            for planned in plan_meeting_prep(
                r.id, utc(r.scheduled_at), utc(r.created_at), prefs[r.channel_id]
            ):
                preps[planned.key] = (r.channel_id, planned)
        if r.due_at is not None:
            planned = plan_meeting_step(r.id, utc(r.due_at))
            steps[planned.key] = (r.channel_id, planned)
    await sync(session, MEETING, (MEETING_PREP,), preps, now)
    await sync(session, MEETING, (MEETING_STEP,), steps, now)
    planned_ids = select(Meeting.id).where(Meeting.status == "planned").scalar_subquery()
    await session.execute(
        update(Reminder)
        .where(
            Reminder.subject_type == MEETING,
            Reminder.kind == MEETING_PREP_MEMBER,
            Reminder.status == PENDING,
            Reminder.subject_id.not_in(planned_ids),
        )
        .values(status=CANCELLED)
        .execution_options(synchronize_session=False)
    )


# ---- the stores (feature halves) ----
class ReminderStore:
    """Rows scheduled by dialog steps, and the channel's rounds and upcoming reminders."""

    name = "reminders"
    op_types: tuple[type, ...] = (ScheduleReminders,)

    async def load(self, session: AsyncSession, ctx: Context, now: datetime) -> ReminderData:
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

    async def apply(self, session: AsyncSession, ctx: Context, op: object, now: datetime) -> None:
        if not isinstance(op, ScheduleReminders):
            raise TypeError(f"unknown operation {type(op).__name__}")
        await schedule(session, ((ctx.channel.id, p) for p in op.items), now)


class SettingsStore:
    """The channel's settings: language and time zone columns, the rest in its JSON."""

    name = "settings"
    op_types: tuple[type, ...] = (SetChannelSettings,)

    async def load(self, session: AsyncSession, ctx: Context, now: datetime) -> ChannelPrefs:
        ch = ctx.channel
        return ChannelPrefs.of(ch.language, ch.timezone, ch.settings or {})

    async def apply(self, session: AsyncSession, ctx: Context, op: object, now: datetime) -> None:
        if not isinstance(op, SetChannelSettings):
            raise TypeError(f"unknown operation {type(op).__name__}")
        ch = ctx.channel
        ch.language, ch.timezone = op.language, op.timezone
        # A new dict, so the JSON column sees the change; other features' keys are kept.
        ch.settings = {**(ch.settings or {}), **op.values, K_TIMEZONE: op.timezone}
        await session.flush()
