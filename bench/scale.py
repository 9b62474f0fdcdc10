"""Benchmark: start-up time and idle memory of the app over a database with many channels,
each with an open assessment. Prints figures, asserts nothing.

    .venv/bin/python bench/scale.py                    # 1,000 channels on SQLite; PostgreSQL
                                                       # too when TEST_POSTGRES_URL is set
    .venv/bin/python bench/scale.py --channels 5000 --postgres postgresql+asyncpg://u@h/postgres
    .venv/bin/python bench/scale.py --quick            # 50 channels

The data is written with bulk INSERTs through the storage models (SQLAlchemy Core on
storage.models' tables, not through the engine: that would take minutes), shaped as the
assessment feature leaves it: a Slack workspace; per channel --people members, an open
assessment paced "all elements" started within the last 12 hours, --answers member answers and
the 71 posted-message references (intro-less: progress, 11 element roots, 59 questions).

Each start runs in a fresh process, as `lovende serve` would: import the app, build the
runtime (migrations checked), create the web app with Slack and Teams mounted, start it (the
reminder scheduler starts and its first sweep plans and claims from the reminders table), then
sit idle for --idle seconds and read VmRSS. Three starts per database: empty; with the 1,000
channels, first start (the sweep plans the nudges of every open assessment); and a restart.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

T0 = time.perf_counter()
HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from benchlib import (  # noqa: E402
    PgDatabase,
    describe,
    machine,
    peak_rss_mb,
    postgres_url,
    rss_mb,
    sqlite_url,
    table,
)


# ---- one start (run in a fresh process: --start URL) ----
async def start_once(url: str, idle: float) -> dict[str, Any]:
    marks: dict[str, float] = {"python": T0}
    from aiohttp import web
    from serverlib import slack_settings, teams_settings

    from bot.http.app import create_app
    from bot.runtime import build_runtime
    from bot.settings import load_settings
    from bot.slack.mount import mount as mount_slack
    from bot.teams.mount import mount as mount_teams

    marks["imports"] = time.perf_counter()
    runtime = await build_runtime(load_settings(database_url=url))
    marks["runtime"] = time.perf_counter()
    app = create_app(runtime, adapters=())
    never_called = "http://127.0.0.1:9/api/"  # the Web API, while idle
    mount_slack(app, runtime, slack_settings("xoxb-1-scale", "scale-secret", never_called))
    mount_teams(app, runtime, teams_settings("http://127.0.0.1:3978"))
    marks["app"] = time.perf_counter()
    runner = web.AppRunner(app)
    await runner.setup()  # on_startup: Slack's HTTP session, the reminder scheduler
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    marks["listening"] = time.perf_counter()
    if runtime.background is not None:
        await asyncio.gather(*runtime.background.tasks)  # the first sweep
    marks["swept"] = time.perf_counter()
    rss_started = rss_mb()
    await asyncio.sleep(idle)
    result = {
        "imports": marks["imports"] - T0,
        "runtime": marks["runtime"] - marks["imports"],
        "app": marks["app"] - marks["runtime"],
        "listening": marks["listening"] - marks["app"],
        "sweep": marks["swept"] - marks["listening"],
        "total": marks["swept"] - T0,
        "rss_started": rss_started,
        "rss_idle": rss_mb(),
        "rss_peak": peak_rss_mb(),
        "reminders": await count_reminders(runtime),
    }
    await runner.cleanup()
    await runtime.close()
    return result


async def count_reminders(runtime: Any) -> int:
    from sqlalchemy import func, select

    from storage.reminder_models import Reminder

    async with runtime.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(Reminder)) or 0)


# ---- the data ----
async def seed(url: str, channels: int, people: int, answers: int) -> dict[str, int]:
    """Bulk INSERTs through the storage models; returns row counts by table."""
    from sqlalchemy import insert

    from bot.runtime import build_runtime
    from bot.settings import load_settings
    from dialogs.assessment.render import element_key, progress_key, question_key
    from storage.models import MemberAnswer, PostedMessage
    from storage.seeding import seed_members, seed_open_rounds, seed_workspace

    runtime = await build_runtime(load_settings(database_url=url))  # migrates the empty db
    catalogue = runtime.catalogue
    questions = [q for q in catalogue.questions if q.type == "scale"]
    all_questions = [q.id for q in catalogue.questions if q.id != "2.3"]  # 2.3 waits for 2.2
    rng = random.Random(11)
    now = datetime.now(UTC)
    counts = dict.fromkeys(("channels", "members", "assessments", "answers", "posted"), 0)
    batch = 100  # channels per transaction
    try:
        async with runtime.sessions() as session, session.begin():
            ws = await seed_workspace(session, "slack", "T1", now)
        for first in range(0, channels, batch):
            numbers = range(first, min(channels, first + batch))
            async with runtime.sessions() as session, session.begin():
                names = [f"C{c:06d}" for c in numbers]
                people_ids = [f"U{ext[1:]}{p:02d}" for ext in names for p in range(people)]
                members = await seed_members(session, ws, people_ids, now)
                by_channel = {
                    ext: [m for m in members if m[1].startswith("U" + ext[1:])] for ext in names
                }
                seeded = await seed_open_rounds(
                    session,
                    ws,
                    names,
                    by_channel.__getitem__,
                    now,
                    started=lambda _ext: now - timedelta(hours=rng.random() * 12),
                )
                chans = [(r.channel_id, r.channel_external_id) for r in seeded]
                aids = [(r.assessment_id, r.channel_id) for r in seeded]
                ext_of = dict(chans)
                rows = []
                for aid, cid in aids:
                    pairs = {
                        (m, q.id)
                        for m, q in (
                            (rng.choice(by_channel[ext_of[cid]])[0], rng.choice(questions))
                            for _ in range(answers)
                        )
                    }
                    rows += [
                        {
                            "assessment_id": aid,
                            "question_id": q,
                            "member_id": m,
                            "value": rng.choice(("ja", "delvist", "nej", "ved_ikke")),
                            "comment": None,
                            "updated_at": now,
                        }
                        for m, q in pairs
                    ]
                if rows:
                    await session.execute(insert(MemberAnswer), rows)
                posted = []
                for aid, cid in aids:
                    ext = ext_of[cid]
                    keys = [progress_key(aid)] + [
                        element_key(aid, e.number) for e in catalogue.elements
                    ]
                    keys += [question_key(aid, q) for q in all_questions]
                    posted += [
                        {
                            "channel_id": cid,
                            "key": key,
                            "ref": f"{ext}:17{aid:08d}.{i:06d}",
                            "created_at": now,
                        }
                        for i, key in enumerate(keys)
                    ]
                await session.execute(insert(PostedMessage), posted)
            counts["channels"] += len(chans)
            counts["members"] += len(members)
            counts["assessments"] += len(aids)
            counts["answers"] += len(rows)
            counts["posted"] += len(posted)
    finally:
        await runtime.close()
    return counts


# ---- the benchmark ----
def start_in_child(url: str, idle: float) -> dict[str, Any]:
    began = time.perf_counter()
    out = subprocess.run(
        [sys.executable, str(HERE / "scale.py"), "--start", url, "--idle", str(idle)],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    result["process"] = time.perf_counter() - began - idle  # from exec to swept, and the exit
    return result


async def measure(url: str, args: argparse.Namespace) -> list[list[object]]:
    rows: list[list[object]] = []

    def row(label: str, r: dict[str, Any]) -> list[object]:
        return [
            describe(url),
            label,
            f"{r['imports']:.2f}",
            f"{r['runtime']:.2f}",
            f"{r['app']:.2f}",
            f"{r['listening']:.2f}",
            f"{r['sweep']:.2f}",
            f"{r['total']:.2f}",
            f"{r['rss_idle']:.0f}",
            f"{r['rss_peak']:.0f}",
            f"{r['reminders']:,}",
        ]

    if not args.no_empty:  # the empty database (migrated by this start)
        rows.append(row("empty", await asyncio.to_thread(start_in_child, url, args.idle)))
    began = time.perf_counter()
    counts = await seed(url, args.channels, args.people, args.answers)
    took = time.perf_counter() - began
    print(
        f"  {describe(url)}: seeded {counts['channels']:,} channels, "
        f"{counts['members']:,} members, {counts['assessments']:,} open assessments, "
        f"{counts['answers']:,} answers, {counts['posted']:,} message references "
        f"in {took:.1f} s",
        file=sys.stderr,
    )
    for n in range(args.starts):
        label = f"{args.channels:,} channels, {'first start' if n == 0 else 'restart'}"
        rows.append(row(label, await asyncio.to_thread(start_in_child, url, args.idle)))
    return rows


async def run(args: argparse.Namespace, folder: Path) -> None:
    rows = await measure(sqlite_url(folder, "scale.db"), args)
    pg = postgres_url(args.postgres)
    if pg:
        db = PgDatabase(pg)
        try:
            rows += await measure(await db.create(), args)
        finally:
            await db.drop()
    print("### Scale: start-up and idle memory\n")
    print(
        "Data written with bulk INSERTs through storage.models' tables (not through the engine). "
        f"Each channel: {args.people} members, an open assessment, about {args.answers} "
        f"answers, 71 message references. Times in seconds, memory in MB (VmRSS after "
        f"{args.idle:g} s idle; peak VmHWM).\n"
    )
    print(
        table(
            (
                "database",
                "data",
                "imports",
                "runtime",
                "app",
                "listening",
                "first sweep",
                "total",
                "RSS idle",
                "RSS peak",
                "reminders",
            ),
            rows,
        )
    )
    print(
        "\nimports: Python modules of the app; runtime: build_runtime (engine, migrations "
        "checked); app: create_app with Slack and Teams mounted; listening: aiohttp startup "
        "(reminder scheduler started); first sweep: the scheduler's first run (plans the "
        "reminders of every open assessment, claims what is due)."
    )
    if not pg:
        print("PostgreSQL: not measured (set TEST_POSTGRES_URL or pass --postgres).")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--channels", type=int, default=1000)
    parser.add_argument("--people", type=int, default=10, help="members per channel")
    parser.add_argument("--answers", type=int, default=20, help="answers per assessment")
    parser.add_argument("--idle", type=float, default=3.0, help="seconds idle before reading RSS")
    parser.add_argument("--postgres", help="PostgreSQL server URL (else TEST_POSTGRES_URL)")
    parser.add_argument(
        "--starts",
        type=int,
        default=2,
        help="starts over the seeded database (default 2: first, restart)",
    )
    parser.add_argument("--no-empty", action="store_true", help="skip the empty-database start")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 50 channels")
    parser.add_argument("--start", help=argparse.SUPPRESS)  # one start, in this process
    args = parser.parse_args()
    if args.start:
        print(json.dumps(asyncio.run(start_once(args.start, args.idle))))
        return 0
    if args.quick:
        args.channels, args.idle = 50, 0.5
    print("Machine: " + "; ".join(machine()), file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="lovende-bench-") as tmp:
        asyncio.run(run(args, Path(tmp)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
