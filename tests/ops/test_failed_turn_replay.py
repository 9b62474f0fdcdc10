"""A kept interaction whose turn failed is retried by the process that kept it (issue 15.3).

A click is kept in the inbox (the acknowledgement's point: Slack has its 200 from here on), then
the database goes away before its turn runs, so the turn fails. When the database is back and
the click's lease has run out, the replay job of the same process — no restart — applies it,
exactly once. PostgreSQL is cut with the TCP proxy of tests/ops; SQLite by moving the database
file's folder away (as tests/ops/test_db_outage.py does).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from ops_helpers import SqliteVolume
from pg_proxy import TcpProxy
from sqlalchemy import func, select

from bot.clock import FakeClock
from bot.inbox import LEASE
from bot.testing import BotHarness
from dialogs import actions
from dialogs.events import Interaction
from storage.db import is_unavailable
from storage.inbox import InboxItem
from storage.models import MemberAnswer, ProcessedEvent

Cut = Callable[[], Awaitable[None]]


async def kept_click_survives_a_failed_turn(bot: BotHarness, cut: Cut, restore: Cut) -> None:
    aid = await bot.start_assessment("Recovery")
    engine = bot.runtime.engine
    click = Interaction(actions.encode("ans", aid, "1.1", "ja"), {})
    kept = await engine.accept(bot.inbound("Bo", click))  # acknowledged from here on

    await cut()
    with pytest.raises(Exception) as failed:
        await engine.handle(kept, bot.channel)
    assert is_unavailable(failed.value)
    await restore()

    assert await engine.replay(bot.runtime.ports) == 0  # its lease has not run out yet
    bot.clock.advance(seconds=LEASE.total_seconds() + 1)
    assert await engine.replay(bot.runtime.ports) == 1  # the same process, no restart
    bot.clock.advance(seconds=LEASE.total_seconds() + 1)
    assert await engine.replay(bot.runtime.ports) == 0  # once
    async with bot.runtime.sessions() as s:
        stored = [(r.question_id, r.value) for r in await s.scalars(select(MemberAnswer))]
        done = await s.scalar(
            select(func.count())
            .select_from(ProcessedEvent)
            .where(ProcessedEvent.event_key == f"inbox:{kept.inbox_key}")
        )
    assert stored == [("1.1", "ja")] and done == 1
    async with engine.inbox.sessions() as s:
        assert await s.scalar(select(func.count()).select_from(InboxItem)) == 0


@pytest.mark.postgres
async def test_postgres_outage_during_a_kept_clicks_turn(
    proxy: tuple[TcpProxy, str], clock: FakeClock
) -> None:
    tcp, url = proxy
    bot = await BotHarness.start(url, clock)
    try:
        await kept_click_survives_a_failed_turn(bot, tcp.cut, tcp.restore)
    finally:
        await bot.close()


@pytest.mark.usefixtures("sqlite_threads_finish")
async def test_sqlite_out_of_reach_during_a_kept_clicks_turn(
    tmp_path: Path, clock: FakeClock
) -> None:
    volume = SqliteVolume.under(tmp_path)
    bot = await BotHarness.start(volume.url, clock)
    try:
        await kept_click_survives_a_failed_turn(
            bot, lambda: volume.lose(bot.runtime), volume.restore
        )
    finally:
        await bot.close()
