"""The inbox's write is on every click's way to its acknowledgement (bot/inbox.py): one
statement that commits by itself, without the transaction's own round trips (BEGIN and COMMIT:
trips to aiosqlite's thread on SQLite, to the server on PostgreSQL; issue 21). It stays
durable and atomic: the rows are there for any other connection once `keep` returns, and a
write that fails leaves nothing behind and fails only the clicks waiting for it."""

from __future__ import annotations

import asyncio
from typing import Any

import aiosqlite
import asyncpg  # type: ignore[import-untyped]
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import FakeClock
from bot.inbox import Inbox
from storage.inbox import Entry, InboxItem


def entry(key: str) -> Entry:
    event = {"action": "lp:ans:1:1.1:ja", "values": {}}
    return Entry(key, "teams", "tenant", "19:kanal", "aad-anna", "Kanal", event, f"e-{key}")


async def kept(sessions: async_sessionmaker[AsyncSession]) -> list[str]:
    async with sessions() as session:
        return list(await session.scalars(select(InboxItem.key).order_by(InboxItem.id)))


@pytest.fixture
def round_trips(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What reaches the database beyond statements' own trips: each hand-over to aiosqlite's
    thread on SQLite; each transaction asyncpg starts on PostgreSQL."""
    made: list[str] = []
    thread = aiosqlite.Connection._execute
    start = asyncpg.transaction.Transaction.start

    async def trip(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        made.append("trip")
        return await thread(self, fn, *args, **kwargs)

    async def begin(self: Any) -> None:
        made.append("BEGIN")
        await start(self)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", trip)
    monkeypatch.setattr(asyncpg.transaction.Transaction, "start", begin)
    return made


async def test_a_click_is_kept_in_one_trip_and_no_transaction(
    sessions: async_sessionmaker[AsyncSession], clock: FakeClock, round_trips: list[str]
) -> None:
    inbox = Inbox(sessions, clock)
    await inbox.keep(entry("a"))  # (a first connection is made: its set-up trips aside)
    round_trips.clear()
    await inbox.keep(entry("b"))
    postgres = sessions.kw["bind"].dialect.name == "postgresql"
    assert round_trips == ([] if postgres else ["trip"])
    assert await kept(sessions) == ["a", "b"]  # committed: another connection sees them


async def test_a_failed_write_keeps_nothing_and_fails_only_its_clicks(
    sessions: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    inbox = Inbox(sessions, clock)
    await inbox.keep(entry("a"))
    # Written together: one of them breaks the statement (a key kept already).
    together = await asyncio.gather(
        inbox.keep(entry("b")), inbox.keep(entry("a")), return_exceptions=True
    )
    assert all(isinstance(outcome, Exception) for outcome in together)
    assert await kept(sessions) == ["a"]  # not "b" without "a": the statement was atomic
    await inbox.keep(entry("c"))  # the next write is not disturbed
    await inbox.done("a")
    assert await kept(sessions) == ["c"]
