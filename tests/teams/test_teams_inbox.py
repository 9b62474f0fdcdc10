"""Teams activities are kept before they are answered (issue 15.2), as Slack clicks are: the
activity is written to the engine's inbox, Teams hears 201 at once, and the turn runs after,
its replies going out proactively. A turn that fails after the answer is not lost (Teams
never sends an activity again after a 2xx): the inbox's replay applies it, once.

Driven through /api/messages (CloudAdapter with an empty app id, TEAMS_LOCAL_DEV) with the
fake Bot Connector of bot/teams/testing/.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, make_url, text
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.clock import FakeClock
from bot.runtime import Runtime
from bot.teams.testing import (
    FakeConnector,
    TeamsBot,
    bot_added,
    message,
    running_bot,
    teams_settings,
)
from dialogs.i18n import t

INTRO = "Måling af praksis: Recovery"


async def rows(engine: AsyncEngine | None, table: str) -> int:
    assert engine is not None
    async with engine.connect() as conn:
        return int((await conn.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one())


async def assessments(runtime: Runtime) -> int:
    return await rows(runtime.db, "assessments")


async def kept(runtime: Runtime) -> int:
    return await rows(runtime.inbox_db, "inbox")


def intros(connector: FakeConnector) -> int:
    return sum(INTRO in call.text for call in connector.posts())


@contextmanager
def database_failing(runtime: Runtime, *, reads: bool) -> Iterator[None]:
    """The bot's own connections fail as when the database cannot serve: every statement, or
    (`reads`: reads still work, as on a full disk or a table held locked) every write. The
    inbox has connections of its own, as in production, and keeps working."""

    def refuse(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not reads or not statement.lstrip().upper().startswith(("SELECT", "BEGIN")):
            raise PoolTimeout("no database connection could be had (test)")

    engine = runtime.db.sync_engine
    event.listen(engine, "before_cursor_execute", refuse)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", refuse)


@pytest.mark.parametrize("reads", [False, True], ids=["nothing-works", "reads-work"])
async def test_a_turn_that_fails_after_the_answer_is_replayed_from_the_inbox_once(
    teams_bot: TeamsBot, clock: FakeClock, reads: bool
) -> None:
    runtime, fake = teams_bot.runtime, teams_bot.connector
    await teams_bot.client.post("/api/messages", json=bot_added(fake.url))  # the bot is added
    mark = len(fake.calls)
    with database_failing(runtime, reads=reads):
        # (`say` waits until the turn has run after the answer — and failed)
        assert await teams_bot.user("Anna").say("start Recovery") == 201
    # The person is told the bot goes on by itself: the conversation's reference is the one
    # this process saw a moment ago (bot/teams/store.RECENT), even with nothing readable.
    told = [c.body.get("text") for c in fake.calls[mark:]]
    assert told == [t("da", "teams.retrying")]
    assert await assessments(runtime) == 0
    assert await kept(runtime) == 1  # the activity waits in the inbox…
    assert runtime.engine.inbox.kept == set()  # …for the replay, not for this process's turn

    clock.advance(seconds=11)  # its lease runs out
    assert await runtime.engine.replay(runtime.ports) == 1
    assert await assessments(runtime) == 1
    assert intros(fake) == 1 and await kept(runtime) == 0
    clock.advance(seconds=11)
    assert await runtime.engine.replay(runtime.ports) == 0
    assert intros(fake) == 1  # applied and posted once


async def test_with_the_sqlite_file_locked_an_activity_is_answered_at_once_and_applied_after(
    sqlite_url: str, clock: FakeClock, connector: FakeConnector
) -> None:
    """The issue's case: another connection holds SQLite's write lock. The inbox is a file of
    its own, so the activity is kept and answered while the lock is held; the turn goes on when
    it is released (it used to answer 202 after 10 s, then fail and lose the activity)."""
    async with running_bot(sqlite_url, clock, connector, teams_settings(local_dev=True)) as bot:
        client = bot.client
        await client.post("/api/messages", json=bot_added(connector.url))
        await bot.teams.settle()  # the welcome's turn is done before the lock is taken
        mark = len(connector.calls)
        holder = sqlite3.connect(
            str(make_url(sqlite_url).database),
            isolation_level=None,
            timeout=30,
            check_same_thread=False,
        )
        # Waited for off the event loop: a write of the bot's own in progress needs the loop
        # to reach its COMMIT (a blocking wait here would hold both up until the timeout).
        await asyncio.to_thread(holder.execute, "BEGIN IMMEDIATE")  # someone else's lock
        try:
            activity = message("Anna", "start Recovery", connector.url)
            response = await client.post("/api/messages", json=activity)
            assert response.status == 201  # answered while the database is locked
            assert connector.calls[mark:] == [] and len(bot.runtime.engine.inbox.kept) == 1
        finally:
            holder.rollback()
            holder.close()
        await bot.teams.settle()
        assert await assessments(bot.runtime) == 1 and intros(connector) == 1
        assert await kept(bot.runtime) == 0 and bot.runtime.engine.inbox.kept == set()
