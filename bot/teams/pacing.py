"""Per-conversation pacing within Teams' limits for one bot in one conversation.

Teams allows 7 messages per second, 8 per 2 s, 60 per 30 s and 1800 per hour (sends and
updates alike) and answers 429 beyond. The pacer keeps a sliding window of this process's
sends per conversation and waits until the next one fits every window; after a 429 the
conversation is held for its Retry-After. It is in-memory per process: several replicas each
pace themselves, and a 429 caused by another replica is retried (see port.py).

Time is injected (`now`, `sleep`) so tests never sleep.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable

WINDOWS: tuple[tuple[int, float], ...] = ((7, 1.0), (8, 2.0), (60, 30.0), (1800, 3600.0))
IDLE_FORGET = 3600.0


class Pacer:
    def __init__(
        self,
        now: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        windows: tuple[tuple[int, float], ...] = WINDOWS,
    ) -> None:
        self.now, self.sleep, self.windows = now, sleep, windows
        self._sent: dict[str, deque[float]] = {}
        self._hold: dict[str, float] = {}
        self.waited = 0.0  # total time spent waiting (for metrics and tests)

    def delay(self, key: str) -> float:
        """Seconds until a send to `key` fits every window (0 when it may go now)."""
        now = self.now()
        wait = max(0.0, self._hold.get(key, 0.0) - now)
        sent = self._sent.get(key)
        if sent:
            horizon = max(span for _n, span in self.windows)
            while sent and sent[0] <= now - horizon:
                sent.popleft()
            for limit, span in self.windows:
                if len(sent) >= limit:
                    # the send `limit` places back must leave the window first
                    wait = max(wait, sent[-limit] + span - now)
        return wait

    async def wait(self, key: str) -> None:
        """Wait for a free slot and take it."""
        while True:
            delay = self.delay(key)
            if delay <= 0:
                break
            self.waited += delay
            await self.sleep(delay)
        self._sent.setdefault(key, deque()).append(self.now())
        self._forget_idle()

    def hold(self, key: str, seconds: float) -> None:
        """Send nothing to `key` for `seconds` (after a 429/412/502/504)."""
        self._hold[key] = max(self._hold.get(key, 0.0), self.now() + seconds)

    def _forget_idle(self) -> None:
        if len(self._sent) < 1000:
            return
        cutoff = self.now() - IDLE_FORGET
        for key in [k for k, d in self._sent.items() if not d or d[-1] < cutoff]:
            del self._sent[key]
            self._hold.pop(key, None)
