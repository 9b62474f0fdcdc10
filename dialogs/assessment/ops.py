"""The assessment's data operations (applied by `storage.assessment.AssessmentStore`)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


def notes_version(*texts: str | None) -> str:
    """A short fingerprint of notes as a form was opened with them: the form carries it, and
    a save over notes that changed since is refused (SECURITY.md, Decisions)."""
    joined = "\x1f".join(text or "" for text in texts)
    return hashlib.sha256(joined.encode("utf-8", "surrogatepass")).hexdigest()[:16]


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
class OnQuestion:
    """What the operations on one question of a round carry first."""

    assessment_id: int
    question_id: str


@dataclass(frozen=True)
class SetMemberAnswer(OnQuestion):
    value: str | None
    comment: str | None = None
    keep_comment: bool = True  # an answer click must not wipe an earlier comment


@dataclass(frozen=True)
class SetMemberComment(OnQuestion):
    comment: str


@dataclass(frozen=True)
class SetTeamDecision(OnQuestion):
    value: str
    justification: str


@dataclass(frozen=True)
class SetElementNotes:
    assessment_id: int
    element: int
    overall: str | None
    potential: str | None
    started: str | None = None  # notes_version of the notes the form was opened with


@dataclass(frozen=True)
class SetOverallNotes:
    assessment_id: int
    overall: str | None
    potentials: str | None
    started: str | None = None  # notes_version of the notes the form was opened with


@dataclass(frozen=True)
class CloseAssessment:
    assessment_id: int


@dataclass(frozen=True)
class ReopenAssessment:
    """A closed round open again (`genåbn`): answers can change until it closes anew."""

    assessment_id: int
