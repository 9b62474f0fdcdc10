"""Due reminder rows claimed by the worker that sends them, and marked as it goes.

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

from sqlalchemy import String, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from dialogs.calendar import utc
from dialogs.reminders.queue import ReminderView
from storage.models import Channel, Workspace
from storage.reminder_models import CLAIMED, PENDING, SENT, Reminder
from storage.reminders import CHUNK, dialect

# Marking rows works on a session or on a connection held for a whole batch of sends.
Executor = AsyncSession | AsyncConnection


@dataclass(frozen=True)
class Claimed:
    view: ReminderView
    channel_id: int
    attempts: int
    # Set when an earlier claim began to send its message (and then died, or it would not be
    # claimed again): it may have been delivered.
    sending_since: datetime | None = None


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
    Reminder.sending_at,
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
                sending = utc(r.sending_at) if r.sending_at is not None else None
                got.append(Claimed(view, r.channel_id, r.attempts, sending))
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
_SENDING = update(_TABLE).where(_MINE).values(sending_at=bindparam("now"))
_RELEASE = (
    update(_TABLE)
    .where(_MINE)
    .values(
        status=PENDING,
        due_at=bindparam("due"),
        lease_until=None,
        claimed_by=None,
        sending_at=None,
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


async def mark_sending(session: Executor, rid: int, worker: str, now: datetime) -> bool:
    """Record that the claimed row's message is about to go out. False when the claim was
    lost (another worker holds the row now: do not send)."""
    result = await session.execute(_SENDING, {"rid": rid, "me": worker, "now": utc(now)})
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
