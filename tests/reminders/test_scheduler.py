"""APScheduler as the clock: started and stopped with the web app, a sweep at once and every
30 s, a wake-up armed for the next due row; its jobs live in memory only and a late run is run,
never dropped. No sleeps: the jobs' coroutines are called directly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiohttp.test_utils import TestClient, TestServer
from reminder_helpers import start_round
from sqlalchemy import select

from bot.http.app import create_app
from bot.reminders import ReminderWorker
from bot.scheduler import (
    FILES_ID,
    FORGET_ID,
    REPLAY_ID,
    REPLAY_SECONDS,
    SWEEP_ID,
    WAKE_ID,
    ReminderScheduler,
)
from bot.testing import BotHarness
from storage.models import ProcessedEvent

THURSDAY_10 = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)


async def test_jobs_have_fixed_ids_and_never_drop_a_late_run(bot: BotHarness) -> None:
    scheduler = ReminderScheduler(ReminderWorker(bot.runtime))
    scheduler.start()
    try:
        assert scheduler.running
        scheduler.start()  # a second start is harmless
        jobs = {job.id: job for job in scheduler.scheduler.get_jobs()}
        assert set(jobs) == {SWEEP_ID, REPLAY_ID, FORGET_ID, FILES_ID}
        for job in jobs.values():
            assert job.misfire_grace_time is None and job.coalesce
        assert jobs[SWEEP_ID].trigger.interval == timedelta(seconds=30)
        assert jobs[REPLAY_ID].trigger.interval == timedelta(seconds=REPLAY_SECONDS)
        assert len(scheduler.tasks) == 2  # the first sweep and inbox replay run at once
    finally:
        await scheduler.stop()
    assert not scheduler.running


async def test_a_sweep_sends_what_is_due_and_arms_a_wake_up_for_the_next(
    bot: BotHarness,
) -> None:
    await start_round(bot)
    await bot.say("Bo", "status")
    scheduler = ReminderScheduler(ReminderWorker(bot.runtime))
    scheduler.start()
    try:
        await scheduler.sweep()  # plans; the first round is three days away: no wake-up yet
        assert scheduler.scheduler.get_job(WAKE_ID) is None
        bot.clock.set(THURSDAY_10 - timedelta(seconds=10))
        await scheduler.sweep()
        wake = scheduler.scheduler.get_job(WAKE_ID)
        assert wake is not None  # ten seconds before the next row: a precise wake-up
        assert wake.next_run_time - datetime.now(UTC) < timedelta(seconds=11)
        bot.clock.set(THURSDAY_10)
        mark = len(bot.channel.records)
        await scheduler.wake()
        assert len(bot.channel.records) - mark == 2  # the nudges to Anna and Bo
    finally:
        await scheduler.stop()


async def test_a_failing_run_is_logged_and_the_next_sweep_tries_again(bot: BotHarness) -> None:
    scheduler = ReminderScheduler(ReminderWorker(bot.runtime))
    await bot.runtime.db.dispose()

    async def broken(*, reconcile: bool = True) -> None:
        raise RuntimeError("database down")

    scheduler.worker.run_due = broken  # type: ignore[assignment, method-assign]
    await scheduler.sweep()  # does not raise: the scheduler keeps running


async def test_the_web_app_starts_and_stops_the_scheduler(bot: BotHarness) -> None:
    app = create_app(bot.runtime, adapters=())
    client = TestClient(TestServer(app))
    await client.start_server()
    try:
        background = bot.runtime.background
        assert background is not None and background.running
        assert (await client.get("/healthz")).status == 200
    finally:
        await client.close()
    assert bot.runtime.background is None


async def test_old_processed_event_keys_are_forgotten_daily(bot: BotHarness) -> None:
    await bot.say("Anna", "hjælp", event_id="Ev1")
    bot.clock.advance(days=8)
    await bot.say("Anna", "hjælp", event_id="Ev2")
    await ReminderScheduler(ReminderWorker(bot.runtime)).forget()
    async with bot.runtime.sessions() as session:
        keys = set(await session.scalars(select(ProcessedEvent.event_key)))
    assert keys == {"console:ws:Ev2"}
