"""The team's calendar: time zone, working days, Danish public holidays and the delivery window.

Pure functions: no clock reads. Every datetime that goes in may be aware in any zone (or naive,
meaning UTC, as SQLite gives them back); every datetime that comes out is aware UTC.

Wall-clock arithmetic happens in the channel's zone, so "08:00 two working days before" stays
08:00 across the daylight-saving changes (last Sunday of March and of October in Denmark).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

DEFAULT_TZ = "Europe/Copenhagen"
DEFAULT_START = time(8, 0)
DEFAULT_END = time(16, 0)
COUNTRY = "DK"


@cache
def zone(name: str) -> ZoneInfo:
    """The zone by IANA name; the default zone for an unknown or empty name."""
    try:
        return ZoneInfo(name) if name else ZoneInfo(DEFAULT_TZ)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TZ)


def is_zone(name: str) -> bool:
    if not name or name.startswith(("/", ".")) or ".." in name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


@dataclass(frozen=True)
class Calendar:
    """A channel's calendar: reminders go out on working days inside [start, end)."""

    timezone: str = DEFAULT_TZ
    start: time = DEFAULT_START
    end: time = DEFAULT_END

    @property
    def tz(self) -> ZoneInfo:
        return zone(self.timezone)


def utc(dt: datetime) -> datetime:
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def local(dt: datetime, cal: Calendar) -> datetime:
    return utc(dt).astimezone(cal.tz)


@cache
def _holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays(COUNTRY, years=year).keys())


def is_holiday(day: date) -> bool:
    return day in _holidays(day.year)


def is_working_day(day: date) -> bool:
    """Monday–Friday and not a Danish public holiday (Easter, Ascension, Whitsun, Christmas…)."""
    return day.weekday() < 5 and not is_holiday(day)


def add_working_days(day: date, n: int) -> date:
    """`n` working days after `day` (before it when `n` is negative); `day` itself for 0."""
    step = 1 if n >= 0 else -1
    left = abs(n)
    while left:
        day += timedelta(days=step)
        if is_working_day(day):
            left -= 1
    return day


def working_days_before(day: date, n: int) -> date:
    return add_working_days(day, -n)


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the month's last day when it is shorter (31 Jan + 1)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for dd in range(day.day, 27, -1):
        try:
            return date(year, month, dd)
        except ValueError:
            continue
    return date(year, month, min(day.day, 28))


def at_local(day: date, clock: time, cal: Calendar) -> datetime:
    """`day` at wall-clock `clock` in the channel's zone, as UTC. A time that does not exist
    (skipped by the spring change) resolves forwards, as a wall clock would show it."""
    naive = datetime.combine(day, clock)
    aware = naive.replace(tzinfo=cal.tz)
    # zoneinfo maps a skipped time with the offset before the change; round-tripping through
    # UTC shows the wall time people would actually see.
    return aware.astimezone(UTC)


def is_allowed(dt: datetime, cal: Calendar) -> bool:
    here = local(dt, cal)
    return is_working_day(here.date()) and cal.start <= here.time() < cal.end


def next_allowed(dt: datetime, cal: Calendar) -> datetime:
    """`dt` when it is inside the delivery window on a working day; otherwise the start of
    the next window (later the same day, or the next working day)."""
    if is_allowed(dt, cal):
        return utc(dt)
    here = local(dt, cal)
    day = here.date()
    if is_working_day(day) and here.time() < cal.start:
        return at_local(day, cal.start, cal)
    return at_local(add_working_days(day, 1), cal.start, cal)


def window_start_on(day: date, cal: Calendar) -> datetime:
    """The window's opening on `day`, or on the next working day when `day` is not one."""
    return next_allowed(at_local(day, cal.start, cal), cal)


def shift_working_days(dt: datetime, n: int, cal: Calendar) -> datetime:
    """The same local wall-clock time `n` working days later (then moved into the window)."""
    here = local(dt, cal)
    day = add_working_days(here.date(), n)
    return next_allowed(at_local(day, here.time().replace(tzinfo=None), cal), cal)


def parse_window(text: str) -> tuple[time, time] | None:
    """`08:00-16:00` (also `8-16`, `8.30–15.30`); None when it is not a sensible window."""
    cleaned = text.strip().replace("–", "-").replace("—", "-").replace(" ", "")
    parts = cleaned.split("-")
    if len(parts) != 2:
        return None
    times = [_parse_time(p) for p in parts]
    first, second = times
    if first is None or second is None or not first < second:
        return None
    return first, second


def _parse_time(text: str) -> time | None:
    text = text.replace(".", ":")
    hh, _, mm = text.partition(":")
    if not hh.isdigit() or (mm and not mm.isdigit()) or len(hh) > 2 or len(mm) > 2:
        return None
    hour, minute = int(hh), int(mm or 0)
    if hour == 24 and minute == 0:
        return time(23, 59)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def format_window(start: time, end: time) -> str:
    return f"{start:%H:%M}-{end:%H:%M}"
