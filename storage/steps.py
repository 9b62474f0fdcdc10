"""What meetings and results discussions keep alike: steps with deadlines (an asynchronous one
moves on by itself at each step's deadline; the deadlines are stored as ISO texts in UTC, one a
step, a JSON list: SQLite keeps no zone), and the members' votes among their options."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete

from dialogs.calendar import utc
from storage.feature import Applying


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


async def recast_votes(
    w: Applying,
    model: type[Any],
    option: str,
    among: Iterable[int],
    chosen: Iterable[int],
    **parent: int,
) -> None:
    """This turn's member's votes among the options `among` become `chosen` (checked by the
    caller to be among them, and the options to be the parent's): `model`'s rows, the option in
    its column `option`, in a meeting or a discussion (`parent`, e.g. `meeting_id=m.id`)."""
    me = w.ctx.member.id
    await w.session.execute(
        delete(model)
        .filter_by(member_id=me, **parent)
        .where(getattr(model, option).in_(sorted(set(among))))
    )
    for option_id in dict.fromkeys(chosen):
        w.session.add(model(**{option: option_id}, member_id=me, created_at=w.now, **parent))
