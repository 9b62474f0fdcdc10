"""The Word report of one assessment round, following the official template (seed 001).

Per element: its definition and description; each question with the team's answer and how it
was reached, the spread of the members' answers and their comments; then "Samlet vurdering af
element N" and "Udviklingspotentiale for element N". At the end "Samlet vurdering af jeres
praksis", "Væsentligste udviklingspotentialer", the score table and the radar chart.

The writer works on `ReportData`, plain data with the texts already in the report's language
(the bot builds it from an assessment); headings come through `tr(key, **values)`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

# python-docx (and lxml under it) is imported inside the functions that write, not here: an
# idle bot never writes a report, and loading them at start-up costs memory.
if TYPE_CHECKING:
    from docx.document import Document as DocumentObject
    from docx.shared import RGBColor

Translate = Callable[..., str]  # tr(key, **values) -> text in the report's language

MUTED_RGB = (0x55, 0x5A, 0x5F)  # grey, for notes and blanks


def muted() -> RGBColor:
    """The grey of notes and blanks as a python-docx colour."""
    from docx.shared import RGBColor

    return RGBColor(*MUTED_RGB)


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
    basis: str  # "consensus" | "decision" | "disagreement" | "unanswered"
    decided_by: str | None
    justification: str | None
    spread: tuple[tuple[str, int], ...]  # (answer label, how many members gave it)
    members: tuple[MemberLine, ...]

    @property
    def spread_text(self) -> str:
        return " · ".join(f"{label} {n}" for label, n in self.spread)


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

    @property
    def partial(self) -> bool:
        return self.answered < self.total

    @property
    def change(self) -> float | None:
        if self.score is None or self.previous is None:
            return None
        return self.score - self.previous


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


def score_text(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def change_text(value: float | None) -> str:
    return "" if value is None else f"{value:+.2f}"


def basis_text(q: QuestionEntry, tr: Translate) -> str:
    if q.basis == "decision":
        return tr("report.basis.decision", who=q.decided_by or tr("report.facilitator"))
    return tr(f"report.basis.{q.basis}")


def _text_or_blank(doc: DocumentObject, text: str | None, tr: Translate) -> None:
    if text and text.strip():
        for line in text.strip().splitlines():
            doc.add_paragraph(line)
    else:
        run = doc.add_paragraph().add_run(tr("report.blank"))
        run.italic = True
        run.font.color.rgb = muted()


def _muted(doc: DocumentObject, text: str) -> None:
    from docx.shared import Pt

    run = doc.add_paragraph().add_run(text)
    run.italic = True
    run.font.size = Pt(9)
    run.font.color.rgb = muted()


def _info_table(doc: DocumentObject, data: ReportData, tr: Translate) -> None:
    from docx.shared import Cm

    rows = [
        (tr("report.info.practice"), data.practice),
        (tr("report.info.delimitation"), data.delimitation or tr("report.blank")),
        (tr("report.info.round"), str(data.round_no)),
        (tr("report.info.started"), data.started),
        (
            tr("report.info.closed"),
            data.closed if data.closed and not data.is_open else tr("report.status_open"),
        ),
        (tr("report.info.participants"), ", ".join(data.participants) or "–"),
        (tr("report.info.generated"), data.generated),
    ]
    table = doc.add_table(rows=len(rows), cols=2)
    table.style = "Table Grid"
    for row, (label, value) in zip(table.rows, rows, strict=True):
        row.cells[0].text = label
        row.cells[1].text = value
        for run in row.cells[0].paragraphs[0].runs:
            run.bold = True
        row.cells[0].width = Cm(4.5)
        row.cells[1].width = Cm(11.5)


def _question(doc: DocumentObject, q: QuestionEntry, tr: Translate) -> None:
    from docx.shared import Cm, Pt

    p = doc.add_paragraph()
    p.paragraph_format.space_before = Pt(8)
    p.paragraph_format.keep_with_next = True
    p.add_run(f"{q.id} ").bold = True
    p.add_run(q.text).bold = True
    if q.hint:
        p.add_run(f" ({q.hint})").italic = True
    answer = doc.add_paragraph()
    answer.paragraph_format.left_indent = Cm(0.6)
    answer.add_run(tr("report.team_answer") + " ").bold = True
    if q.team_answer is None:
        answer.add_run(tr(f"report.basis.{q.basis}"))
    else:
        answer.add_run(f"{q.team_answer} ({basis_text(q, tr)})")
    if q.justification:
        line = doc.add_paragraph(tr("report.justification", text=q.justification))
        line.paragraph_format.left_indent = Cm(0.6)
    if q.spread:
        line = doc.add_paragraph(tr("report.spread", spread=q.spread_text))
        line.paragraph_format.left_indent = Cm(0.6)
    comments = [m for m in q.members if m.comment]
    if comments:
        head = doc.add_paragraph(tr("report.comments"))
        head.paragraph_format.left_indent = Cm(0.6)
        head.paragraph_format.keep_with_next = True
        for m in comments:
            item = doc.add_paragraph(style="List Bullet")
            item.paragraph_format.left_indent = Cm(1.2)
            item.add_run(f"{m.name}: ").bold = True
            item.add_run(m.comment or "")


def _element(doc: DocumentObject, e: ElementEntry, data: ReportData, tr: Translate) -> None:
    doc.add_heading(tr("report.element", number=e.number, name=e.name), level=1)
    doc.add_paragraph().add_run(e.definition).bold = True
    doc.add_paragraph(e.description)
    score = tr("report.score", score=score_text(e.score))
    if e.partial:
        score += " " + tr("report.coverage", answered=e.answered, total=e.total)
    if data.previous_round is not None and e.previous is not None:
        score += " " + tr(
            "report.score_previous",
            round=data.previous_round,
            score=score_text(e.previous),
            change=change_text(e.change) or "–",
        )
    _muted(doc, score)
    for q in e.questions:
        _question(doc, q, tr)
    doc.add_heading(tr("report.element_overall", number=e.number, name=e.name), level=3)
    _text_or_blank(doc, e.overall, tr)
    doc.add_heading(tr("report.element_potential", number=e.number, name=e.name), level=3)
    _text_or_blank(doc, e.potential, tr)


def _scores(doc: DocumentObject, data: ReportData, tr: Translate) -> None:
    with_previous = data.previous_round is not None
    headers = [tr("report.col.element"), tr("report.col.score"), tr("report.col.coverage")]
    if with_previous:
        headers += [tr("report.col.previous", round=data.previous_round), tr("report.col.change")]
    table = doc.add_table(rows=1 + len(data.elements), cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row, e in zip(table.rows[1:], data.elements, strict=True):
        values = [
            f"{e.number}. {e.name}",
            score_text(e.score) + ("*" if e.partial and e.score is not None else ""),
            f"{e.answered}/{e.total}",
        ]
        if with_previous:
            values += [score_text(e.previous), change_text(e.change)]
        for cell, text in zip(row.cells, values, strict=True):
            cell.text = text
    if any(e.partial for e in data.elements):
        _muted(doc, tr("report.partial_note"))


def write_docx(
    data: ReportData,
    tr: Translate,
    path: Path,
    chart: Path | None,
    extra: Callable[[DocumentObject], None] | None = None,
) -> Path:
    """Write the report to `path` (a .docx) and return it; `extra` appends further sections
    (the organisational self-evaluation) before the closing note."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(11)
    doc.add_heading(tr("report.title", practice=data.practice), level=0)
    doc.add_paragraph(tr("report.subtitle"))
    _info_table(doc, data, tr)
    if data.is_open:
        _muted(doc, tr("report.draft"))
    _muted(doc, tr("summary.guide"))
    for e in data.elements:
        _element(doc, e, data, tr)

    doc.add_heading(tr("report.overall_heading"), level=1)
    doc.add_heading(tr("report.overall"), level=3)
    _text_or_blank(doc, data.overall, tr)
    doc.add_heading(tr("report.potentials"), level=3)
    _text_or_blank(doc, data.potentials, tr)
    if data.disagreements:
        doc.add_paragraph(tr("report.disagreements", ids=", ".join(data.disagreements)))
    for flag in data.flags:
        doc.add_paragraph(flag)
    doc.add_heading(tr("report.scores_heading"), level=2)
    _scores(doc, data, tr)
    if chart is not None:
        doc.add_picture(str(chart), width=Cm(15))
        doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _muted(doc, tr("report.chart_caption"))
    if extra is not None:
        extra(doc)
    _muted(doc, tr("summary.guide"))
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path
