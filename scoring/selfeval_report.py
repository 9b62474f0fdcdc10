"""The organisational self-evaluation as a section of the Word report.

`SelfEvalSection` is plain data with the texts already in the report's language (built from
the bot's read model by `dialogs.selfeval.report.selfeval_report_section`);
`add_selfeval_section` appends it to a python-docx document. Headings come through
`tr(key, **values)` like the rest of the report.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from scoring.docx_parts import muted_paragraph

# python-docx (and lxml under it) is imported inside the functions that write, not here: an
# idle bot never writes a report, and loading them at start-up costs memory.
if TYPE_CHECKING:
    from docx.document import Document as DocumentObject

Translate = Callable[..., str]


@dataclass(frozen=True)
class ReflectionLine:
    name: str
    text: str


@dataclass(frozen=True)
class QuestionBlock:
    id: str
    text: str
    reflections: tuple[ReflectionLine, ...]


@dataclass(frozen=True)
class PointLine:
    id: int
    text: str
    author: str | None
    agreed: bool


@dataclass(frozen=True)
class DimensionSection:
    key: str
    name: str
    description: str
    rating: int | None  # the team's own rating 1–5
    previous: int | None  # last round's rating
    questions: tuple[QuestionBlock, ...]
    points: tuple[PointLine, ...]
    # Leaders' and staff's answers side by side (label, text), and the line marking where
    # they are more than one step apart; empty when nobody said which they answer as.
    sides: tuple[tuple[str, str], ...] = ()
    apart: str | None = None


@dataclass(frozen=True)
class SelfEvalSection:
    round_no: int
    title: str | None
    is_open: bool
    started: str  # dates already formatted for the language
    closed: str | None
    participants: tuple[str, ...]
    dimensions: tuple[DimensionSection, ...]

    @property
    def has_ratings(self) -> bool:
        return any(d.rating is not None for d in self.dimensions)


def _dimension(doc: DocumentObject, d: DimensionSection, tr: Translate) -> None:
    from docx.shared import Cm, Pt

    doc.add_heading(d.name, level=2)
    doc.add_paragraph(d.description)
    if d.rating is not None:
        line = tr("se.rating.line", rating=d.rating, label=tr("se.rating.label"))
    else:
        line = tr("se.rating.none")
    if d.previous is not None:
        line += " · " + tr("se.rating.previous", rating=d.previous)
    doc.add_paragraph().add_run(line).bold = True
    if d.sides:
        sides = doc.add_table(rows=1, cols=len(d.sides))
        sides.style = "Table Grid"
        for cell, (label, text) in zip(sides.rows[0].cells, d.sides, strict=True):
            cell.paragraphs[0].add_run(label).bold = True
            cell.add_paragraph(text)
    if d.apart:
        doc.add_paragraph().add_run(d.apart.replace("*", "")).bold = True
    for q in d.questions:
        p = doc.add_paragraph()
        p.paragraph_format.space_before = Pt(6)
        p.paragraph_format.keep_with_next = bool(q.reflections)
        p.add_run(f"{q.id} {q.text}").bold = True
        if not q.reflections:
            muted_paragraph(doc, tr("se.q.none"), small=False)
        for r in q.reflections:
            item = doc.add_paragraph(style="List Bullet")
            item.paragraph_format.left_indent = Cm(1.0)
            item.add_run(f"{r.name}: ").bold = True
            item.add_run(r.text)
    doc.add_heading(tr("se.summary.points").rstrip(":"), level=3)
    if not d.points:
        muted_paragraph(doc, tr("se.summary.no_points"), small=False)
    for pt in d.points:
        item = doc.add_paragraph(style="List Bullet")
        item.add_run(f"#{pt.id} ").bold = True
        item.add_run(pt.text)
        extra = [f"({pt.author})"] if pt.author else []
        if pt.agreed:
            extra.append(tr("se.points.agreed"))
        if extra:
            item.add_run(" " + " ".join(extra)).italic = True


def add_selfeval_section(
    doc: DocumentObject, section: SelfEvalSection, tr: Translate, chart: Path | None = None
) -> None:
    """Append the self-evaluation (reflections, the team's own ratings, development points)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    head = (
        tr("se.intro.title_named", title=section.title, round=section.round_no)
        if section.title
        else tr("se.intro.title", round=section.round_no)
    )
    doc.add_page_break()  # type: ignore[no-untyped-call]
    doc.add_heading(head, level=1)
    rows = [
        (tr("se.report.started"), section.started),
        (
            tr("se.report.closed"),
            section.closed if section.closed and not section.is_open else tr("se.progress.open"),
        ),
        (tr("se.progress.people"), ", ".join(section.participants) or "–"),
    ]
    table = doc.add_table(rows=len(rows), cols=2)
    table.style = "Table Grid"
    for row, (label, value) in zip(table.rows, rows, strict=True):
        row.cells[0].text, row.cells[1].text = label, value
        for run in row.cells[0].paragraphs[0].runs:
            run.bold = True
    muted_paragraph(doc, tr("se.summary.note"))
    for d in section.dimensions:
        _dimension(doc, d, tr)
    if chart is not None:
        doc.add_picture(str(chart), width=Cm(15))
        doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        muted_paragraph(doc, tr("se.chart.note"))
