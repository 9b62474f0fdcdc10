"""The meetings feature's read model: what `MeetingStore.load` puts in `turn.extra["meetings"]`.

Plain frozen data for one channel: its reflection meetings (with participants, observations,
themes, interpretations and agreement paper) and its agreements with their status history.
Preparation points are in the model from the start; the views keep them hidden from everyone
but their author until the meeting starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from dialogs.turn import Turn

OWNER = "meetings"  # the feature's (and its store's) name

# Meeting steps: 0 = preparation, 1–4 = the dialogue's four steps, 5 = finished.
PREPARATION, SINCE, EXPLORE, INTERPRET, ACT, FINISHED = range(6)
STEPS = (SINCE, EXPLORE, INTERPRET, ACT)

# Agreement statuses (stored values) in the order their buttons are shown.
STATUSES = ("done", "in_progress", "not_started", "dropped")
OPEN_STATUSES = frozenset({"in_progress", "not_started"})

# Preparation points and other observations.
POINT_KINDS = ("positive", "improvement", "question")
OBSERVATION_KINDS = (*POINT_KINDS, "observation")


@dataclass(frozen=True)
class StatusChange:
    status: str
    note: str | None
    by_name: str | None
    at: datetime


@dataclass(frozen=True)
class AgreementView:
    id: int
    number: int  # per channel, what people type (`aftale 3 gennemført`)
    what: str
    owner: str  # member external id
    owner_name: str
    follow_up: str
    follow_up_name: str
    due: date
    status: str
    element: int | None
    source: str  # "meeting", "selfevaluation", …
    meeting_id: int | None
    created_at: datetime
    status_changed_at: datetime
    learned: str | None = None  # the newest note on what was learned
    history: tuple[StatusChange, ...] = ()
    # Which data will show the team is on the right track with it (hæfte 7's agreement paper:
    # "Hvilke data vil være tegn på, at vi er på rette vej?"), per agreement.
    signal: str | None = None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def involves(self, external_id: str) -> bool:
        return external_id in (self.owner, self.follow_up)


@dataclass(frozen=True)
class ParticipantView:
    external_id: str
    name: str
    prepared_at: datetime | None = None


@dataclass(frozen=True)
class ObservationView:
    id: int
    author: str
    author_name: str
    kind: str  # one of OBSERVATION_KINDS
    text: str
    from_preparation: bool
    voters: tuple[str, ...] = ()  # external ids of members who chose it as a theme


@dataclass(frozen=True)
class InterpretationView:
    id: int
    author: str
    author_name: str
    text: str


@dataclass(frozen=True)
class ThemeView:
    id: int
    observation_id: int | None
    title: str
    interpretations: tuple[InterpretationView, ...] = ()


@dataclass(frozen=True)
class PaperView:
    short_goal: str | None = None
    long_goal: str | None = None
    long_months: int | None = None
    progress_data: str | None = None
    next_meeting_at: datetime | None = None


@dataclass(frozen=True)
class MeetingView:
    id: int
    number: int
    status: str  # "planned" | "running" | "done" | "cancelled"
    step: int
    mode: str  # "live" | "async"
    scheduled_at: datetime
    facilitator: str
    facilitator_name: str
    assessment_id: int | None
    focus_elements: tuple[int, ...]
    theme_limit: int
    step_deadlines: tuple[datetime, ...]  # async: when steps 1–4 close; live: ()
    window_days: int = 0  # async: working days per step
    participants: tuple[ParticipantView, ...] = ()
    observations: tuple[ObservationView, ...] = ()
    themes: tuple[ThemeView, ...] = ()
    paper: PaperView = PaperView()
    reviewed: tuple[int, ...] = ()  # agreement ids shown in *Siden sidst*
    started_at: datetime | None = None
    ended_at: datetime | None = None

    @property
    def is_active(self) -> bool:
        return self.status in ("planned", "running")

    def participant(self, external_id: str) -> ParticipantView | None:
        return next((p for p in self.participants if p.external_id == external_id), None)

    def theme(self, tid: int) -> ThemeView | None:
        return next((t for t in self.themes if t.id == tid), None)

    def position(self, oid: int) -> int:
        """The observation's number as shown (1-based, in the order they were written)."""
        return next(i for i, o in enumerate(self.observations, 1) if o.id == oid)

    def deadline(self, step: int) -> datetime | None:
        if 1 <= step <= len(self.step_deadlines):
            return self.step_deadlines[step - 1]
        return None

    def votes_of(self, external_id: str) -> tuple[int, ...]:
        return tuple(o.id for o in self.observations if external_id in o.voters)


@dataclass(frozen=True)
class MeetingsData:
    meetings: tuple[MeetingView, ...] = ()  # oldest first
    agreements: tuple[AgreementView, ...] = ()  # by number

    @property
    def active(self) -> MeetingView | None:
        """The channel's planned or running meeting (at most one)."""
        return next((m for m in reversed(self.meetings) if m.is_active), None)

    @property
    def last_done(self) -> MeetingView | None:
        return next((m for m in reversed(self.meetings) if m.status == "done"), None)

    @property
    def latest(self) -> MeetingView | None:
        return self.meetings[-1] if self.meetings else None

    def meeting(self, mid: int) -> MeetingView | None:
        return next((m for m in self.meetings if m.id == mid), None)

    def by_number(self, number: int) -> MeetingView | None:
        return next((m for m in self.meetings if m.number == number), None)

    def agreement(self, aid: int) -> AgreementView | None:
        return next((a for a in self.agreements if a.id == aid), None)

    def agreement_by_number(self, number: int) -> AgreementView | None:
        return next((a for a in self.agreements if a.number == number), None)

    def of_meeting(self, mid: int) -> tuple[AgreementView, ...]:
        return tuple(a for a in self.agreements if a.meeting_id == mid)


def meetings_of(turn: Turn) -> MeetingsData:
    data = turn.read(OWNER)
    return data if isinstance(data, MeetingsData) else MeetingsData()
