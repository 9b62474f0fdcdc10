"""The assessment as the documents show it, pure: the radar chart's input, the report's data
(every question with its team answer, how it was reached, the spread and the comments), and the
history of the practice's rounds. bot/generators/assessment.py writes the files."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from dialogs.assessment.model import AssessmentView
from dialogs.assessment.team import (
    disagreements,
    question_status,
    single_answers,
    team_answers,
)
from dialogs.assessment.views import answer_label
from dialogs.i18n import format_date, score_text, t
from scoring.catalogue import SCALE, Catalogue, Question
from scoring.chart import ChartText, ShownScore
from scoring.report_data import ElementEntry, GuideText, MemberLine, QuestionEntry, ReportData
from scoring.scores import ElementScore, all_scores, applicable
from scoring.table import ScoringTable


def slug(name: str) -> str:
    """A file-name friendly form of a practice name (letters, digits, dashes)."""
    text = re.sub(r"[^\w]+", "-", name.casefold()).strip("-_")
    return text[:60] or "praksis"


def local_date(moment: datetime, zone: ZoneInfo, lang: str) -> str:
    if moment.tzinfo is None:  # SQLite hands back naive UTC
        moment = moment.replace(tzinfo=UTC)
    return format_date(moment.astimezone(zone).date(), lang)


def scores_of(
    view: AssessmentView, catalogue: Catalogue, table: ScoringTable
) -> list[ElementScore]:
    return all_scores(catalogue, table, team_answers(view, catalogue))


@dataclass(frozen=True)
class RadarInput:
    labels: list[str]
    values: list[float | None]
    previous: list[float | None] | None
    partial: list[bool]
    title: str
    text: ChartText


def radar_input(
    view: AssessmentView, catalogue: Catalogue, table: ScoringTable, lang: str
) -> RadarInput:
    scores = scores_of(view, catalogue, table)
    previous = view.previous
    return RadarInput(
        labels=[e.name[lang] for e in catalogue.elements],
        values=[s.score for s in scores],
        previous=[s.score for s in scores_of(previous, catalogue, table)] if previous else None,
        partial=[s.partial for s in scores],
        title=t(lang, "chart.title", practice=view.practice_name, round=view.round_no),
        text=ChartText(
            current=t(lang, "chart.round", round=view.round_no),
            previous=t(lang, "chart.round", round=previous.round_no) if previous else "",
            partial_note=t(lang, "chart.partial"),
            none_note=t(lang, "chart.none"),
            lang=lang,
        ),
    )


def _spread(lang: str, q: Question, values: list[str]) -> tuple[tuple[str, int], ...]:
    counts = Counter(values)
    order = [v for v in SCALE if v in counts] if q.type == "scale" else sorted(counts)
    if q.type == "multi":
        return tuple((v.replace(",", ", "), counts[v]) for v in order)
    return tuple((answer_label(lang, q, v), counts[v]) for v in order)


def question_entry(
    lang: str, view: AssessmentView, q: Question, team: dict[str, str]
) -> QuestionEntry | None:
    """One question for the report; None for a conditional question that did not apply and
    that nobody answered (2.3 when 2.2 does not include c)."""
    rows = view.answers.get(q.id, ())
    if not applicable(q, team) and not rows:
        return None
    status = question_status(view, q.id)
    value = team.get(q.id)
    if value is not None:
        basis = status.source or "consensus"
        if basis == "consensus" and status.answered_by == 1:
            basis = "single"  # one answer counts, but it is not agreement
    elif not applicable(q, team):
        basis = "not_applicable"
    elif status.disagreement:
        basis = "disagreement"
    else:
        basis = "unanswered"
    decision = view.decisions.get(q.id) if basis == "decision" else None
    return QuestionEntry(
        id=q.id,
        element=q.element,
        text=q.text[lang],
        hint=q.hint[lang] if q.hint else None,
        example=q.example[lang] if q.example else None,
        respondents=status.answered_by,
        team_answer=answer_label(lang, q, value) if value else None,
        team_code=value,
        basis=basis,
        decided_by=decision.decided_by if decision else None,
        justification=decision.justification if decision else None,
        spread=_spread(lang, q, [a.value for a in rows if a.value]),
        members=tuple(
            MemberLine(
                a.member_name,
                answer_label(lang, q, a.value) if a.value else None,
                a.value,
                a.comment,
            )
            for a in rows
        ),
    )


def build_report_data(
    view: AssessmentView,
    catalogue: Catalogue,
    table: ScoringTable,
    lang: str,
    zone: ZoneInfo,
    now: datetime,
) -> ReportData:
    team = team_answers(view, catalogue)
    scores = all_scores(catalogue, table, team)
    previous = scores_of(view.previous, catalogue, table) if view.previous else None
    elements = []
    for e, s in zip(catalogue.elements, scores, strict=True):
        overall, potential = view.notes.get(e.number, (None, None))
        entries = (question_entry(lang, view, q, team) for q in e.questions)
        elements.append(
            ElementEntry(
                number=e.number,
                name=e.name[lang],
                definition=e.definition[lang],
                description=e.description[lang],
                score=s.score,
                answered=s.answered,
                total=s.total,
                previous=previous[e.number - 1].score if previous else None,
                overall=overall,
                potential=potential,
                questions=tuple(q for q in entries if q is not None),
                template=tuple(p[lang] for p in e.template),
            )
        )
    flagged: dict[str, list[str]] = {}
    for f in (f for s in scores for f in s.flags):
        flagged.setdefault(f.flag, []).append(f.question)
    participants = dict.fromkeys(
        a.member_name for rows in view.answers.values() for a in rows if a.value or a.comment
    )
    return ReportData(
        lang=lang,
        practice=view.practice_name,
        delimitation=view.delimitation,
        round_no=view.round_no,
        is_open=view.is_open,
        started=local_date(view.started_at, zone, lang),
        closed=local_date(view.closed_at, zone, lang) if view.closed_at else None,
        generated=local_date(now, zone, lang),
        participants=tuple(participants),
        elements=tuple(elements),
        overall=view.overall_assessment,
        potentials=view.overall_potentials,
        previous_round=view.previous.round_no if view.previous else None,
        disagreements=tuple(disagreements(view, catalogue)),
        singles=tuple(single_answers(view, catalogue)),
        flags=tuple(
            t(lang, f"flag.{flag}", questions=", ".join(qids)) for flag, qids in flagged.items()
        ),
        guide=tuple(
            GuideText(s.key, s.title[lang], tuple((b.text[lang], b.bullet) for b in s.blocks))
            for s in catalogue.guide
        ),
    )


def build_rounds_report_data(
    views: Sequence[AssessmentView],
    catalogue: Catalogue,
    table: ScoringTable,
    lang: str,
    zone: ZoneInfo,
    now: datetime,
) -> list[ReportData]:
    """Every round of a practice (oldest first) for the export of all rounds; each compared
    with the round before it."""
    out = []
    previous: AssessmentView | None = None
    for view in views:
        linked = replace(view, previous=previous)
        out.append(build_report_data(linked, catalogue, table, lang, zone, now))
        previous = view
    return out


@dataclass(frozen=True)
class History:
    rows: list[str]  # "1. Teori og viden" …
    columns: list[tuple[int, str]]  # (round number, date or "i gang")
    cells: list[list[float | None]]  # [element][round]: ShownScore, written in the language
    partial: list[list[bool]]


def history_table(
    views: Sequence[AssessmentView],
    catalogue: Catalogue,
    table: ScoringTable,
    lang: str,
    zone: ZoneInfo,
) -> History:
    """Element scores of each round (oldest first); a round is dated when it closed."""
    per_round = [scores_of(v, catalogue, table) for v in views]
    columns = [
        (
            v.round_no,
            local_date(v.closed_at, zone, lang) if v.closed_at else t(lang, "history.open"),
        )
        for v in views
    ]
    return History(
        rows=[f"{e.number}. {e.name[lang]}" for e in catalogue.elements],
        columns=columns,
        cells=[
            [_shown(r[e.number - 1].score, lang) for r in per_round] for e in catalogue.elements
        ],
        partial=[[r[e.number - 1].partial for r in per_round] for e in catalogue.elements],
    )


def history_note(h: History, lang: str, hidden: int = 0) -> str | None:
    """The table's footnote: the partial mark explained only when a cell carries it, and a
    word when older rounds are left out of the image; None when there is nothing to say."""
    parts = []
    if any(p and v is not None for cells, ps in zip(h.cells, h.partial, strict=True)
           for v, p in zip(cells, ps, strict=True)):  # fmt: skip
        parts.append(t(lang, "history.partial_note"))
    if hidden:
        parts.append(t(lang, "history.latest_only", n=len(h.columns)))
    return "   ".join(parts) or None


def history_text(h: History, lang: str) -> str:
    """The table as text: the image's alternative text, and what the console shows."""
    head = " · ".join(t(lang, "history.column_text", round=n, date=d) for n, d in h.columns)
    lines = [head]
    for label, cells, parts in zip(h.rows, h.cells, h.partial, strict=True):
        shown = [
            score_text(v, lang) + ("*" if p and v is not None else "")
            for v, p in zip(cells, parts, strict=True)
        ]
        lines.append(f"{label}: " + " · ".join(shown))
    if any(p for parts in h.partial for p in parts):
        lines.append(t(lang, "history.partial_note"))
    return "\n".join(lines)


def _shown(score: float | None, lang: str) -> float | None:
    """A cell of the history image: the score with its text in the channel's language."""
    return None if score is None else ShownScore(score, score_text(score, lang))
