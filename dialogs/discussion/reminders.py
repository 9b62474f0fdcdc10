"""The results discussion's reminder kind: an asynchronous discussion's timed step changes.

The store keeps when the current step closes (`discussions.due_at`); the planner
(storage/discussion.py) makes one row for it, and when the row is due its builder asks the
discussion what is due then (`due_advances`) — nothing, if the facilitator moved on already.
"""

from __future__ import annotations

from datetime import datetime

from dialogs.calendar import utc
from dialogs.discussion.model import discussion_of
from dialogs.discussion.steps import due_advances
from dialogs.effects import Outcome
from dialogs.reminders.queue import Planned, ReminderKinds, ReminderView
from dialogs.turn import Turn

DISCUSSION_STEP = "discussion_step"
DISCUSSION = "discussion"  # the rows' subject type


def plan_step(discussion_id: int, due_at: datetime) -> Planned:
    key = f"discussion:{discussion_id}:step:{utc(due_at).isoformat()}"
    return Planned(
        DISCUSSION_STEP,
        key,
        utc(due_at),
        DISCUSSION,
        discussion_id,
        payload={"discussion": discussion_id},
    )


def step_due(turn: Turn, row: ReminderView, memo: dict[str, object]) -> Outcome:
    d = discussion_of(turn)
    if d is None or d.id != row.subject_id:
        return Outcome()  # cancelled, or a newer discussion: nothing to close
    return due_advances(turn)


# A transition, not a message to people: it runs at its exact time (the team was told when
# the step closes), not held back to the delivery window.
KINDS = ReminderKinds({DISCUSSION_STEP: step_due}, unwindowed=frozenset({DISCUSSION_STEP}))
