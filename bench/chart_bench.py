"""Benchmark: radar chart rendering time, and how long the event loop stalls while summaries
(with their charts) and a Word report are produced through the engine.

    .venv/bin/python bench/chart_bench.py [--runs 20] [--summaries 5]

Prints numbers; asserts nothing. The loop stall is measured by a ticker task that wakes every
5 ms and records how late it woke: rendering runs in a worker thread, so the stall should stay
far below the render time (the "on the loop" line shows what it would be otherwise).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.testing import BotHarness  # noqa: E402
from dialogs import actions  # noqa: E402
from scoring.catalogue import load_catalogue  # noqa: E402
from scoring.chart import render_radar  # noqa: E402

TICK = 0.005


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def chart_times(runs: int, folder: Path) -> list[float]:
    labels = [e.name["da"] for e in load_catalogue().elements]
    values: list[float | None] = [0.5, 0.88, 0.75, 0.78, 1.0, None, 0.75, 0.38, 0.86, 0.64, 0.71]
    previous: list[float | None] = [0.4, 0.5, 0.7, 0.8, 0.5, 0.2, 0.5, 0.25, 0.9, 0.4, 0.6]
    partial = [False, True] + [False] * 9
    times = []
    for i in range(runs):
        start = time.perf_counter()
        render_radar(labels, values, previous, partial, "Benchmark – runde 2", folder / f"{i}.png")
        times.append(time.perf_counter() - start)
    return times


async def max_stall(work: Callable[[], Awaitable[object]]) -> tuple[float, float]:
    """(largest lateness of a 5 ms ticker, wall time) while `work` runs."""
    loop = asyncio.get_running_loop()
    worst = 0.0
    stop = asyncio.Event()

    async def ticker() -> None:
        nonlocal worst
        while not stop.is_set():
            expected = loop.time() + TICK
            await asyncio.sleep(TICK)
            worst = max(worst, loop.time() - expected)

    task = asyncio.create_task(ticker())
    await asyncio.sleep(TICK * 2)
    start = time.perf_counter()
    await work()
    elapsed = time.perf_counter() - start
    stop.set()
    await task
    return worst, elapsed


async def engine_stalls(summaries: int, folder: Path) -> None:
    os.environ["LOVENDE_OUTPUT_DIR"] = str(folder / "out")
    bot = await BotHarness.start(f"sqlite+aiosqlite:///{folder / 'bench.db'}")
    try:
        await bot.say("Anna", "start Benchmark-praksis")
        aid = int(actions.decode(bot.button("lp:pace:")).args[0])
        await bot.click("Anna", actions.encode("pace", aid, "all"))
        for person in ("Anna", "Bo", "Carla"):
            for q in load_catalogue().questions:
                if q.type == "scale":
                    await bot.say(person, f"svar {q.id} {'ja' if person != 'Bo' else 'delvist'}")

        async def answers() -> None:
            for i in range(1, 6):
                await bot.say("Anna", f"svar 1.{i} nej")

        async def summary() -> None:
            for _ in range(summaries):
                await bot.say("Bo", "resultat")

        async def report() -> None:
            await bot.say("Bo", "eksport word")

        async def chart_on_loop() -> None:
            chart_times(1, folder)  # what a summary would cost without the worker thread

        for name, work in (
            ("5 answers (no chart)", answers),
            (f"{summaries} summaries with chart", summary),
            ("Word report with chart", report),
            ("one chart rendered on the loop", chart_on_loop),
        ):
            stall, elapsed = await max_stall(work)
            print(f"  {name:34s} wall {elapsed * 1000:7.1f} ms   largest loop stall "
                  f"{stall * 1000:6.1f} ms")  # fmt: skip
    finally:
        await bot.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=20, help="chart renders to time")
    parser.add_argument("--summaries", type=int, default=5, help="summaries through the engine")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lovende-bench-") as tmp:
        folder = Path(tmp)
        chart_times(2, folder)  # warm up fonts and caches
        times = chart_times(args.runs, folder)
        size = (folder / "0.png").stat().st_size
        print(f"Radar chart ({args.runs} runs): mean {statistics.mean(times) * 1000:.1f} ms, "
              f"p95 {p95(times) * 1000:.1f} ms, max {max(times) * 1000:.1f} ms, "
              f"PNG {size / 1024:.0f} KB")  # fmt: skip
        print("Event loop while the engine works (ticker every 5 ms):")
        asyncio.run(engine_stalls(args.summaries, folder))
    return 0


if __name__ == "__main__":
    sys.exit(main())
