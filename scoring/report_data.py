"""The Word report's data: plain values with the texts already in the report's language (the
bot builds them from an assessment, dialogs/assessment/report.py; the writers in
scoring/report.py and scoring/export.py read them). No python-docx here: building the data
must not load it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from dialogs.i18n import score_change

Translate = Callable[..., str]  # tr(key, **values) -> text in the report's language


@dataclass(frozen=True)
class MemberLine:
    name: str
    answer: str | None  # the answer's label; None when the member only commented
    code: str | None  # the stored value (ja, delvist, a,c …)
    comment: str | None


@dataclass(frozen=True)
class QuestionEntry:
    id: str
    element: int
    text: str
    hint: str | None  # the template's "(Her tænker vi på …)"
    team_answer: str | None  # label
    team_code: str | None
    # "consensus" (all of several agree) | "single" (one answer) | "decision" | "disagreement"
    # | "unanswered" | "not_applicable"
    basis: str
    decided_by: str | None
    justification: str | None
    spread: tuple[tuple[str, int], ...]  # (answer label, how many members gave it)
    members: tuple[MemberLine, ...]
    example: str | None = None  # the template's example ("Fx LØFT, TEACH …")
    respondents: int = 0  # members who gave an answer (not only a comment)

    @property
    def spread_text(self) -> str:
        return " · ".join(f"{label} {n}" for label, n in self.spread)

    @property
    def notes(self) -> tuple[str, ...]:
        """The question's parentheses as the template prints them: hint, then example."""
        return tuple(n for n in (self.hint, self.example) if n)


@dataclass(frozen=True)
class ElementEntry:
    number: int
    name: str
    definition: str
    description: str
    score: float | None
    answered: int
    total: int
    previous: float | None  # the previous round's score, when there was one
    overall: str | None
    potential: str | None
    questions: tuple[QuestionEntry, ...]
    template: tuple[str, ...] = ()  # the element's text in the Word template

    @property
    def partial(self) -> bool:
        return self.answered < self.total

    @property
    def change(self) -> float | None:
        """The change as the two scores are shown (dialogs.i18n.score_change)."""
        return score_change(self.score, self.previous)


@dataclass(frozen=True)
class GuideText:
    """One of the template's opening sections, in the report's language."""

    key: str
    title: str
    blocks: tuple[tuple[str, bool], ...]  # (text, is a bullet)


@dataclass(frozen=True)
class ReportData:
    lang: str
    practice: str
    delimitation: str | None
    round_no: int
    is_open: bool
    started: str  # dates already formatted for the language
    closed: str | None
    generated: str
    participants: tuple[str, ...]
    elements: tuple[ElementEntry, ...]
    overall: str | None
    potentials: str | None
    previous_round: int | None
    disagreements: tuple[str, ...]
    flags: tuple[str, ...]  # sentences, e.g. the expert-review note for 2.2 d
    guide: tuple[GuideText, ...] = ()
    singles: tuple[str, ...] = ()  # questions only one member answered ("1 svar")


def basis_text(q: QuestionEntry, tr: Translate) -> str:
    """How the team answer was reached, e.g. "enighed blandt 3", "1 svar", "fastsat af …"."""
    if q.basis == "decision":
        return tr("report.basis.decision", who=q.decided_by or tr("report.facilitator"))
    if q.basis == "consensus":
        return tr("report.basis.consensus", n=q.respondents)
    return tr(f"report.basis.{q.basis}")
