"""Acknowledgements before turns.

A click is kept in the inbox and acknowledged before its turn runs (bot/inbox.py), so the turn
can wait; the platform's request cannot (Slack gives up after 3 s and shows the person an
error). One process answers requests and runs turns on the same event loop, so under load a
turn's CPU slices delay the acknowledgements behind them. Turns of kept interactions therefore
start one at a time, in a lull — a moment when no request is being answered — or, when there is
none, after `PATIENCE`, so that a steady stream of requests cannot hold the turns back for
long. Turns that answer their own request (commands, form submissions, Teams) do not wait.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

# The longest a kept interaction's turn waits for a lull. Under a load that never pauses, turns
# run about this often; the rest wait in the inbox.
PATIENCE = 1.0


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

    async def lull(self, patience: float = PATIENCE) -> None:
        """Return when no request is being answered, or after `patience` seconds."""
        if self._none.is_set():
            return
        try:
            async with asyncio.timeout(patience):
                await self._none.wait()
        except TimeoutError:
            pass

    @asynccontextmanager
    async def after_lull(
        self, slots: asyncio.Semaphore, patience: float = PATIENCE
    ) -> AsyncIterator[None]:
        """Hold one of `slots` (a turn's transaction), taken in a lull: one waiter at a time
        waits for it, so the turns that waited do not all start in the same lull."""
        async with self._gate:
            await self.lull(patience)
            await slots.acquire()
        try:
            yield
        finally:
            slots.release()
