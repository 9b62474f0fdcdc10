"""Element scores from team answers, computed with a scoring table.

A score is a guide, not a verdict: the method asks "how are we promising, how can we become
more promising". The summary text says so wherever a number is shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from scoring.catalogue import Catalogue, Question
from scoring.table import ScoringTable


@dataclass(frozen=True)
class Flag:
    question: str
    flag: str  # e.g. "expert_review", "knowledge_gap"


@dataclass(frozen=True)
class ElementScore:
    number: int
    score: float | None  # None when no scored question has a counted answer
    points: float
    counted: int  # answered and inside the denominator
    answered: int
    total: int  # scored questions in the element
    flags: tuple[Flag, ...]

    @property
    def partial(self) -> bool:
        return self.answered < self.total


def selected(value: str) -> list[str]:
    """A multi-select answer is stored as its keys joined with commas ("a,c")."""
    return [v for v in value.split(",") if v]


def applicable(question: Question, team: dict[str, str]) -> bool:
    """A conditional question (2.3) applies only when its condition's option is chosen."""
    if question.condition is None:
        return True
    other, option = question.condition
    return option in selected(team.get(other, ""))


def question_points(table: ScoringTable, qid: str, value: str) -> tuple[float | None, list[str]]:
    """Points (None = outside the denominator) and flags for one team answer."""
    row = table.row(qid)
    if row.rule == "highest_option":
        keys = selected(value)
        pts = [row.points[k] for k in keys if row.points.get(k) is not None]
        flags = [row.flags[k] for k in keys if k in row.flags]
        return (max(pts) if pts else 0.0), flags  # type: ignore[type-var]
    flags = [row.flags[value]] if value in row.flags else []
    return row.points.get(value), flags


def element_score(
    catalogue: Catalogue, table: ScoringTable, number: int, team: dict[str, str]
) -> ElementScore:
    points, counted, answered, total = 0.0, 0, 0, 0
    flags: list[Flag] = []
    for q in catalogue.element(number).questions:
        if table.row(q.id).rule == "unscored":
            continue
        total += 1
        value = team.get(q.id)
        if value is None:
            continue
        answered += 1
        pts, qflags = question_points(table, q.id, value)
        flags += [Flag(q.id, f) for f in qflags]
        if pts is not None:
            points += pts
            counted += 1
    score = points / counted if counted else None
    return ElementScore(number, score, points, counted, answered, total, tuple(flags))


def all_scores(
    catalogue: Catalogue, table: ScoringTable, team: dict[str, str]
) -> list[ElementScore]:
    return [element_score(catalogue, table, e.number, team) for e in catalogue.elements]
