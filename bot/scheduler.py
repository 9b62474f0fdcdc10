"""APScheduler as the clock, the reminders table as the truth.

Two jobs in an in-memory job store (never shared between processes; never the synchronous
SQLAlchemyJobStore):
- a sweep every `sweep_seconds` that plans (reconciles) and sends whatever is due — one also
  runs at start, so reminders that came due while the bot was down go out then;
- a one-off wake-up at the next row's due time, re-armed after every run, for punctuality.
Plus the inbox replay every `REPLAY_SECONDS` (and at start): interactions acknowledged by a
process that died before their turn ran (bot/inbox.py); and daily jobs: retention of closed
rounds (when configured), generated files older than LOVENDE_FILE_RETENTION_DAYS, old
processed-event keys.
All have fixed ids with `replace_existing=True`, `misfire_grace_time=None` (a late run is
still run, never silently dropped) and `coalesce=True`. Losing a job loses nothing: the next
sweep finds the rows.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

from apscheduler.events import EVENT_SCHEDULER_SHUTDOWN  # type: ignore[import-untyped]
from apscheduler.schedulers.asyncio import AsyncIOScheduler  # type: ignore[import-untyped]

from bot.reminders import ReminderWorker
from storage.turns import forget_events

log = logging.getLogger(__name__)
# APScheduler logs every job it adds or runs at INFO (a wake-up per due row): keep it to
# warnings unless someone set its level on purpose.
_aps = logging.getLogger("apscheduler")
if _aps.level == logging.NOTSET:
    _aps.setLevel(logging.WARNING)

SWEEP_ID = "reminders:sweep"
WAKE_ID = "reminders:wake"
RETENTION_ID = "retention:daily"
FILES_ID = "files:daily"
REPLAY_ID = "inbox:replay"
FORGET_ID = "events:forget"
FORGET_AFTER = timedelta(days=7)  # processed-event keys kept this long (see forget_events)
REPLAY_SECONDS = 5.0  # with the inbox lease (10 s): a crashed process's clicks wait ≤ 15 s
SWEEP_SECONDS = 30.0
STOP_GRACE_SECONDS = 10.0


class ReminderScheduler:
    def __init__(self, worker: ReminderWorker, *, sweep_seconds: float = SWEEP_SECONDS) -> None:
        self.worker = worker
        self.sweep_seconds = sweep_seconds
        self.scheduler = AsyncIOScheduler(
            timezone=UTC,
            job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
        )
        self.tasks: set[asyncio.Task[None]] = set()

    @property
    def running(self) -> bool:
        return bool(self.scheduler.running)

    def start(self) -> None:
        """Start on the running event loop; the first sweep runs at once."""
        if self.running:
            return
        self.scheduler.start()
        self.scheduler.add_job(
            self.sweep,
            "interval",
            seconds=self.sweep_seconds,
            id=SWEEP_ID,
            replace_existing=True,
        )
        if self.worker.runtime.settings.retention_years is not None:
            self.scheduler.add_job(
                self.purge, "interval", hours=24, id=RETENTION_ID, replace_existing=True
            )
        self.scheduler.add_job(
            self.replay, "interval", seconds=REPLAY_SECONDS, id=REPLAY_ID, replace_existing=True
        )
        self.scheduler.add_job(
            self.forget, "interval", hours=24, id=FORGET_ID, replace_existing=True
        )
        self.scheduler.add_job(
            self.purge_files, "interval", hours=24, id=FILES_ID, replace_existing=True
        )
        for job in (self.sweep(), self.replay()):
            first = asyncio.get_running_loop().create_task(job)
            self.tasks.add(first)
            first.add_done_callback(self.tasks.discard)

    async def stop(self) -> None:
        """No new runs; a run in progress may finish (briefly), then the scheduler stops."""
        if self.running:
            self.scheduler.pause()
        if self.tasks:
            _done, pending = await asyncio.wait(set(self.tasks), timeout=STOP_GRACE_SECONDS)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        if self.running:
            # AsyncIOScheduler shuts down in a callback on the loop: wait for its event.
            stopped = asyncio.Event()
            self.scheduler.add_listener(lambda _event: stopped.set(), EVENT_SCHEDULER_SHUTDOWN)
            self.scheduler.shutdown(wait=False)
            await stopped.wait()

    async def purge(self) -> None:
        """The retention sweep (LOVENDE_RETENTION_YEARS): closed rounds older than N years."""
        from storage.retention import purge_expired

        runtime = self.worker.runtime
        settings = runtime.settings
        now = runtime.engine.clock.now()
        removed = await purge_expired(
            runtime.sessions, now, settings.retention_years, output_dir=settings.output_dir
        )
        if removed:
            log.info("retention removed %d closed rounds", removed)

    async def purge_files(self) -> None:
        """Daily: generated files stored more than LOVENDE_FILE_RETENTION_DAYS ago (and
        their copies on disk, with those of channels that are gone, if the bot keeps copies);
        without it the table of generated files only grows. Every replica runs it: deleting
        what another replica already deleted is harmless."""
        from storage.retention import purge_old_files

        async with self._guarded("file retention"):
            runtime = self.worker.runtime
            settings = runtime.settings
            await purge_old_files(
                runtime.sessions,
                settings.output_dir,
                runtime.engine.clock.now(),
                settings.file_retention_days,
            )

    async def forget(self) -> None:
        """Daily: drop old processed-event keys (one per click and per platform event)."""
        async with self._guarded("forgetting events"):
            runtime = self.worker.runtime
            before = runtime.engine.clock.now() - FORGET_AFTER
            async with runtime.sessions() as session, session.begin():
                dropped = await forget_events(session, before)
            if dropped:
                log.info("forgot %d processed-event keys", dropped)

    async def replay(self) -> None:
        async with self._guarded("inbox replay"):
            runtime = self.worker.runtime
            applied = await runtime.engine.replay(runtime.ports)
            if applied:
                log.info("inbox: %d interactions replayed", applied)

    async def sweep(self) -> None:
        await self._run(reconcile=True)

    async def wake(self) -> None:
        await self._run(reconcile=False)

    async def _run(self, *, reconcile: bool) -> None:
        async with self._guarded("reminder run"):
            stats = await self.worker.run_due(reconcile=reconcile)
            if stats.claimed:
                log.info(
                    "reminders: %d sent, %d cancelled, %d deferred, %d retried, %d failed",
                    stats.sent,
                    stats.cancelled,
                    stats.deferred,
                    stats.retried,
                    stats.failed,
                )
            self.arm(await self.worker.next_due())

    @contextlib.asynccontextmanager
    async def _guarded(self, what: str) -> AsyncIterator[None]:
        """A job's run: `stop` lets it finish; a failure is logged (its type only — messages
        may quote what someone wrote) and the next run tries again."""
        task = asyncio.current_task()
        if task is not None:
            self.tasks.add(task)
        try:
            yield
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.error("%s failed: %s", what, type(exc).__name__)
        finally:
            if task is not None:
                self.tasks.discard(task)

    def arm(self, when: datetime | None) -> None:
        """Wake up when the next row comes due (if before the next sweep anyway)."""
        if when is None or not self.running:
            return
        now = datetime.now(UTC)
        # The worker's clock may be a test clock: wake-ups are in real time, relative to it.
        delay = (when - self.worker.now()).total_seconds()
        if delay >= self.sweep_seconds:
            return
        run_at = now if delay <= 0 else datetime.fromtimestamp(now.timestamp() + delay, UTC)
        # Armed from inside the run that is ending (a wake-up arms the next one): with one
        # instance allowed, APScheduler would skip the new wake-up as "still running" whenever
        # it is due at once, and the rows would wait for the next sweep (~30 s late). Two runs
        # overlapping are harmless: the claims are atomic.
        self.scheduler.add_job(
            self.wake,
            "date",
            run_date=run_at,
            id=WAKE_ID,
            replace_existing=True,
            max_instances=2,
        )
