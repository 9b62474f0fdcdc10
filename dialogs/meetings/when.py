"""Dates and times as Danish teams write them, in the channel's time zone, and working days.

Pure functions: "now" always comes from the turn.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from dialogs import calendar
from dialogs.i18n import format_date
from dialogs.turn import Turn

_DATE = r"(\d{1,2})[./-](\d{1,2})[./-](\d{2}|\d{4})"
_ISO = r"(\d{4})-(\d{1,2})-(\d{1,2})"
_TIME = r"(?:\s+|\s*,\s*)(?:kl\.?\s*|at\s+)?(\d{1,2})[:.](\d{2})"


def zone(turn: Turn) -> ZoneInfo:
    name = turn.channel_settings.get("timezone")
    return calendar.zone(name if isinstance(name, str) else "")


def _date_from(groups: tuple[str, ...], iso: bool) -> date | None:
    try:
        if iso:
            y, m, d = (int(g) for g in groups)
        else:
            d, m, y = (int(g) for g in groups)
            if y < 100:
                y += 2000
        return date(y, m, d)
    except ValueError:
        return None


def parse_date(text: str) -> date | None:
    """`1.12.2026`, `01/12/2026`, `1-12-26` or `2026-12-01`; None when it is not a date."""
    s = text.strip()
    m = re.fullmatch(_DATE, s)
    if m:
        return _date_from(m.groups(), iso=False)
    m = re.fullmatch(_ISO, s)
    return _date_from(m.groups(), iso=True) if m else None


def parse_datetime(text: str, tz: ZoneInfo) -> datetime | None:
    """`24.11.2026 13:00` (also `kl. 13.00`, ISO dates) as an aware time in `tz`."""
    s = " ".join(text.strip().casefold().split())
    for pattern, iso in ((_DATE, False), (_ISO, True)):
        m = re.fullmatch(pattern + _TIME, s)
        if not m:
            continue
        day = _date_from(m.groups()[:3], iso)
        hh, mm = int(m.group(4)), int(m.group(5))
        if day is None or hh > 23 or mm > 59:
            return None
        return datetime.combine(day, time(hh, mm), tz)
    return None


def local(dt: datetime, tz: ZoneInfo) -> datetime:
    return aware(dt).astimezone(tz)


def aware(dt: datetime) -> datetime:
    """Times read back from SQLite come without a zone; they are stored in UTC."""
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=UTC)


def format_when(dt: datetime, lang: str, tz: ZoneInfo) -> str:
    here = local(dt, tz)
    clock = here.strftime("%H:%M")
    return (
        f"{format_date(here.date(), lang)} kl. {clock}"
        if lang == "da"
        else (f"{format_date(here.date(), lang)} {clock}")
    )


def input_when(dt: datetime, tz: ZoneInfo) -> str:
    """The form value for a time (what a user would type)."""
    return local(dt, tz).strftime("%d.%m.%Y %H:%M")


def add_working_days(start: datetime, days: int) -> datetime:
    """The same wall-clock time `days` working days later (weekends and Danish public holidays
    skipped); wall-clock arithmetic keeps 13:00 at 13:00 across daylight-saving changes."""
    day = calendar.add_working_days(start.date(), days)
    return start.replace(year=day.year, month=day.month, day=day.day)


def step_deadlines(start: datetime, window_days: int, tz: ZoneInfo) -> tuple[datetime, ...]:
    """When each of the four steps closes, in UTC: one window of working days per step."""
    out = []
    current = local(start, tz)
    for _ in range(4):
        current = add_working_days(current, window_days)
        out.append(current.astimezone(UTC))
    return tuple(out)


def today(turn: Turn) -> date:
    return local(turn.now, zone(turn)).date()
