"""Benchmark: what one answer click's turn costs, next to a bare write transaction.

    .venv/bin/python bench/turn_cost.py            # 10 members, every question, SQLite
    .venv/bin/python bench/turn_cost.py --quick    # a smoke run
    .venv/bin/python bench/turn_cost.py --profile  # and the hot spots (cProfile, cumulative)

The shipped test bot (bot/testing.py: the whole engine over a real database, the console
channel as the platform, a fake clock) with --members members in one channel, a round with
every element posted; each member answers every question by clicking, as in Slack or Teams
(`lp:ans:…`), so the round fills up as a team's does. Right after each turn, in the same
process, the floor: a bare aiosqlite write transaction as ours are (WAL, synchronous=NORMAL;
BEGIN IMMEDIATE, an upsert of one answer row, a read of it, COMMIT) on a database of its own.
Both databases live in a memory-backed folder (/dev/shm when there is one), so the ratio is
CPU to CPU. Prints the medians, the ratio and the statements per click (counted on the bot's
engine); asserts nothing. Besides the wall clock, the CPU time the process used (its database
thread's included): on a machine others are loading, the wall clock of a turn that waits for
its database thread several times counts their load too, the CPU time hardly.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import pstats
import sys
import tempfile
import time
from pathlib import Path
from statistics import median
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

import aiosqlite  # noqa: E402
from benchlib import machine, table  # noqa: E402
from sqlalchemy import event  # noqa: E402

from bot.clock import FakeClock  # noqa: E402
from bot.testing import BotHarness  # noqa: E402
from dialogs import actions  # noqa: E402
from scoring.catalogue import load_catalogue  # noqa: E402

FLOOR_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    member INTEGER, question TEXT, value TEXT, updated REAL, PRIMARY KEY (member, question)
)"""
UPSERT = """
INSERT INTO answers (member, question, value, updated) VALUES (?, ?, ?, ?)
ON CONFLICT (member, question) DO UPDATE SET value = excluded.value, updated = excluded.updated
"""


def memory_folder() -> Path:
    shm = Path("/dev/shm")
    return Path(tempfile.mkdtemp(dir=shm if shm.is_dir() else None, prefix="lovende-turn-"))


class Floor:
    """The bare write transaction the turn is compared with."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.conn: aiosqlite.Connection | None = None

    async def open(self) -> None:
        self.conn = await aiosqlite.connect(self.path, isolation_level=None)
        await self.conn.execute("PRAGMA journal_mode=WAL")
        await self.conn.execute("PRAGMA synchronous=NORMAL")
        await self.conn.execute(FLOOR_SCHEMA)

    async def once(self, member: int, question: str) -> tuple[float, float]:
        """Wall-clock and CPU seconds (the process's, the database thread's included)."""
        assert self.conn is not None
        cpu = time.process_time()
        started = time.perf_counter()
        await self.conn.execute("BEGIN IMMEDIATE")
        await self.conn.execute(UPSERT, (member, question, "ja", time.time()))
        async with self.conn.execute(
            "SELECT value FROM answers WHERE member = ? AND question = ?", (member, question)
        ) as cursor:
            await cursor.fetchone()
        await self.conn.execute("COMMIT")
        return time.perf_counter() - started, time.process_time() - cpu

    async def close(self) -> None:
        if self.conn is not None:
            await self.conn.close()


async def measure(members: int, questions: int, profile: bool) -> dict[str, Any]:
    folder = memory_folder()
    bot = await BotHarness.start(f"sqlite+aiosqlite:///{folder / 'bot.db'}", FakeClock())
    floor = Floor(folder / "floor.db")
    await floor.open()
    statements = 0

    def count(*_args: Any) -> None:
        nonlocal statements
        statements += 1

    event.listen(bot.runtime.db.sync_engine, "before_cursor_execute", count)
    people = [f"Person{m:02d}" for m in range(members)]
    try:
        for person in people:  # every member is known before the first answer
            await bot.say(person, "status")
        await bot.say(people[0], "start Recovery-forløb")
        aid = int(actions.decode(bot.button("lp:pace:")).args[0])
        await bot.click(people[0], actions.encode("pace", aid, "all"))
        scale = [q for q in load_catalogue().questions if q.type == "scale"][:questions]
        turns: list[float] = []
        floors: list[float] = []
        turn_cpu: list[float] = []
        floor_cpu: list[float] = []
        counts: list[int] = []
        profiler = cProfile.Profile() if profile else None
        for q in scale:
            for m, person in enumerate(people):
                value = ("ja", "delvist", "nej")[(m + len(q.id)) % 3]
                before = statements
                if profiler:
                    profiler.enable()
                cpu = time.process_time()
                started = time.perf_counter()
                await bot.click(person, actions.encode("ans", aid, q.id, value))
                turns.append(time.perf_counter() - started)
                turn_cpu.append(time.process_time() - cpu)
                if profiler:
                    profiler.disable()
                counts.append(statements - before)
                wall, used = await floor.once(m, q.id)
                floors.append(wall)
                floor_cpu.append(used)
        hot = ""
        if profiler:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
            hot = out.getvalue()
        return {
            "turns": turns,
            "floors": floors,
            "turn_cpu": turn_cpu,
            "floor_cpu": floor_cpu,
            "counts": counts,
            "profile": hot,
        }
    finally:
        await floor.close()
        await bot.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--members", type=int, default=10)
    parser.add_argument("--questions", type=int, default=60, help="at most the scale questions")
    parser.add_argument("--quick", action="store_true", help="3 members, 5 questions")
    parser.add_argument("--profile", action="store_true", help="print the hot spots")
    args = parser.parse_args()
    members, questions = (3, 5) if args.quick else (args.members, args.questions)
    result = asyncio.run(measure(members, questions, args.profile))
    turn, floor = median(result["turns"]), median(result["floors"])
    turn_cpu, floor_cpu = median(result["turn_cpu"]), median(result["floor_cpu"])
    print("# Turn cost: one answer click through the engine, next to a bare write\n")
    for line in machine():
        print(f"- {line}")
    print()
    print(
        table(
            [
                "clicks",
                "measure",
                "turn median",
                "floor median",
                "turn ÷ floor",
                "statements per click",
            ],
            [
                [
                    len(result["turns"]),
                    "wall clock",
                    f"{turn * 1000:.2f} ms",
                    f"{floor * 1000:.3f} ms",
                    f"{turn / floor:.1f}×",
                    f"{median(result['counts']):.0f} (max {max(result['counts'])})",
                ],
                [
                    len(result["turns"]),
                    "CPU (process)",
                    f"{turn_cpu * 1000:.2f} ms",
                    f"{floor_cpu * 1000:.3f} ms",
                    f"{turn_cpu / floor_cpu:.1f}×",
                    "",
                ],
            ],
        )
    )
    if result["profile"]:
        print("\n```\n" + result["profile"] + "```")
    return 0


if __name__ == "__main__":
    sys.exit(main())
