"""The inbox: a click kept before it is acknowledged is applied exactly once — by its own
turn, or by a replay after the process died — and concurrent clicks share one write."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from sqlalchemy import event, func, select

from bot.clock import FakeClock
from bot.inbox import LEASE, MAX_REPLAYS
from bot.testing import BotHarness
from dialogs.events import Interaction
from storage.inbox import InboxItem
from storage.models import MemberAnswer


async def started(database_url: str, clock: FakeClock) -> BotHarness:
    bot = await BotHarness.start(database_url, clock)
    await bot.start_assessment("Recovery", pace="one")
    return bot


async def answers(bot: BotHarness) -> dict[str, str | None]:
    async with bot.runtime.sessions() as s:
        rows = await s.scalars(select(MemberAnswer).order_by(MemberAnswer.id))
        return {r.question_id: r.value for r in rows}


async def waiting(bot: BotHarness) -> int:
    async with bot.runtime.engine.inbox.sessions() as s:
        return int(await s.scalar(select(func.count()).select_from(InboxItem)) or 0)


async def test_a_kept_click_is_applied_by_its_turn_once(
    database_url: str, clock: FakeClock
) -> None:
    bot = await started(database_url, clock)
    try:
        kept = await bot.keep("Anna", "lp:ans:1:1.1:ja")
        assert await waiting(bot) == 1 and await answers(bot) == {}
        # the adapter's turn, right after the acknowledgement
        engine = bot.runtime.engine
        assert await engine.handle(kept, bot.channel) is True
        assert await answers(bot) == {"1.1": "ja"} and await waiting(bot) == 0
        # the same click again (a replay racing the original) changes nothing
        assert await engine.handle(kept, bot.channel) is False
        clock.advance(seconds=LEASE.total_seconds() + 1)
        assert await bot.replay() == []
    finally:
        await bot.close()


async def test_clicks_of_a_killed_process_are_replayed_after_a_restart(
    database_url: str, clock: FakeClock
) -> None:
    bot = await started(database_url, clock)
    try:
        await bot.keep("Anna", "lp:ans:1:1.1:ja")
        await bot.keep("Bo", "lp:ans:1:1.1:nej")
        await bot.keep("Anna", "lp:ans:1:1.2:delvist")
        await bot.restart()  # acknowledged, then the process died
        assert await bot.replay() == []  # the lease has not run out: maybe still in progress
        clock.advance(seconds=LEASE.total_seconds() + 1)
        sent = await bot.replay()
        assert await waiting(bot) == 0
        async with bot.runtime.sessions() as s:
            stored = {(r.question_id, r.value) for r in await s.scalars(select(MemberAnswer))}
        assert stored == {("1.1", "ja"), ("1.1", "nej"), ("1.2", "delvist")}
        assert sent, "the replayed turns update the channel's messages as usual"
    finally:
        await bot.close()


async def test_a_click_whose_turn_waits_in_this_process_is_not_replayed(
    database_url: str, clock: FakeClock
) -> None:
    """A live process's click outlives its lease while its turn waits for a lull
    (bot/priority.py): the replay job leaves it to that turn."""
    bot = await started(database_url, clock)
    try:
        engine = bot.runtime.engine
        kept = await engine.accept(bot.inbound("Anna", Interaction("lp:ans:1:1.1:ja", {})))
        clock.advance(seconds=LEASE.total_seconds() + 1)
        assert await bot.replay() == [] and await waiting(bot) == 1
        assert await engine.handle(replace(kept, answered=True), bot.channel) is True
        assert await answers(bot) == {"1.1": "ja"} and await waiting(bot) == 0
    finally:
        await bot.close()


async def test_concurrent_clicks_share_one_write(database_url: str, clock: FakeClock) -> None:
    bot = await started(database_url, clock)
    begins = []
    sync_engine = (bot.runtime.inbox_db or bot.runtime.db).sync_engine
    listener = lambda *_a: begins.append(1)  # noqa: E731
    event.listen(sync_engine, "begin", listener)
    try:
        users = [f"U{i}" for i in range(50)]
        kept = await asyncio.gather(*(bot.keep(u, "lp:ans:1:1.1:ja") for u in users))
        assert len({k.inbox_key for k in kept}) == 50 and await waiting(bot) == 50
        assert len(begins) <= 3, f"{len(begins)} transactions for 50 clicks"
    finally:
        event.remove(sync_engine, "begin", listener)
        await bot.close()


async def test_a_click_whose_turn_keeps_failing_is_given_up(
    database_url: str, clock: FakeClock
) -> None:
    bot = await started(database_url, clock)
    try:
        await bot.keep("Anna", "lp:ans:1:1.1:ja")
        del bot.runtime.ports["console"]  # no way to run it: it stays and is claimed again
        for _ in range(MAX_REPLAYS + 1):
            clock.advance(seconds=LEASE.total_seconds() + 1)
            await bot.runtime.engine.replay(bot.runtime.ports)
            assert await waiting(bot) == 1
        clock.advance(seconds=LEASE.total_seconds() + 1)
        await bot.runtime.engine.replay(bot.runtime.ports)
        assert await waiting(bot) == 0
    finally:
        await bot.close()
