"""Waiting for a call to Microsoft with a deadline of our own: the deadline is an awaitable
(tests replace it to time out deterministically), and when it comes first the call is
cancelled and `TimeoutError` raised (the request may still have reached Microsoft: the caller
decides whether sending again is safe, see failures.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def within(work: Awaitable[T], deadline: Callable[[], Awaitable[None]]) -> T:
    task = asyncio.ensure_future(work)
    timer = asyncio.ensure_future(deadline())
    try:
        await asyncio.wait({task, timer}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        timer.cancel()
        if not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
    if task.cancelled():
        raise TimeoutError("no answer within the deadline")
    return task.result()
