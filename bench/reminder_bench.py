"""Reminder benchmark (prints numbers, asserts nothing).

    .venv/bin/python bench/reminder_bench.py                      # SQLite in a temp dir
    .venv/bin/python bench/reminder_bench.py --db postgresql+asyncpg://u@host/db  # an EMPTY db

1. start: a bot over a database with 100,000 pending reminders — build the runtime, start the
   scheduler, finish its first sweep (plan, claim what is due, arm the next wake-up);
2. claim-and-send: `--burst` rows made due at once, sent through a recording port;
3. lateness: `--timed` rows due over the next `--spread` seconds, delivered by the running
   APScheduler wake-ups on the real clock; lateness = sent_at − due_at, p50 and p99;
4. memory: resident set size now and at peak.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select, update

from bot.ports import Conversation
from bot.reminders import ReminderWorker
from bot.runtime import Runtime, build_runtime
from bot.settings import load_settings
from dialogs.messages import Form, Message, Target
from storage.reminder_models import Reminder
from storage.seeding import insert_rows, nudge_row, seed_members, seed_open_rounds, seed_workspace


class RecordingPort:
    def __init__(self) -> None:
        self.posts = 0

    async def post(
        self, conv: Conversation, target: Target, message: Message, thread_ref: str | None
    ) -> str:
        self.posts += 1
        return f"ref-{self.posts}"

    async def update(self, conv: Conversation, ref: str, message: Message) -> None:
        return None

    async def open_form(self, conv: Conversation, form: Form) -> None:
        return None

    async def reject_form(self, conv: Conversation, form: Form) -> None:
        return None


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def seed(runtime: Runtime, pending: int, channels: int, members: int) -> None:
    """`pending` nudges spread over the coming year, in channels with an open round each."""
    now = datetime.now(UTC)
    rounds = -(-pending // (channels * members))
    async with runtime.sessions() as session, session.begin():
        ws = await seed_workspace(session, "bench", "W", now)
        people = await seed_members(session, ws, [f"U{m}" for m in range(members)], now)
    made = 0
    rng = random.Random(7)
    for c in range(channels):
        async with runtime.sessions() as session, session.begin():
            (seeded,) = await seed_open_rounds(session, ws, [f"C{c}"], lambda _c: people, now)
            rows = []
            for r in range(rounds):
                for _mid, ext in people:
                    if made >= pending:
                        break
                    made += 1
                    due = now + timedelta(days=1 + rng.random() * 364)
                    rows.append(nudge_row(seeded, ext, r + 1, due, now))
            await insert_rows(session, Reminder, rows)


async def make_due(runtime: Runtime, count: int, when: list[datetime], offset: int) -> None:
    async with runtime.sessions() as session, session.begin():
        ids = list(
            await session.scalars(
                select(Reminder.id)
                .where(Reminder.status == "pending")
                .order_by(Reminder.id)
                .offset(offset)
                .limit(count)
            )
        )
        for rid, due in zip(ids, when, strict=False):
            await session.execute(update(Reminder).where(Reminder.id == rid).values(due_at=due))


async def main(args: argparse.Namespace) -> None:
    url = args.db or f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/bench.db"
    print(f"database: {url.split('@')[-1]}")
    setup = await build_runtime(load_settings(database_url=url))
    t = time.perf_counter()
    await seed(setup, args.pending, args.channels, args.members)
    print(f"seeded {args.pending:,} pending reminders in {time.perf_counter() - t:.1f} s")
    await setup.close()

    # 1. start
    t = time.perf_counter()
    runtime = await build_runtime(load_settings(database_url=url))
    port = RecordingPort()
    runtime.ports["bench"] = port
    await runtime.start_background()
    assert runtime.background is not None
    await asyncio.gather(*runtime.background.tasks)  # the first sweep
    print(
        f"start with {args.pending:,} pending: {time.perf_counter() - t:.2f} s "
        f"(runtime, scheduler, first sweep)"
    )

    # 2. claim and send (the scheduler paused, so one worker does all of it)
    await runtime.stop_background()
    now = datetime.now(UTC)
    await make_due(runtime, args.burst, [now - timedelta(seconds=1)] * args.burst, 0)
    worker = ReminderWorker(runtime, batch=args.batch)
    t = time.perf_counter()
    stats = await worker.run_due()
    took = time.perf_counter() - t
    print(
        f"claim-and-send: {stats.sent:,} reminders in {took:.2f} s = "
        f"{stats.sent / took:,.0f}/s (batch {args.batch})"
    )
    await runtime.start_background()
    assert runtime.background is not None
    await asyncio.gather(*runtime.background.tasks)

    # 3. lateness with the real scheduler and clock
    start = datetime.now(UTC) + timedelta(seconds=1)
    times = sorted(
        start + timedelta(seconds=random.random() * args.spread) for _ in range(args.timed)
    )
    await make_due(runtime, args.timed, times, args.burst)
    runtime.background.arm(times[0])
    deadline = time.monotonic() + args.spread + 60
    while time.monotonic() < deadline:
        async with runtime.sessions() as session:
            sent = await session.scalar(
                select(func.count()).where(Reminder.status == "sent", Reminder.due_at >= start)
            )
        if sent >= args.timed:
            break
        await asyncio.sleep(0.2)
    async with runtime.sessions() as session:
        rows = (
            await session.execute(
                select(Reminder.due_at, Reminder.sent_at).where(
                    Reminder.status == "sent", Reminder.due_at >= start
                )
            )
        ).all()
    late = sorted(
        (s.replace(tzinfo=UTC) - d.replace(tzinfo=UTC)).total_seconds() * 1000
        for d, s in rows
        if s is not None  # (a sent reminder has its time)
    )
    if late:
        p99 = late[min(len(late) - 1, int(len(late) * 0.99))]
        print(
            f"lateness over {len(late):,} timed reminders: p50 {statistics.median(late):.0f} ms,"
            f" p99 {p99:.0f} ms, max {late[-1]:.0f} ms"
        )
    print(f"memory: RSS {rss_mb():.0f} MB now, {peak_mb():.0f} MB peak")
    await runtime.close()


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", help="database URL (an empty database); default a temp SQLite file")
    p.add_argument("--pending", type=int, default=100_000)
    p.add_argument("--channels", type=int, default=200)
    p.add_argument("--members", type=int, default=50)
    p.add_argument("--burst", type=int, default=5_000)
    p.add_argument("--batch", type=int, default=100)
    p.add_argument("--timed", type=int, default=1_000)
    p.add_argument("--spread", type=float, default=10.0)
    arguments = p.parse_args()
    if arguments.db:
        asyncio.run(main(arguments))
    else:  # a temp SQLite file, removed afterwards
        with tempfile.TemporaryDirectory(prefix="lovende-bench-") as folder:
            arguments.db = f"sqlite+aiosqlite:///{folder}/bench.db"
            asyncio.run(main(arguments))
