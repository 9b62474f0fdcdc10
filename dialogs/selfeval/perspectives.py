"""Leaders' and staff's answers to a dimension, side by side (pure).

Booklet 1 proposes the self-evaluation as "en fælles proces med ledere og medarbejdere". Each
respondent's reflections and own rating are counted under the role they answer as
(`SelfEvalView.roles`, changeable: a corrected role moves their earlier answers too, as the
role describes the person, not the moment). Where the two groups' average own ratings are more
than one step apart on the 1–5 scale, the dimension is marked: that is where talking together
is most worth it.
"""

from __future__ import annotations

from dataclasses import dataclass

from dialogs.selfeval.model import LEADER, STAFF, SelfEvalView
from scoring.org_catalogue import Dimension

# "More than one step" on the 1–5 scale: 4,5 against 3,0 is marked; 4,0 against 3,0 is not.
GAP_STEPS = 1.0


@dataclass(frozen=True)
class Side:
    """One group's answers to one dimension."""

    people: int  # distinct people with a reflection or an own rating
    reflections: int
    ratings: tuple[int, ...]

    @property
    def mean(self) -> float | None:
        return sum(self.ratings) / len(self.ratings) if self.ratings else None

    @property
    def empty(self) -> bool:
        return self.people == 0


@dataclass(frozen=True)
class Perspectives:
    leaders: Side
    staff: Side
    unassigned: Side  # answers of people who have not said which they answer as

    @property
    def gap(self) -> float | None:
        """How far apart the two groups' average own ratings are; None unless both rated."""
        a, b = self.leaders.mean, self.staff.mean
        return None if a is None or b is None else abs(a - b)

    @property
    def differs(self) -> bool:
        gap = self.gap
        return gap is not None and gap > GAP_STEPS


def _side(view: SelfEvalView, dim: Dimension, role: str | None) -> Side:
    def mine(external_id: str) -> bool:
        return view.roles.get(external_id) == role

    reflections = [
        r
        for q in dim.questions
        for r in view.reflections.get(q.id, ())
        if mine(r.member_external_id)
    ]
    ratings = [r for r in view.own_ratings.get(dim.key, ()) if mine(r.member_external_id)]
    people = {r.member_external_id for r in reflections} | {r.member_external_id for r in ratings}
    return Side(len(people), len(reflections), tuple(r.rating for r in ratings))


def perspectives(view: SelfEvalView, dim: Dimension) -> Perspectives:
    return Perspectives(_side(view, dim, LEADER), _side(view, dim, STAFF), _side(view, dim, None))


def uses_roles(view: SelfEvalView) -> bool:
    """Whether anyone has said which they answer as, or given an own rating: only then are the
    two perspectives shown (a team that ignores them keeps the messages as they were)."""
    return bool(view.roles) or any(view.own_ratings.values())
