"""The results discussion's data operations (applied by `storage.discussion.DiscussionStore`).

Notes and votes are the acting member's own; every id is checked by the store against the
channel of the request (never trusting a button).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class StartDiscussion:
    assessment_id: int
    mode: str  # "live" | "async"
    window_days: int  # async: working days per step
    vote_limit: int
    step_deadlines: tuple[datetime, ...]  # async: when steps 1–4 close; live: ()


@dataclass(frozen=True)
class SetNotes:
    """The acting member's notes, all three kinds at once (replacing their earlier ones)."""

    discussion_id: int
    strengths: tuple[str, ...]
    potentials: tuple[str, ...]
    surprises: tuple[str, ...]


@dataclass(frozen=True)
class AddNote:
    """One more note by the acting member (a typed line, or a potential from step 3)."""

    discussion_id: int
    kind: str
    text: str
    element: int | None = None


@dataclass(frozen=True)
class AdvanceDiscussion:
    """From `from_step` to `to_step` (FINISHED ends the discussion). A stale `from_step` makes
    the turn retry, so a double click or two replicas never advance the same step twice."""

    discussion_id: int
    from_step: int
    to_step: int


@dataclass(frozen=True)
class CastDiscussionVotes:
    """The acting member's votes among `among` (one multi-select's potentials, or all)."""

    discussion_id: int
    among: tuple[int, ...]
    chosen: tuple[int, ...]


@dataclass(frozen=True)
class MarkPotentialAgreed:
    discussion_id: int
    note_id: int


@dataclass(frozen=True)
class MarkMeetingPlanned:
    """The prioritised potentials became the data basis of a reflection meeting."""

    discussion_id: int


@dataclass(frozen=True)
class CancelDiscussion:
    discussion_id: int


DiscussionOp = (
    StartDiscussion
    | SetNotes
    | AddNote
    | AdvanceDiscussion
    | CastDiscussionVotes
    | MarkPotentialAgreed
    | MarkMeetingPlanned
    | CancelDiscussion
)
