"""How far the turns of kept interactions are behind (issue 21: a click's visible effect).

A click is kept in the inbox and acknowledged before its turn (bot/inbox.py), and its turn waits
for a lull between requests (bot/priority.py), so under a flood of clicks the acknowledgements
stay fast — but a turn costs several acknowledgements' CPU, and with nothing to slow them the
acknowledged clicks pile up faster than their turns apply them: minutes of backlog, every
person waiting for their answer to show. So an acknowledgement waits while the turns already
kept would take longer than `BUDGET` to apply (at what turns have been costing): the
clicks come no faster than they are applied, and what is acknowledged shows within about that
long. It never waits longer than `HOLD`, well inside Slack's 3 s (an acknowledgement is owed in
any case). Nothing waits while the turns keep up — people pausing between clicks never do.
"""

from __future__ import annotations

import asyncio

from bot.priority import Answering

# The longest the kept turns may take to apply before a new acknowledgement waits for them.
BUDGET = 0.1  # seconds
# The longest an acknowledgement waits for them.
HOLD = 1.0  # seconds
# How much the latest turn's cost weighs in the running estimate.
WEIGHT = 0.2


class Backlog:
    """The kept turns not yet finished, and what one has been costing."""

    def __init__(self, budget: float = BUDGET, hold: float = HOLD, slots: int = 1) -> None:
        self.budget, self.hold = budget, hold
        self.slots = max(1, slots)  # turns that run at once (Engine.turn_slots)
        self.waiting = 0  # kept turns started (waiting for their slot or running), not done
        # Seconds a kept turn has been holding its slot (running estimate). Not its sends: they
        # overlap the next turns, and mostly wait for the platform. Not its wait for a lull:
        # that is the acknowledgements' doing, and counting it would hold them back the more,
        # the more they are held.
        self.turn = 0.0
        self._room = asyncio.Event()
        self._room.set()

    def behind(self) -> float:
        """About how long the kept turns would take to apply, from now."""
        return self.waiting * self.turn / self.slots

    def started(self) -> None:
        self.waiting += 1
        if self.behind() >= self.budget:
            self._room.clear()

    def cost(self, seconds: float) -> None:
        """What a kept turn took in its slot."""
        self.turn = seconds if self.turn == 0 else WEIGHT * seconds + (1 - WEIGHT) * self.turn

    def finished(self) -> None:
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
