"""The self-evaluation's data operations (applied by `storage.selfeval.SelfEvalStore`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StartSelfEval:
    title: str | None


@dataclass(frozen=True)
class SetSelfEvalPacing:
    selfeval_id: int
    pacing: str  # "one" | "all"
    current_dimension: int


@dataclass(frozen=True)
class SetReflection:
    """The acting member's reflection on one question (replaces their earlier one)."""

    selfeval_id: int
    question_id: str
    text: str


@dataclass(frozen=True)
class DimensionRating:
    """A rating of a dimension (1–5), or None to remove it."""

    selfeval_id: int
    dimension: str
    rating: int | None


@dataclass(frozen=True)
class SetTeamRating(DimensionRating):
    """The team's own rating (the facilitator's, after the discussion)."""


@dataclass(frozen=True)
class AddDevelopmentPoint:
    selfeval_id: int
    dimension: str
    text: str


@dataclass(frozen=True)
class RemoveDevelopmentPoint:
    selfeval_id: int
    point_id: int


@dataclass(frozen=True)
class MarkPointAgreed:
    selfeval_id: int
    point_id: int


@dataclass(frozen=True)
class SetRespondentRole:
    """Whether the acting member answers this self-evaluation as a leader or as staff
    (`model.ROLES`); their answers are shown under that role, also the earlier ones."""

    selfeval_id: int
    role: str


@dataclass(frozen=True)
class SetOwnRating(DimensionRating):
    """The acting member's own rating: what lets leaders' and staff's views be set beside
    each other."""


@dataclass(frozen=True)
class CloseSelfEval:
    selfeval_id: int


SelfEvalOp = (
    StartSelfEval
    | SetSelfEvalPacing
    | SetReflection
    | SetTeamRating
    | AddDevelopmentPoint
    | RemoveDevelopmentPoint
    | MarkPointAgreed
    | SetRespondentRole
    | SetOwnRating
    | CloseSelfEval
)
