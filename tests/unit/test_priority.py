"""bot/priority.py: kept interactions' turns take their slot in a lull between requests."""

from __future__ import annotations

import asyncio

from bot.priority import Answering

LONG = 3600.0  # patience that never runs out within a test


async def settle() -> None:
    """Let every task that can run, run (no time passes)."""
    for _ in range(10):
        await asyncio.sleep(0)


async def take(answering: Answering, slots: asyncio.Semaphore, patience: float) -> None:
    async with answering.after_lull(slots, patience):
        pass


async def test_without_requests_the_slot_is_taken_at_once() -> None:
    answering, slots = Answering(), asyncio.Semaphore(1)
    async with answering.after_lull(slots, LONG):
        assert slots.locked()
    assert not slots.locked()


async def test_a_request_in_progress_holds_the_turn_back_until_it_ends() -> None:
    answering, slots = Answering(), asyncio.Semaphore(1)
    answering.enter()
    answering.enter()
    waiting = asyncio.create_task(take(answering, slots, LONG))
    await settle()
    answering.leave()
    await settle()
    assert not waiting.done()  # one request still in progress
    answering.leave()
    await asyncio.wait_for(waiting, LONG)


async def test_after_its_patience_the_turn_goes_anyway() -> None:
    answering, slots = Answering(), asyncio.Semaphore(1)
    answering.enter()
    await asyncio.wait_for(take(answering, slots, 0.0), LONG)
    assert answering.count == 1


async def test_a_waiter_looks_again_once_the_slot_is_free() -> None:
    """Requests that came in while it waited for the turn before it hold it back again."""
    answering, slots = Answering(), asyncio.Semaphore(1)
    await slots.acquire()  # the turn before it
    waiting = asyncio.create_task(take(answering, slots, LONG))
    await settle()  # passed the lull (none in progress), waits for the slot
    answering.enter()
    slots.release()
    await settle()
    assert not waiting.done() and not slots.locked()  # it let the slot go again
    answering.leave()
    await asyncio.wait_for(waiting, LONG)


async def test_more_leaves_than_enters_do_not_go_negative() -> None:
    answering = Answering()
    answering.leave()
    answering.enter()
    assert answering.count == 1
