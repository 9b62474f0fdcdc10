"""Steps with deadlines, as meetings and discussions keep them: an asynchronous one moves on by
itself at each step's deadline. The deadlines are stored as ISO texts in UTC, one a step (a
JSON list; SQLite keeps no zone)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from dialogs.calendar import utc


def opt_utc(dt: datetime | None) -> datetime | None:
    return utc(dt) if dt is not None else None


def stored_deadlines(deadlines: Iterable[datetime]) -> list[str]:
    return [utc(d).isoformat() for d in deadlines]


def deadlines(stored: Sequence[str] | None) -> tuple[datetime, ...]:
    return tuple(utc(datetime.fromisoformat(d)) for d in (stored or ()))


def due_after(mode: str, stored: Sequence[str] | None, step: int) -> datetime | None:
    """When the scheduler closes `step` (1 is the first) of an asynchronous one, else None."""
    times = deadlines(stored)
    return times[step - 1] if mode == "async" and 1 <= step <= len(times) else None
