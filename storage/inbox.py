"""The inbox: interactions acknowledged to the platform before their turn has run.

A click is written here (one short transaction, shared by the clicks that arrive together) and
acknowledged; its turn runs right after. The turn records the row's key as a processed event in
its own transaction, so it is applied exactly once however often it is run; the row is deleted
afterwards. Rows left behind by a process that died in between are replayed when their lease
has run out — by any replica. The row holds what the turn needs: the conversation's external
ids, the actor and the event (action ids and submitted values).

On PostgreSQL the table is in the bot's database. On SQLite it is in a file of its own beside
the database (`spool_url`): SQLite has one writer per file, and a click must not wait for the
turn of the click before it to be acknowledged. That file holds only this transient table,
created at start (`create_spool`); it is not part of the migrations' schema for that reason.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, Index, Integer, String, Table, delete, func, insert, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import TS, Base


class InboxItem(Base):
    __tablename__ = "inbox"
    __table_args__ = (Index("ix_inbox_lease_until", "lease_until"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(36), unique=True)  # processed-event key of its turn
    platform: Mapped[str] = mapped_column(String(16))
    workspace: Mapped[str] = mapped_column(String(255))
    channel: Mapped[str] = mapped_column(String(255))
    actor: Mapped[str | None] = mapped_column(String(255))
    channel_name: Mapped[str | None] = mapped_column(String(255))
    event: Mapped[dict[str, Any]] = mapped_column(JSON)
    event_id: Mapped[str | None] = mapped_column(String(255))
    received_at: Mapped[datetime] = mapped_column(TS)
    # Until then the receiving process is expected to run the turn; afterwards anyone may.
    lease_until: Mapped[datetime] = mapped_column(TS)
    replays: Mapped[int] = mapped_column(Integer, default=0)  # times claimed after a lease ran out


@dataclass(frozen=True)
class Entry:
    """One interaction to keep (the row without its id)."""

    key: str
    platform: str
    workspace: str
    channel: str
    actor: str | None
    channel_name: str | None
    event: dict[str, Any]
    event_id: str | None
    # When the platform's request arrived (last received wins: storage.turns.Context);
    # None: when the row is written.
    received_at: datetime | None = None


def spool_url(database_url: str) -> str | None:
    """Where the inbox lives when not in the bot's database: beside a SQLite file."""
    url = make_url(database_url)
    if not url.drivername.startswith("sqlite") or url.database in (None, "", ":memory:"):
        return None
    return url.set(database=f"{url.database}-inbox").render_as_string(hide_password=False)


def _table() -> Table:
    table = InboxItem.__table__
    assert isinstance(table, Table)
    return table


async def create_spool(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        await conn.run_sync(lambda sync: _table().create(sync, checkfirst=True))


def _columns(entry: Entry) -> dict[str, object]:
    # (not dataclasses.asdict: it copies the event's data deeply, on every click's way)
    return {field.name: getattr(entry, field.name) for field in fields(entry)}


async def add(session: AsyncSession, entries: list[Entry], now: datetime, lease: timedelta) -> None:
    """Store some interactions (one executemany: this is on every click's way to its
    acknowledgement)."""
    until = now + lease
    rows = [
        {**_columns(e), "received_at": e.received_at or now, "lease_until": until, "replays": 0}
        for e in entries
    ]
    await session.execute(insert(_table()), rows)


async def remove(session: AsyncSession, keys: list[str]) -> None:
    """Forget the rows whose turns have run."""
    await session.execute(delete(InboxItem).where(InboxItem.key.in_(keys)))


async def claim_stale(
    session: AsyncSession,
    now: datetime,
    lease: timedelta,
    limit: int = 100,
    ours: Collection[str] = (),
) -> list[InboxItem]:
    """Rows whose lease ran out, claimed for this process by moving their lease on (a row
    another replica claimed first is skipped: the update is conditional on the old lease).
    `ours`: keys whose turns this process is still going to run (not claimed again)."""
    stale = select(InboxItem).where(InboxItem.lease_until < now).order_by(InboxItem.id)
    rows = await session.scalars(stale.limit(limit + len(ours)))
    candidates = [row for row in rows if row.key not in ours][:limit]
    claimed = []
    for row in candidates:
        result = await session.execute(
            update(InboxItem)
            .where(InboxItem.id == row.id, InboxItem.lease_until == row.lease_until)
            .values(lease_until=now + lease, replays=row.replays + 1)
            .execution_options(synchronize_session=False)
        )
        if getattr(result, "rowcount", 0):
            claimed.append(row)
    return claimed


async def pending(session: AsyncSession) -> int:
    """How many interactions wait for their turn (all processes)."""
    return int(await session.scalar(select(func.count()).select_from(InboxItem)) or 0)
