"""Pure transitions of a results discussion — advancing a step (or finishing) — and what the
scheduler does when an asynchronous step's window ends (`due_advances`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from dialogs.discussion.model import FINISHED, LOWEST, OWNER, VOTE, DiscussionView, discussion_of
from dialogs.discussion.ops import AdvanceDiscussion
from dialogs.effects import Outbound, Outcome, Refresh
from dialogs.meetings.when import aware
from dialogs.replies import Refusal
from dialogs.turn import Turn


def refresh(what: str, did: int, arg: object = None) -> Refresh:
    return Refresh(what, did, None if arg is None else str(arg), owner=OWNER)


def outcome(ops: Sequence[object] = (), out: Sequence[Outbound] = ()) -> Outcome:
    return Outcome(ops=tuple(ops), out=tuple(out))


def advance(d: DiscussionView, *, auto: bool) -> Outcome:
    """Close the current step and open the next; after *Prioritering*, finish with the result.

    `auto` is an asynchronous window closing: it goes on whatever the state. A facilitator
    moving on by hand is stopped where the next step would have nothing to work with."""
    if not auto and d.step == LOWEST and not d.potentials:
        raise Refusal("dc.err.no_potentials")
    to = d.step + 1 if d.step < VOTE else FINISHED
    return outcome([AdvanceDiscussion(d.id, d.step, to)], [refresh("advanced", d.id, d.step)])


def due_advances(turn: Turn, now: datetime | None = None) -> Outcome:
    """What is due in the channel's asynchronous discussion at `now` (default `turn.now`):
    closing the current step at the end of its window. Pure and idempotent — at most one
    transition per call, from the stored state; the store re-checks the step when applying."""
    d = discussion_of(turn)
    if d is None or not d.is_running or d.mode != "async":
        return Outcome()
    deadline = d.deadline(d.step)
    if deadline is not None and aware(now or turn.now) >= aware(deadline):
        return advance(d, auto=True)
    return Outcome()
