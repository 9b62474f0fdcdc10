"""Posting pace per channel: Slack allows about one message per second per channel, with short
bursts. A token bucket per channel; the clock and the sleep are injected so tests never wait.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class Timing:
    """Where the adapter gets time from: real in production, fake in tests."""

    monotonic: Callable[[], float] = time.monotonic
    sleep: Sleep = asyncio.sleep


@dataclass
class Pacer:
    timing: Timing = field(default_factory=Timing)
    rate: float = 1.0  # messages per second per channel
    burst: float = 3.0  # messages that may go at once after a quiet spell
    max_channels: int = 1000
    _buckets: dict[str, tuple[float, float]] = field(default_factory=dict)  # tokens, at
    _locks: dict[str, asyncio.Lock] = field(default_factory=dict)

    async def wait(self, channel: str) -> None:
        """Return when one more message may be posted to `channel` (and count it)."""
        lock = self._locks.setdefault(channel, asyncio.Lock())
        async with lock:
            tokens = self._tokens(channel)
            if tokens < 1:
                await self.timing.sleep((1 - tokens) / self.rate)
                tokens = self._tokens(channel)
            self._buckets[channel] = (max(tokens, 1.0) - 1, self.timing.monotonic())
        self._prune()

    def _tokens(self, channel: str) -> float:
        now = self.timing.monotonic()
        tokens, at = self._buckets.get(channel, (self.burst, now))
        return min(self.burst, tokens + (now - at) * self.rate)

    def _prune(self) -> None:
        """Forget channels whose bucket is full again (nothing to remember about them)."""
        if len(self._buckets) <= self.max_channels:
            return
        for channel in list(self._buckets):
            lock = self._locks.get(channel)
            if self._tokens(channel) >= self.burst and (lock is None or not lock.locked()):
                del self._buckets[channel]
                self._locks.pop(channel, None)
