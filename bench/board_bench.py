"""Benchmark: Tavlen (the board) — how long a round's overview takes to serve, and how soon open
pages hear of a click.

    .venv/bin/python bench/board_bench.py            # 30 members × every question, 100 pages
    .venv/bin/python bench/board_bench.py --quick    # a smoke run

The shipped test bot (bot/testing.py) over SQLite in a memory-backed folder, with the board's
web app over the same runtime (one process, as `lovende serve` is). --members people join the
channel and their answers to every question are written in bulk (storage rows, as they would
be after a morning of clicking). Then:
- the overview (`/tavle/<token>`) and its live content fragment (`/indhold`) are fetched again
  and again through a loopback HTTP client; the times are server and client together, so an
  upper bound of the server's;
- --pages pages keep the event stream open (`/events`) while one person answers a question
  through the bot; the time from the answer being sent to each page receiving its event.
Targets (issue 20): the overview in < 100 ms of server time; 100 open pages get a click's
update within 1 s. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from statistics import median
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from aiohttp import ClientSession  # noqa: E402
from aiohttp.test_utils import TestServer  # noqa: E402
from benchlib import machine, table  # noqa: E402
from sqlalchemy import select  # noqa: E402

from bot.http.app import create_app  # noqa: E402
from bot.testing import BotHarness, texts  # noqa: E402
from storage.models import ChannelMember, MemberAnswer  # noqa: E402
from storage.seeding import insert_rows  # noqa: E402

LINK = re.compile(r"/tavle/([A-Za-z0-9_-]+)")
VALUES = ("ja", "ja", "delvist", "nej", "ved_ikke")


async def fill(bot: BotHarness, members: int) -> str:
    """A round with `members` people who answered every question; the path of a board link."""
    aid = await bot.start_assessment("Recovery-forløb")
    for m in range(1, members):
        await bot.say(f"Person{m:02d}", "status")  # joins the channel as a member
    rng = random.Random(20)
    now = datetime.now(UTC)
    questions = [q for q in bot.runtime.catalogue.questions if q.id != "2.3"]
    async with bot.runtime.sessions() as session, session.begin():
        people = list(await session.scalars(select(ChannelMember.member_id)))
        rows = [
            {
                "assessment_id": aid,
                "question_id": q.id,
                "member_id": mid,
                "value": "a,c" if q.type != "scale" else rng.choice(VALUES),
                "comment": f"Begrundelse {i}" if i % 7 == 0 else None,
                "updated_at": now,
            }
            for mid in people
            for i, q in enumerate(questions)
        ]
        await insert_rows(session, MemberAnswer, rows)
    found = LINK.search(texts(await bot.say("Anna", "tavle")))
    assert found, "no board link"
    return f"/tavle/{found.group(1)}"


async def fetch_times(session: ClientSession, url: str, times: int) -> list[float]:
    took = []
    for _ in range(times):
        began = time.perf_counter()
        async with session.get(url) as response:
            await response.read()
            assert response.status == 200, response.status
        took.append((time.perf_counter() - began) * 1000)
    return took


async def live(bot: BotHarness, session: ClientSession, url: str, pages: int) -> list[float]:
    """Milliseconds from an answer being sent through the bot to each open page's event."""
    heard: list[float] = []
    opened = asyncio.Event()
    ready = 0
    began = 0.0

    async def page() -> None:
        nonlocal ready
        async with session.get(url + "/events") as stream:
            ready += 1
            if ready == pages:
                opened.set()
            async for raw in stream.content:
                if raw.decode().startswith("event: changed"):
                    heard.append((time.perf_counter() - began) * 1000)
                    return

    tasks = [asyncio.create_task(page()) for _ in range(pages)]
    await opened.wait()
    for _ in range(1000):  # the server side registers each stream after its headers
        if bot.runtime.board.open_pages() >= pages:
            break
        await asyncio.sleep(0.01)
    began = time.perf_counter()
    await bot.say("Person01", "svar 1.1 nej")
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=30)
    return heard


def ms(values: list[float], q: float) -> str:
    ordered = sorted(values)
    return f"{ordered[min(len(ordered) - 1, int(q * len(ordered)))]:.1f}"


async def run(args: argparse.Namespace, folder: str) -> None:
    bot = await BotHarness.start(f"sqlite+aiosqlite:///{folder}/board.db")
    server = TestServer(create_app(bot.runtime, adapters=(), background=False), port=0)
    await server.start_server()
    try:
        path = await fill(bot, args.members)
        base = str(server.make_url(path))
        async with ClientSession() as session:
            await fetch_times(session, base, 3)  # warm: templates compiled, caches filled
            page = await fetch_times(session, base, args.requests)
            part = await fetch_times(session, base + "/indhold", args.requests)
            heard = await live(bot, session, base, args.pages)
    finally:
        await server.close()
        await bot.close()
    print(f"## Tavlen: {args.members} members × 59 questions, SQLite\n")
    print("\n".join(machine()) + "\n")
    print(
        table(
            ["what", "n", "median ms", "p95 ms", "max ms"],
            [
                ["overview page", len(page), f"{median(page):.1f}", ms(page, 0.95), ms(page, 1)],
                ["live content", len(part), f"{median(part):.1f}", ms(part, 0.95), ms(part, 1)],
                [
                    f"{args.pages} open pages: a click's event",
                    len(heard),
                    f"{median(heard):.1f}",
                    ms(heard, 0.95),
                    ms(heard, 1),
                ],
            ],
        )
    )
    print("\nTargets: the overview < 100 ms of server time; every open page within 1 s.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=30)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--quick", action="store_true", help="a smoke run")
    args: Any = parser.parse_args()
    if args.quick:
        args.members, args.requests, args.pages = 4, 3, 5
    os.environ.setdefault("LOVENDE_PUBLIC_URL", "http://127.0.0.1")  # links need an address
    shm = Path("/dev/shm")
    asyncio.run(run(args, tempfile.mkdtemp(dir=shm if shm.is_dir() else None)))


if __name__ == "__main__":
    main()
