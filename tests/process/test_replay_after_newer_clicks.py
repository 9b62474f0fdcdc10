"""Last received wins across a kill -9 (issue 15.1), with real `lovende serve` processes and
signed clicks through `/slack/events` — SQLite file and PostgreSQL.

40 people click "Ja" on a question. Their clicks are kept in the inbox and acknowledged, but
their turns cannot run: the test holds the database (SQLite: the write lock of the database
file — the inbox is a file of its own; PostgreSQL: a lock on `member_answers`). The process is
killed with SIGKILL while they wait. A new process starts, the same 40 people click "Nej", and
those are applied. Then the kept "Ja" clicks' lease runs out and the new process replays them:
each counts as done (its processed-event key is recorded, its inbox row is gone), and every
answer is still "Nej".

The kept clicks' lease is moved on while the first process is down (the test's stand-in for a
second replica that takes the "Nej" clicks within the ten seconds; a restart takes longer than
that), and moved into the past once the "Nej" clicks are in: the lease runs out.
"""

from __future__ import annotations

import asyncio
import signal
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

import asyncpg
from proc_harness import (
    Replica,
    Serve,
    WatchedSlack,
    db_engine,
    duplicate_answers,
    element,
    poll,
    processed_events,
    start_assessment,
    stored_answers,
)
from sqlalchemy import func, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.inbox import InboxItem, spool_url

PEOPLE = [f"U7{n:03d}" for n in range(40)]
QUESTION = "1.1"
MESSAGE = {"ts": "1700000300.000100", "text": "Spørgsmål", "blocks": []}


@asynccontextmanager
async def turns_held(database_url: str) -> AsyncIterator[None]:
    """Hold the database so that no turn gets through while acknowledgements still do."""
    url = make_url(database_url)
    if url.drivername.startswith("sqlite"):
        assert url.database is not None
        conn = sqlite3.connect(
            url.database, timeout=10, isolation_level=None, check_same_thread=False
        )
        try:
            await asyncio.to_thread(conn.execute, "BEGIN IMMEDIATE")  # the one writer's lock
            yield
            conn.execute("ROLLBACK")
        finally:
            conn.close()
        return
    pg = await asyncpg.connect(database_url.replace("postgresql+asyncpg", "postgresql", 1))
    try:
        async with pg.transaction():
            await pg.execute("LOCK TABLE member_answers IN ACCESS EXCLUSIVE MODE")
            yield
    finally:
        await pg.close()


def inbox_engine(database_url: str) -> AsyncEngine:
    """The test's reader of the inbox (beside the database file on SQLite)."""
    return db_engine(spool_url(database_url) or database_url)


async def kept_keys(inbox: AsyncEngine) -> list[str]:
    async with inbox.connect() as conn:
        return list((await conn.scalars(select(InboxItem.key))).all())


async def set_lease(inbox: AsyncEngine, until: datetime) -> None:
    async with inbox.begin() as conn:
        await conn.execute(update(InboxItem).values(lease_until=until))


async def test_a_replay_after_a_kill_does_not_undo_newer_clicks(
    database_url: str, slack_api: WatchedSlack, serve: Serve
) -> None:
    fake = slack_api

    async def click_all(replica: Replica, value: str) -> None:
        action = f"lp:ans:{aid}:{QUESTION}:{value}"
        gate = asyncio.Semaphore(10)

        async def one(user: str) -> tuple[int, str]:
            async with gate:
                return await replica.click(user, element(action, value), MESSAGE)

        answers = await asyncio.gather(*(one(user) for user in PEOPLE))
        assert answers == [(200, "")] * len(PEOPLE)  # every click acknowledged

    first = await serve("first")
    db, inbox = db_engine(database_url), inbox_engine(database_url)
    try:
        aid = await start_assessment(first, db, fake)

        async def command_done() -> bool:  # the command was kept too, until its turn ended
            return await kept_keys(inbox) == []

        await poll("the command's inbox row gone", command_done, fake, 30, first.log_tail)

        async with turns_held(database_url):
            await click_all(first, "ja")
            keys = await kept_keys(inbox)
            assert len(keys) == len(PEOPLE)  # kept before they were acknowledged
            first.kill()  # the turns are still waiting for the database
            assert await first.close() == -signal.SIGKILL
            await set_lease(inbox, datetime.now(UTC) + timedelta(hours=1))
        assert await stored_answers(db) == {}  # none of the "Ja" turns ran

        second = await serve("second")
        await click_all(second, "nej")
        expected = {("C1", user, QUESTION): "nej" for user in PEOPLE}

        async def all_nej() -> bool:
            return await stored_answers(db) == expected

        await poll('every "Nej"', all_nej, fake, 60, second.log_tail)

        await set_lease(inbox, datetime.now(UTC) - timedelta(seconds=1))  # the lease runs out

        async def replayed() -> bool:
            done = set(await processed_events(db, "inbox:%"))
            return {f"inbox:{key}" for key in keys} <= done and not await kept_keys(inbox)

        await poll("the replay of the kept clicks", replayed, fake, 60, second.log_tail)
        assert await stored_answers(db) == expected  # still every answer "Nej"
        assert await duplicate_answers(db) == []
        async with inbox.connect() as conn:
            assert await conn.scalar(select(func.count()).select_from(InboxItem)) == 0
    finally:
        await db.dispose()
        await inbox.dispose()
