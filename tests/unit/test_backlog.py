"""bot/backlog.py: an acknowledgement waits while the kept turns are too far behind, and a
held request lets the turns have their lull."""

from __future__ import annotations

import asyncio

from bot.backlog import Backlog
from bot.priority import Answering

LONG = 3600.0  # a hold that never runs out within a test


async def settle() -> None:
    """Let every task that can run, run (no time passes)."""
    for _ in range(10):
        await asyncio.sleep(0)


async def test_nothing_waits_while_the_turns_keep_up() -> None:
    backlog, answering = Backlog(budget=0.1, hold=LONG), Answering()
    backlog.cost(0.02)
    for _ in range(4):  # 4 × 20 ms: within the budget
        backlog.started()
    await asyncio.wait_for(backlog.room(answering), LONG)  # at once


async def test_an_acknowledgement_waits_until_the_turns_catch_up() -> None:
    backlog, answering = Backlog(budget=0.1, hold=LONG), Answering()
    backlog.cost(0.02)
    for _ in range(5):  # 5 × 20 ms: the budget
        backlog.started()
    answering.enter()  # the request being acknowledged
    held = asyncio.ensure_future(backlog.room(answering))
    await settle()
    assert not held.done()
    assert answering.count == 0  # held: not counted, so the turns may take their lull
    backlog.finished()
    await settle()
    assert held.done()
    assert answering.count == 1  # being answered again


async def test_the_hold_is_bounded() -> None:
    backlog, answering = Backlog(budget=0.1, hold=0.0), Answering()
    backlog.cost(1.0)
    backlog.started()
    await asyncio.wait_for(backlog.room(answering), LONG)  # a hold of 0 s: goes on at once
    assert backlog.behind() >= backlog.budget  # still behind: acknowledged all the same
