"""The assessment's read model: the channel's current round as `AssessmentStore.load` puts it
in `turn.extra["assessment"]`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from dialogs.turn import Turn

OWNER = "assessment"  # the feature's (and its store's) name


@dataclass(frozen=True)
class MemberAnswerView:
    member_external_id: str
    member_name: str
    value: str | None
    comment: str | None


@dataclass(frozen=True)
class DecisionView:
    value: str
    justification: str
    decided_by: str | None


@dataclass(frozen=True)
class AssessmentView:
    id: int
    practice_name: str
    delimitation: str | None
    round_no: int
    status: str  # "open" | "closed"
    pacing: str | None  # None until the team chooses; "all" | "one"
    current_element: int | None
    started_at: datetime
    closed_at: datetime | None = None
    answers: dict[str, tuple[MemberAnswerView, ...]] = field(default_factory=dict)
    decisions: dict[str, DecisionView] = field(default_factory=dict)
    notes: dict[int, tuple[str | None, str | None]] = field(default_factory=dict)
    overall_assessment: str | None = None
    overall_potentials: str | None = None
    previous: AssessmentView | None = None

    @property
    def is_open(self) -> bool:
        return self.status == "open"


def assessment_of(turn: Turn) -> AssessmentView | None:
    """The channel's open round, else its latest closed one (None before the first)."""
    view = turn.read(OWNER)
    return view if isinstance(view, AssessmentView) else None
