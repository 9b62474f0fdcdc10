"""Dot voting, as a meeting (themes among its observations) and a discussion (its potentials)
use it: a member marks some items of one group at a time, and their marks in all groups
together stay within a limit."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable

from dialogs.replies import Refusal


def checked_marks(
    held: Iterable[int],
    among: Collection[int],
    chosen: Collection[int],
    limit: int,
    too_many: str,
    number: Callable[[int], int],
) -> str:
    """`chosen` as the member's marks in the group `among`, checked with the marks they hold
    elsewhere (`held`: all of theirs) against `limit` — a Refusal `too_many` (with `limit` and
    `n`) when there would be more; the chosen items' numbers as shown, in order."""
    elsewhere = [item for item in held if item not in among]
    total = len(elsewhere) + len(chosen)
    if total > limit:
        raise Refusal(too_many, limit=limit, n=total)
    return ", ".join(str(number(item)) for item in sorted(chosen, key=number))
