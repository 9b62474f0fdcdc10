"""Data operations of the meetings feature, applied by `storage.meetings.MeetingStore`.

Members are named by their external id; the store checks that each belongs to the channel of
the request and that every meeting or agreement id does too (never trusting a button).

`CreateAgreement` is deliberately generic: other features (the organisational
self-evaluation) emit it to turn a development point into a followed-up agreement.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class PlanMeeting:
    scheduled_at: datetime  # aware
    facilitator_external_id: str
    participant_external_ids: tuple[str, ...]
    mode: str  # "live" | "async"
    step_deadlines: tuple[datetime, ...]  # async: when steps 1–4 close; live: ()
    assessment_id: int | None
    focus_elements: tuple[int, ...] = ()
    theme_limit: int = 2
    window_days: int = 0
    # Observations *Udforsk* starts from, as "mulighed for forbedring" (a results discussion's
    # prioritised development potentials, dialogs/discussion/meeting.py).
    observations: tuple[str, ...] = ()


@dataclass(frozen=True)
class JoinMeeting:
    meeting_id: int  # the acting member becomes a participant


@dataclass(frozen=True)
class SavePreparation:
    """The acting member's three points (replacing earlier ones)."""

    meeting_id: int
    positive: str
    improvement: str
    question: str | None


@dataclass(frozen=True)
class StartMeeting:
    meeting_id: int
    reviewed_agreement_ids: tuple[int, ...]  # shown in *Siden sidst*


@dataclass(frozen=True)
class AdvanceMeeting:
    """Move from `from_step` to `to_step` (5 finishes the meeting). A stale `from_step` makes
    the turn retry, so two replicas never advance the same step twice."""

    meeting_id: int
    from_step: int
    to_step: int


@dataclass(frozen=True)
class CancelMeeting:
    meeting_id: int


@dataclass(frozen=True)
class AddObservation:
    meeting_id: int
    text: str


@dataclass(frozen=True)
class ChoiceAmong:
    """A choice among `among`, the options of one multi-select (or all observations): it
    replaces the earlier choice among them and leaves the others."""

    meeting_id: int
    among: tuple[int, ...]
    chosen: tuple[int, ...]


@dataclass(frozen=True)
class CastVotes(ChoiceAmong):
    """The acting member's theme votes."""


@dataclass(frozen=True)
class SetThemes(ChoiceAmong):
    """The facilitator's selection of themes."""


@dataclass(frozen=True)
class AddInterpretation:
    meeting_id: int
    theme_id: int
    text: str


@dataclass(frozen=True)
class SavePaper:
    meeting_id: int
    short_goal: str | None
    long_goal: str | None
    long_months: int | None
    progress_data: str | None
    next_meeting_at: datetime | None


@dataclass(frozen=True)
class CreateAgreement:
    what: str
    owner_external_id: str
    follow_up_external_id: str
    due: date
    element: int | None
    source: str  # "meeting", "selfevaluation", …
    meeting_id: int | None = None
    # Which data will show the team is on the right track (the agreement paper's question).
    signal: str | None = None


@dataclass(frozen=True)
class SetAgreementStatus:
    agreement_id: int
    status: str  # one of model.STATUSES
    note: str | None = None


MeetingOp = (
    PlanMeeting
    | JoinMeeting
    | SavePreparation
    | StartMeeting
    | AdvanceMeeting
    | CancelMeeting
    | AddObservation
    | CastVotes
    | SetThemes
    | AddInterpretation
    | SavePaper
    | CreateAgreement
    | SetAgreementStatus
)
