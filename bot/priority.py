"""Acknowledgements before turns.

A click is kept in the inbox and acknowledged before its turn runs (bot/inbox.py), so the turn
can wait; the platform's request cannot (Slack gives up after 3 s and shows the person an
error). One process answers requests and runs turns on the same event loop, so under load a
turn's CPU slices delay the acknowledgements behind them. Turns of kept interactions therefore
start one at a time, in a lull — a moment when no request is being answered — or, when there is
none, after `PATIENCE`, so that a steady stream of requests cannot hold the turns back for
long. Turns that answer their own request (commands, form submissions, a click on a shared
Teams card: its invoke carries the person's view) do not wait.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

# The longest a kept interaction's turn waits for a lull. Under a load that never pauses, turns
# go after this long; the acknowledgements wait once the turns fall behind (bot/backlog.py).
# (It was 1 s: under a flood the clicks then showed a second or more after they were made.)
PATIENCE = 0.1  # seconds


class Answering:
    """The requests this process is answering (counted by bot/http/observe.py)."""

    def __init__(self) -> None:
        self.count = 0
        self._none = asyncio.Event()
        self._none.set()
        self._gate = asyncio.Lock()

    def enter(self) -> None:
        self.count += 1
        self._none.clear()

    def leave(self) -> None:
        self.count = max(0, self.count - 1)
        if self.count == 0:
            self._none.set()

    async def lull(self, patience: float | None = None) -> None:
        """Return when no request is being answered, or after `patience` seconds."""
        if self._none.is_set():
            return
        try:
            async with asyncio.timeout(PATIENCE if patience is None else patience):
                await self._none.wait()
        except TimeoutError:
            pass

    @asynccontextmanager
    async def after_lull(
        self, slots: asyncio.Semaphore, patience: float | None = None
    ) -> AsyncIterator[None]:
        """Hold one of `slots` (a turn's transaction), taken in a lull or after `patience`.
        One waiter at a time goes for it, and it looks again once it has the slot (requests
        may have come in while it waited for the turn before it)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + (PATIENCE if patience is None else patience)
        async with self._gate:
            while True:
                await self.lull(max(0.0, deadline - loop.time()))
                await slots.acquire()
                if self._none.is_set() or loop.time() >= deadline:
                    break
                slots.release()
        try:
            yield
        finally:
            slots.release()
