"""The scheduler's daily retention job removes closed rounds past LOVENDE_RETENTION_YEARS."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.clock import FakeClock
from bot.reminders import ReminderWorker
from bot.scheduler import RETENTION_ID, ReminderScheduler
from bot.testing import BotHarness
from storage.models import Assessment


async def test_the_daily_job_purges_old_closed_rounds(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOVENDE_RETENTION_YEARS", "1")
    clock = FakeClock()
    bot = await BotHarness.start(sqlite_url, clock)
    try:
        await bot.say("Anna", "start Recovery")
        await bot.say("Anna", "luk")
        await bot.say("Anna", "luk")  # the gaps first, then closing
        scheduler = ReminderScheduler(ReminderWorker(bot.runtime))
        await scheduler.purge()  # too young: kept
        async with bot.runtime.sessions() as s:
            assert await s.scalar(select(func.count()).select_from(Assessment)) == 1
        clock.advance(days=400)
        await scheduler.purge()
        async with bot.runtime.sessions() as s:
            assert await s.scalar(select(func.count()).select_from(Assessment)) == 0
        scheduler.start()
        assert scheduler.scheduler.get_job(RETENTION_ID) is not None
        await scheduler.stop()
    finally:
        await bot.close()
