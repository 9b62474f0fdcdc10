"""The team answer: shared when all who answered agree, otherwise decided by a facilitator."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from dialogs.assessment.model import AssessmentView
from scoring.catalogue import Catalogue, Question
from scoring.scores import applicable


class QuestionStatus(NamedTuple):
    """(A tuple, not a frozen dataclass: made for every question on every render of the
    progress, and a frozen dataclass's constructor costs several times a tuple's.)"""

    team: str | None
    source: str | None  # "decision" | "consensus" | None
    disagreement: bool
    answered_by: int


def question_status(view: AssessmentView, qid: str) -> QuestionStatus:
    rows = [a for a in view.answers.get(qid, ()) if a.value]
    decision = view.decisions.get(qid)
    if decision is not None:
        return QuestionStatus(decision.value, "decision", False, len(rows))
    values = {a.value for a in rows}
    if len(values) == 1:
        return QuestionStatus(values.pop(), "consensus", False, len(rows))
    return QuestionStatus(None, None, len(values) > 1, len(rows))


def team_answers(view: AssessmentView, catalogue: Catalogue) -> dict[str, str]:
    """Team answers for the questions that apply (2.3 only when 2.2 includes c)."""
    team: dict[str, str] = {}
    for q in catalogue.questions:  # catalogue order: 2.2 is settled before 2.3 is checked
        status = question_status(view, q.id)
        if status.team is not None and applicable(q, team):
            team[q.id] = status.team
    return team


def applicable_questions(view: AssessmentView, catalogue: Catalogue) -> list[Question]:
    team = team_answers(view, catalogue)
    return [q for q in catalogue.questions if applicable(q, team)]


def member_applies(question: Question, view: AssessmentView, member_external_id: str) -> bool:
    """Whether to ask a member a conditional question: when their own or the team's answer
    to the condition includes the option."""
    if question.condition is None:
        return True
    other, option = question.condition
    mine = next(
        (
            a.value
            for a in view.answers.get(other, ())
            if a.member_external_id == member_external_id
        ),
        None,
    )
    team = question_status(view, other).team
    return any(option in (v or "").split(",") for v in (mine, team))


def disagreements(view: AssessmentView, catalogue: Catalogue) -> list[str]:
    return [
        q.id
        for q in applicable_questions(view, catalogue)
        if question_status(view, q.id).disagreement
    ]


# ---- how far the round is, the same number everywhere ----
def counted_questions(catalogue: Catalogue) -> list[Question]:
    """The questions every team answers (59 of 1.1–11.7): a conditional question (2.3, asked
    only when 2.2 includes c, and not scored) comes on top when it applies and is not counted,
    so the total never jumps while people answer."""
    return [q for q in catalogue.questions if q.condition is None]


@dataclass(frozen=True)
class Tally:
    total: int  # counted questions
    answered: int  # with at least one member's answer
    agreed: int  # two or more answered alike
    decided: int  # the facilitator recorded the team answer
    single: int  # one member's answer: it counts in the score, but it is not agreement
    disagreements: int  # answered differently, not yet decided
    people: int  # members who have answered anything

    @property
    def team(self) -> int:
        """Questions whose answer counts in the score (agreement, decision or 1 answer)."""
        return self.agreed + self.decided + self.single


def is_single(status: QuestionStatus) -> bool:
    """One member answered and nobody decided: "1 svar", never "enighed"."""
    return status.source == "consensus" and status.answered_by == 1


def tally(view: AssessmentView, catalogue: Catalogue) -> Tally:
    statuses = [question_status(view, q.id) for q in counted_questions(catalogue)]
    people = {a.member_external_id for rows in view.answers.values() for a in rows if a.value}
    return Tally(
        total=len(statuses),
        answered=sum(1 for s in statuses if s.answered_by),
        agreed=sum(1 for s in statuses if s.source == "consensus" and s.answered_by > 1),
        decided=sum(1 for s in statuses if s.source == "decision"),
        single=sum(1 for s in statuses if is_single(s)),
        disagreements=sum(1 for s in statuses if s.disagreement),
        people=len(people),
    )


def single_answers(view: AssessmentView, catalogue: Catalogue) -> list[str]:
    """The questions only one member has answered (those that apply), in catalogue order."""
    return [
        q.id
        for q in applicable_questions(view, catalogue)
        if is_single(question_status(view, q.id))
    ]


def unanswered(view: AssessmentView, catalogue: Catalogue) -> list[str]:
    """The questions that apply and that nobody has answered, in catalogue order."""
    return [
        q.id
        for q in applicable_questions(view, catalogue)
        if not question_status(view, q.id).answered_by
    ]


@dataclass(frozen=True)
class Gaps:
    """What the team looks at before closing: the method's judgements not yet made."""

    unanswered: tuple[str, ...]
    single: tuple[str, ...]
    disagreements: tuple[str, ...]
    without_notes: tuple[int, ...]  # elements without a Samlet vurdering
    no_delimitation: bool

    def __bool__(self) -> bool:
        return bool(
            self.unanswered
            or self.single
            or self.disagreements
            or self.without_notes
            or self.no_delimitation
        )


def gaps(view: AssessmentView, catalogue: Catalogue) -> Gaps:
    return Gaps(
        unanswered=tuple(unanswered(view, catalogue)),
        single=tuple(single_answers(view, catalogue)),
        disagreements=tuple(disagreements(view, catalogue)),
        without_notes=tuple(
            e.number
            for e in catalogue.elements
            if not (view.notes.get(e.number, (None, None))[0] or "").strip()
        ),
        no_delimitation=not (view.delimitation or "").strip(),
    )
