"""The team answer: shared when all who answered agree, otherwise decided by a facilitator."""

from __future__ import annotations

from dataclasses import dataclass

from dialogs.assessment.model import AssessmentView
from scoring.catalogue import Catalogue, Question
from scoring.scores import applicable


@dataclass(frozen=True)
class QuestionStatus:
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
