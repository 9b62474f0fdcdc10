"""The self-evaluation's read model: plain data loaded into `Turn.extra["selfeval"]`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from dialogs.turn import Turn

OWNER = "selfeval"  # the feature's (and its store's) name

# Booklet 1 (4.2) proposes "en fælles proces med ledere og medarbejdere": each respondent says
# once per self-evaluation which of the two they answer as, so both perspectives can be shown.
LEADER, STAFF = "leader", "staff"
ROLES = (LEADER, STAFF)


@dataclass(frozen=True)
class ReflectionView:
    member_external_id: str
    member_name: str
    text: str


@dataclass(frozen=True)
class RatingView:
    rating: int
    rated_by: str | None


@dataclass(frozen=True)
class OwnRatingView:
    """One member's own rating of a dimension (1–5)."""

    member_external_id: str
    member_name: str
    rating: int


@dataclass(frozen=True)
class PointView:
    id: int
    dimension: str
    text: str
    author_external_id: str | None
    author_name: str | None
    agreed: bool = False


@dataclass(frozen=True)
class SelfEvalView:
    id: int
    round_no: int
    title: str | None
    status: str  # "open" | "closed"
    pacing: str | None  # None until chosen; "one" | "all"
    current_dimension: int | None
    started_at: datetime
    closed_at: datetime | None = None
    reflections: dict[str, tuple[ReflectionView, ...]] = field(default_factory=dict)
    ratings: dict[str, RatingView] = field(default_factory=dict)
    points: tuple[PointView, ...] = ()
    previous_ratings: dict[str, int] = field(default_factory=dict)
    roles: dict[str, str] = field(default_factory=dict)  # member external id -> LEADER | STAFF
    own_ratings: dict[str, tuple[OwnRatingView, ...]] = field(default_factory=dict)

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    def posted(self, number: int) -> bool:
        """Whether dimension `number` (1…5) has been put to the team."""
        return self.pacing is not None and number <= (self.current_dimension or 0)

    def points_of(self, dimension: str) -> tuple[PointView, ...]:
        return tuple(p for p in self.points if p.dimension == dimension)

    def point(self, point_id: int) -> PointView | None:
        return next((p for p in self.points if p.id == point_id), None)

    def role_of(self, member_external_id: str) -> str | None:
        return self.roles.get(member_external_id)

    def my_rating(self, dimension: str, member_external_id: str) -> int | None:
        return next(
            (
                r.rating
                for r in self.own_ratings.get(dimension, ())
                if r.member_external_id == member_external_id
            ),
            None,
        )

    def has_answered(self, member_external_id: str) -> bool:
        """Whether the member wrote any reflection or gave any own rating in this round."""
        people = {r.member_external_id for rows in self.reflections.values() for r in rows}
        people |= {r.member_external_id for rows in self.own_ratings.values() for r in rows}
        return member_external_id in people

    def my_reflection(self, qid: str, member_external_id: str) -> str | None:
        return next(
            (
                r.text
                for r in self.reflections.get(qid, ())
                if r.member_external_id == member_external_id
            ),
            None,
        )


def selfeval_of(turn: Turn) -> SelfEvalView | None:
    """The channel's open self-evaluation, else its latest closed one."""
    view = turn.read(OWNER)
    return view if isinstance(view, SelfEvalView) else None
