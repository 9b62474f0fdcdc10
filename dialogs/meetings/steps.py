"""Pure transitions of a meeting: start, advance a step, finish — and the function the
scheduler calls to close async steps when their window ends (`due_step_advances`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from dialogs.effects import Outbound, Outcome, Refresh
from dialogs.meetings.model import (
    ACT,
    EXPLORE,
    FINISHED,
    OWNER,
    MeetingsData,
    MeetingView,
    meetings_of,
)
from dialogs.meetings.ops import AdvanceMeeting, SetThemes, StartMeeting
from dialogs.meetings.when import aware
from dialogs.replies import Refusal
from dialogs.turn import Turn

AUTO_THEMES = 3  # themes taken from the votes when an async Udforsk closes unconfirmed


def outcome(ops: Sequence[object] = (), out: Sequence[Outbound] = ()) -> Outcome:
    """An Outcome carrying this feature's operations (the engine routes each operation to the
    store whose `op_types` include it)."""
    return Outcome(ops=tuple(ops), out=tuple(out))


def refresh(what: str, arg: object = None) -> Refresh:
    return Refresh(what, arg=None if arg is None else str(arg), owner=OWNER)


def review_ids(data: MeetingsData, m: MeetingView) -> tuple[int, ...]:
    """The agreements *Siden sidst* shows: every open one, and every finished one whose status
    changed after it was last reviewed (so a team hears once that something was completed)."""
    last_review: dict[int, datetime] = {}
    for other in data.meetings:
        if other.id == m.id or other.started_at is None or other.status == "cancelled":
            continue
        for aid in other.reviewed:
            seen = last_review.get(aid)
            started = aware(other.started_at)
            last_review[aid] = started if seen is None else max(seen, started)
    out = []
    for a in data.agreements:
        if a.meeting_id == m.id:
            continue
        seen = last_review.get(a.id)
        if a.is_open or seen is None or aware(a.status_changed_at) > seen:
            out.append(a.id)
    return tuple(out)


def auto_themes(m: MeetingView) -> tuple[int, ...]:
    """The most-voted observations (ties in the order they were written)."""
    voted = [(len(o.voters), -i, o.id) for i, o in enumerate(m.observations) if o.voters]
    voted.sort(reverse=True)
    return tuple(oid for _n, _i, oid in voted[:AUTO_THEMES])


def start(data: MeetingsData, m: MeetingView) -> Outcome:
    return outcome(
        [StartMeeting(m.id, review_ids(data, m))],
        # the preparation requests lose their buttons: the preparation is over
        [refresh("root", m.id), refresh("step", m.id), refresh("preps", m.id)],
    )


def advance(m: MeetingView, *, auto: bool) -> Outcome:
    """Close the current step and open the next (or finish after *Forbered handling*).

    `auto` is the async window closing: unconfirmed themes are then taken from the votes;
    in a live meeting the facilitator must choose them first."""
    ops: list[object] = []
    if m.step == EXPLORE and not m.themes:
        if not auto:
            raise Refusal("mt.err.no_themes")
        chosen = auto_themes(m)
        if chosen:
            ops.append(SetThemes(m.id, tuple(o.id for o in m.observations), chosen))
    to = m.step + 1
    ops.append(AdvanceMeeting(m.id, m.step, to))
    out: list[Outbound] = [refresh("root", m.id), refresh("step", m.id)]
    if to == FINISHED:
        out.append(refresh("summary", m.id))
        if m.assessment_id is not None:
            out.append(Refresh("summary", m.assessment_id, owner="assessment"))
    return outcome(ops, out)


def due_step_advances(turn: Turn, now: datetime | None = None) -> Outcome:
    """What is due in this channel's async meeting at `now` (default `turn.now`): its start at
    the planned time, or closing the current step at the end of its window.

    Pure and idempotent: at most one transition per call, computed from the stored state, so
    the scheduler calls it (through `Engine.act`) until it returns an empty Outcome. The stored
    step is re-checked when the operation is applied; a concurrent advance makes the turn retry.
    """
    moment = aware(now or turn.now)
    data = meetings_of(turn)
    m = data.active
    if m is None or m.mode != "async":
        return Outcome()
    if m.status == "planned" and moment >= aware(m.scheduled_at):
        return start(data, m)
    deadline = m.deadline(m.step)
    if m.status == "running" and deadline is not None and moment >= aware(deadline):
        return advance(m, auto=True)
    return Outcome()


def next_due_at(turn: Turn) -> datetime | None:
    """When `due_step_advances` will next have something to do in this channel (for the
    scheduler's wake-up), or None."""
    m = meetings_of(turn).active
    if m is None or m.mode != "async":
        return None
    if m.status == "planned":
        return aware(m.scheduled_at)
    deadline = m.deadline(m.step)
    return aware(deadline) if deadline is not None and m.step <= ACT else None
