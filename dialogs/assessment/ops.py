"""The assessment's data operations (applied by `storage.assessment.AssessmentStore`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StartAssessment:
    practice_name: str


@dataclass(frozen=True)
class SetDelimitation:
    assessment_id: int
    text: str


@dataclass(frozen=True)
class SetPacing:
    assessment_id: int
    pacing: str  # "all" | "one"
    current_element: int | None


@dataclass(frozen=True)
class SetMemberAnswer:
    assessment_id: int
    question_id: str
    value: str | None
    comment: str | None = None
    keep_comment: bool = True  # an answer click must not wipe an earlier comment


@dataclass(frozen=True)
class SetMemberComment:
    assessment_id: int
    question_id: str
    comment: str


@dataclass(frozen=True)
class SetTeamDecision:
    assessment_id: int
    question_id: str
    value: str
    justification: str


@dataclass(frozen=True)
class SetElementNotes:
    assessment_id: int
    element: int
    overall: str | None
    potential: str | None


@dataclass(frozen=True)
class SetOverallNotes:
    assessment_id: int
    overall: str | None
    potentials: str | None


@dataclass(frozen=True)
class CloseAssessment:
    assessment_id: int
