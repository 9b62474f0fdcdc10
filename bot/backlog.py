"""How far the turns of kept interactions are behind (issue 21: a click's visible effect).

A click is kept in the inbox and acknowledged before its turn (bot/inbox.py), and its turn waits
for a lull between requests (bot/priority.py), so under a flood of clicks the acknowledgements
stay fast — but a turn costs several acknowledgements' CPU, and with nothing to slow them the
acknowledged clicks pile up faster than their turns apply them: minutes of backlog, every
person waiting for their answer to show. So an acknowledgement waits while the turns already
kept would take longer than `BUDGET` to apply (at the rate turns have been finishing): the
clicks come no faster than they are applied, and what is acknowledged shows within about that
long. It never waits longer than `HOLD`, well inside Slack's 3 s (an acknowledgement is owed in
any case). Nothing waits while the turns keep up — people pausing between clicks never do.
"""

from __future__ import annotations

import asyncio
import time

from bot.priority import Answering

# The longest the kept turns may take to apply before a new acknowledgement waits for them.
BUDGET = 0.1  # seconds
# The longest an acknowledgement waits for them.
HOLD = 1.0  # seconds
# How much the latest interval between two finished turns weighs in the running estimate.
WEIGHT = 0.2


class Backlog:
    """The kept turns not yet finished, and how fast they have been finishing."""

    def __init__(self, budget: float = BUDGET, hold: float = HOLD) -> None:
        self.budget, self.hold = budget, hold
        self.waiting = 0  # kept turns started (waiting for their slot or running), not done
        self.interval = 0.0  # seconds between finished turns while others waited (estimate)
        self._finished: float | None = None  # when the last one finished (monotonic)
        self._room = asyncio.Event()
        self._room.set()

    def behind(self) -> float:
        """About how long the kept turns would take to apply, from now."""
        return self.waiting * self.interval

    def started(self) -> None:
        self.waiting += 1
        if self.behind() >= self.budget:
            self._room.clear()

    def finished(self) -> None:
        now = time.monotonic()
        if self._finished is not None and self.waiting > 1:  # it drained at this rate
            took = now - self._finished
            self.interval = (
                took if self.interval == 0 else (WEIGHT * took + (1 - WEIGHT) * self.interval)
            )
        self._finished = now
        self.waiting = max(0, self.waiting - 1)
        if self.behind() < self.budget:
            self._room.set()

    async def room(self, answering: Answering) -> None:
        """Return once the kept turns are within the budget (at most `hold` seconds). While
        it waits, this request does not count as being answered: the turns may take their
        lull (as the board's long polls do, bot/http/board.py)."""
        if self.behind() < self.budget:
            return
        left = answering.count > 0  # (the test harness counts no requests)
        if left:
            answering.leave()
        try:
            async with asyncio.timeout(self.hold):
                while self.behind() >= self.budget:
                    self._room.clear()
                    await self._room.wait()
        except TimeoutError:
            pass
        finally:
            if left:
                answering.enter()
