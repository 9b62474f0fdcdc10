"""Read models the dialogs work on: plain data loaded by the engine for one turn."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


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


@dataclass(frozen=True)
class MemberView:
    external_id: str
    name: str
    role: str


@dataclass(frozen=True)
class Turn:
    """Everything a step may look at: no database, no clock of its own."""

    now: datetime
    lang: str
    actor: MemberView
    members: tuple[MemberView, ...]
    assessment: AssessmentView | None  # the open round, else the latest closed one
    state_kind: str | None = None
    state_data: dict[str, object] = field(default_factory=dict)
    extra: dict[str, object] = field(default_factory=dict)  # per-feature data (Store.load)
    channel_settings: dict[str, object] = field(default_factory=dict)

    @property
    def is_facilitator(self) -> bool:
        return self.actor.role == "facilitator"

    @property
    def has_facilitator(self) -> bool:
        return any(m.role == "facilitator" for m in self.members)

    def member_by_name(self, name: str) -> MemberView | None:
        wanted = name.strip().lstrip("@").casefold()
        for m in self.members:
            if wanted in (m.name.casefold(), m.external_id.casefold()):
                return m
        return None
