"""The console's clock, which `/tid` moves on, and the scheduler's work as time passes.

`/tid +3d`, `/tid +2t`, `/tid 10.12.2026 08:00` (or a date alone: 08:00) and `/tid nu`
(English `/time +2h`, `/time now`). A newcomer can see what the team would see over the coming
days: nudges, agreement reminders, an async meeting's steps closing, the invitation to measure
again. Time only moves forward (`/tid nu` goes back to the real time).

Moving on, the clock stops at each moment something is due and the scheduler's work is done
there (`ReminderWorker.run_due`: plan, claim, send), so reminders arrive as they would have
reached people at their time — in order, inside the delivery window, not marked late.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.clock import Clock, SystemClock
from bot.reminders import RunStats
from dialogs.meetings.when import parse_date, parse_datetime

WEEKDAYS = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")
# The words for each unit of `/tid +N<unit>`, Danish and English.
UNIT_WORDS = {
    timedelta(minutes=1): ("m", "min"),
    timedelta(hours=1): ("t", "h", "time", "timer"),
    timedelta(days=1): ("d", "dag", "dage"),
    timedelta(weeks=1): ("u", "w", "uge", "uger"),
}
UNITS = {word: unit for unit, words in UNIT_WORDS.items() for word in words}
_STEP = re.compile(r"(\d{1,5})\s*([a-zæøå]+)")
MAX_AHEAD = timedelta(days=5 * 366)
MAX_STOPS = 500  # moments with something due, per move (a runaway plan cannot hang the console)
DAY_START = time(8, 0)  # a date alone: when the default delivery window opens

USAGE = (
    "Skriv fx `/tid +3d` (dage; også t for timer, m for minutter, u for uger), "
    "`/tid 10.12.2026 08:00` eller `/tid nu` (den rigtige tid)."
)


class ConsoleClock:
    """The real time (or a base clock in tests), moved on by an offset."""

    def __init__(self, base: Clock | None = None) -> None:
        self.base = base or SystemClock()
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return self.base.now() + self.offset

    def move_to(self, when: datetime) -> None:
        self.offset = when - self.base.now()

    def reset(self) -> None:
        self.offset = timedelta(0)


class TimeError(ValueError):
    """A `/tid` the console cannot do; the message is for the person (Danish)."""


def parse_move(text: str, now: datetime, tz: ZoneInfo) -> datetime | None:
    """The moment `/tid <text>` names (aware), None for `nu`/`now` (the real time). Raises
    TimeError with what to write instead."""
    s = " ".join(text.strip().casefold().split())
    if s in ("nu", "now"):
        return None
    if s.startswith("+"):
        return now + _duration(s[1:])
    at = parse_datetime(s, tz)
    if at is None:
        day = parse_date(s)
        at = datetime.combine(day, DAY_START, tz) if day is not None else None
    if at is None:
        raise TimeError(f"Det forstod jeg ikke: “{text.strip()[:40]}”. {USAGE}")
    if at <= now:
        raise TimeError(
            "Uret kan kun gå frem – konsollens tid er "
            f"{shown(now, tz)}. Skriv `/tid nu` for at gå tilbage til den rigtige tid."
        )
    return at.astimezone(UTC)


def _duration(text: str) -> timedelta:
    rest = text.replace(" ", "")
    total = timedelta(0)
    while rest:
        m = _STEP.match(rest)
        unit = UNITS.get(m.group(2)) if m else None
        if m is None or unit is None:
            raise TimeError(f"Det forstod jeg ikke: “+{text.strip()[:40]}”. {USAGE}")
        total += int(m.group(1)) * unit
        rest = rest[m.end() :]
    if total <= timedelta(0):
        raise TimeError(USAGE)
    if total > MAX_AHEAD:
        raise TimeError("Højst fem år frem ad gangen.")
    return total


def shown(when: datetime, tz: ZoneInfo) -> str:
    here = when.astimezone(tz)
    return f"{WEEKDAYS[here.weekday()]} {here:%d.%m.%Y} kl. {here:%H:%M}"


@dataclass
class TimeTravel:
    """Moves the console's clock and does the scheduler's due work on the way."""

    clock: ConsoleClock
    run_due: Callable[[], Awaitable[RunStats]]
    next_due: Callable[[], Awaitable[datetime | None]]
    tz: ZoneInfo

    async def move(self, target: datetime | None, at_stop: Callable[[datetime], None]) -> None:
        """Move to `target` (None: back to the real time), doing what falls due on the way:
        `at_stop(moment)` is called before the work at each moment something is due."""
        if target is None:
            self.clock.reset()
            at_stop(self.clock.now())
            await self.run_due()
            return
        at_stop(self.clock.now())
        await self.run_due()  # plan what the data calls for (and send what is due already)
        for _ in range(MAX_STOPS):
            due = await self.next_due()
            if due is None or due > target or due <= self.clock.now():
                break  # nothing more before the target (or only what cannot be taken now)
            self.clock.move_to(due)
            at_stop(due)
            await self.run_due()
        self.clock.move_to(target)
        at_stop(target)
        await self.run_due()
