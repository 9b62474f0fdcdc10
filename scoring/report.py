"""The Word report of one assessment round: the official Word template (seed 001), filled in.

A4, in the channel's language (da-DK, or English), a header with the practice and the round
and page numbers in the footer (a PAGE field, so Word and LibreOffice count the pages). Then:

- the title and a table of facts (practice, delimitation, round, dates, who took part);
- the template's opening sections: "Hvad er en praksis?" with the team's delimitation, "Sådan
  kan I arbejde med Lovende praksis", its "Organisering" with who took part, "Beregning af
  score" with a note that the scores come from the project's documented table and are a guide,
  and "Generelle opmærksomhedspunkter";
- per element its text from the template, its score, and the template's table of questions —
  Nr. / Spørgsmål / Svar / Kommentarer — with the team answer, how it was reached (agreement of
  n, the facilitator's decision, one answer), the spread, the facilitator's justification and
  the members' comments; then "Samlet vurdering af element N" and "Udviklingspotentiale for
  element N";
- "Samlet vurdering" of the practice and its most important development potentials; the score
  table on one page (column widths that keep the element names whole), the radar chart and,
  when there is a previous round, the comparison with it.

Scores are written with the language's decimal mark (0,63 in Danish) and rounded half up, as
everywhere (dialogs.i18n). The writer works on
`ReportData`, plain data with the texts already in the report's language (the bot builds it
from an assessment, dialogs/assessment/report.py); headings come through `tr(key, **values)`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from dialogs.i18n import change_text, score_text
from scoring.docx_parts import (
    HEAD_FILL,
    cell_lines,
    document_language,
    field,
    fixed_widths,
    header_row,
    muted,
    muted_paragraph,
    row_flags,
    shade,
    text_or_blank,
)
from scoring.report_data import (
    ElementEntry,
    GuideText,
    QuestionEntry,
    ReportData,
    Translate,
    basis_text,
)

# python-docx (and lxml under it) is imported inside the functions that write, not here: an
# idle bot never writes a report, and loading them at start-up costs memory.
if TYPE_CHECKING:
    from docx.document import Document as DocumentObject

LANGUAGE_TAGS = {"da": "da-DK", "en": "en-GB"}

# A4 (in twips, as Word writes it) with the template's margins: 16 cm of text width, which the
# tables fill exactly.
PAGE_TWIPS = (11906, 16838)
MARGIN_CM = 2.5
QUESTION_COLUMNS_CM = (1.3, 6.4, 3.6, 4.7)  # Nr. / Spørgsmål / Svar / Kommentarer
SCORE_NAME_CM = 6.6  # "9. Individuel tilrettelæggelse" stays on one line (≈ 5.4 cm)


def _page_setup(doc: DocumentObject, data: ReportData, tr: Translate) -> None:
    """A4, the template's margins, the practice and round in the header, "Side x af y" below."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt, Twips

    section = doc.sections[0]
    section.page_width, section.page_height = Twips(PAGE_TWIPS[0]), Twips(PAGE_TWIPS[1])
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(MARGIN_CM))
    header = section.header.paragraphs[0]
    header.text = tr("report.header", practice=data.practice, round=data.round_no)
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for run in header.runs:
        run.font.size = Pt(9)
        run.font.color.rgb = muted()
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    before, _, rest = tr("report.page").partition("{page}")
    middle, _, after = rest.partition("{pages}")
    footer.add_run(before)
    field(footer, "PAGE", "1")
    footer.add_run(middle)
    field(footer, "NUMPAGES", "1")
    footer.add_run(after)
    for run in footer.runs:
        run.font.size = Pt(9)


# ---- the parts of the report ----
def _info_table(doc: DocumentObject, data: ReportData, tr: Translate) -> None:
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
        shade(row.cells[0], HEAD_FILL)
    fixed_widths(table, (4.5, 11.5))


def _guide_section(doc: DocumentObject, section: GuideText) -> None:
    doc.add_heading(section.title, level=1)
    for text, bullet in section.blocks:
        doc.add_paragraph(text, style="List Bullet" if bullet else None)


def _opening(doc: DocumentObject, data: ReportData, tr: Translate) -> None:
    """The template's opening sections, each with what this round adds to it."""
    for section in data.guide:
        _guide_section(doc, section)
        if section.key == "practice":
            p = doc.add_paragraph()
            p.add_run(tr("report.your_delimitation") + " ").bold = True
            if data.delimitation:
                p.add_run(data.delimitation)
            else:
                p.add_run(tr("report.no_delimitation")).italic = True
        elif section.key == "organising":
            p = doc.add_paragraph()
            p.add_run(tr("report.took_part", n=len(data.participants)) + " ").bold = True
            p.add_run(", ".join(data.participants) or "–")
        elif section.key == "scoring":
            p = doc.add_paragraph()
            p.add_run(tr("report.scoring_ours")).bold = True


def _answer_lines(q: QuestionEntry, tr: Translate) -> list[tuple[str, str]]:
    if q.team_answer is None:
        lines = [("italic", tr(f"report.basis.{q.basis}"))]
    else:
        lines = [("bold", q.team_answer), ("plain", basis_text(q, tr))]
    if len(q.spread) > 1 or (q.spread and q.basis == "decision"):  # the spread adds news
        lines.append(("muted", tr("report.spread", spread=q.spread_text)))
    return lines


def _comment_lines(q: QuestionEntry, tr: Translate) -> list[tuple[str, str]]:
    lines: list[tuple[str, str]] = []
    if q.justification:
        lines.append(("italic", tr("report.justification", text=q.justification)))
    lines += [("plain", f"{m.name}: {m.comment}") for m in q.members if m.comment]
    return lines or [("muted", "–")]


def _questions_table(doc: DocumentObject, e: ElementEntry, tr: Translate) -> None:
    from docx.shared import Pt

    table = doc.add_table(rows=1 + len(e.questions), cols=4)
    table.style = "Table Grid"
    header_row(
        table,
        (tr("report.col.nr"), tr("report.col.question"), tr("report.col.answer"),
         tr("report.col.comments")),
    )  # fmt: skip
    for row, q in zip(table.rows[1:], e.questions, strict=True):
        row.cells[0].text = q.id
        # The template prints hints and examples in parentheses, without a final full stop.
        question = [("plain", q.text)] + [("italic", f"({n.rstrip('.')})") for n in q.notes]
        cell_lines(row.cells[1], question)
        cell_lines(row.cells[2], _answer_lines(q, tr))
        cell_lines(row.cells[3], _comment_lines(q, tr))
    for row in table.rows:
        for cell in row.cells:
            for p in cell.paragraphs:
                for run in p.runs:
                    if run.font.size is None:
                        run.font.size = Pt(9.5)
    fixed_widths(table, QUESTION_COLUMNS_CM)
    row_flags(table)


def _element(doc: DocumentObject, e: ElementEntry, data: ReportData, tr: Translate) -> None:
    lang = data.lang
    heading = doc.add_heading(tr("report.element", number=e.number, name=e.name), level=1)
    heading.paragraph_format.keep_with_next = True
    for paragraph in e.template or (e.definition, e.description):
        # The element's text, its score and the table's first rows start on one page.
        doc.add_paragraph(paragraph).paragraph_format.keep_with_next = True
    score = tr("report.score", score=score_text(e.score, lang))
    if e.partial:
        score += " " + tr("report.coverage", answered=e.answered, total=e.total)
    if data.previous_round is not None and e.previous is not None:
        score += " " + tr(
            "report.score_previous",
            round=data.previous_round,
            score=score_text(e.previous, lang),
            change=change_text(e.change, lang) or "–",
        )
    muted_paragraph(doc, score).paragraph_format.keep_with_next = True
    _questions_table(doc, e, tr)
    doc.add_heading(tr("report.element_overall", number=e.number, name=e.name), level=3)
    text_or_blank(doc, e.overall, tr)
    doc.add_heading(tr("report.element_potential", number=e.number, name=e.name), level=3)
    text_or_blank(doc, e.potential, tr)


def _scores(doc: DocumentObject, data: ReportData, tr: Translate) -> None:
    """The score table, kept on one page, with widths that keep the element names whole."""
    lang = data.lang
    with_previous = data.previous_round is not None
    headers = [tr("report.col.element"), tr("report.col.score"), tr("report.col.coverage")]
    widths = [SCORE_NAME_CM + 1.0, 4.0, 4.0]
    if with_previous:
        headers += [tr("report.col.previous", round=data.previous_round), tr("report.col.change")]
        widths = [SCORE_NAME_CM, 2.0, 2.6, 2.2, 2.6]
    table = doc.add_table(rows=1 + len(data.elements), cols=len(headers))
    table.style = "Table Grid"
    header_row(table, headers)
    for row, e in zip(table.rows[1:], data.elements, strict=True):
        values = [
            f"{e.number}. {e.name}",
            score_text(e.score, lang) + ("*" if e.partial and e.score is not None else ""),
            f"{e.answered}/{e.total}",
        ]
        if with_previous:
            values += [score_text(e.previous, lang), change_text(e.change, lang)]
        for cell, text in zip(row.cells, values, strict=True):
            cell.text = text
    fixed_widths(table, widths)
    row_flags(table, together=True)
    if any(e.partial for e in data.elements):
        muted_paragraph(doc, tr("report.partial_note"))


def _comparison(doc: DocumentObject, data: ReportData, tr: Translate) -> None:
    """The change since the previous round: which elements rose and fell most."""
    changes = [(e.change, e) for e in data.elements if e.change is not None]
    doc.add_heading(tr("report.comparison_heading", round=data.previous_round), level=2)
    if not changes:
        doc.add_paragraph(tr("report.comparison_none"))
        return
    lang = data.lang
    up = max(c for c, _e in changes)
    down = min(c for c, _e in changes)

    def names(value: float) -> str:  # every element with that change (ties included)
        return ", ".join(e.name for c, e in changes if abs(c - value) < 1e-9)

    if up > 0:
        doc.add_paragraph(tr("report.comparison_up", name=names(up), change=change_text(up, lang)))
    if down < 0:
        doc.add_paragraph(
            tr("report.comparison_down", name=names(down), change=change_text(down, lang))
        )
    if up <= 0 <= down:
        doc.add_paragraph(tr("report.comparison_same"))
    doc.add_paragraph(tr("report.comparison_note", round=data.previous_round))


def write_docx(
    data: ReportData,
    tr: Translate,
    path: Path,
    chart: Path | None,
    extra: Callable[[DocumentObject], None] | None = None,
) -> Path:
    """Write the report to `path` (a .docx) and return it; `extra` appends further sections
    (the organisational self-evaluation) at the end."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(11)
    document_language(doc, LANGUAGE_TAGS.get(data.lang, "da-DK"))
    props = doc.core_properties
    props.title = tr("report.title", practice=data.practice)
    props.subject = tr("report.subtitle")
    props.author = props.last_modified_by = "Lovende praksis"
    _page_setup(doc, data, tr)

    doc.add_heading(tr("report.title", practice=data.practice), level=0)
    doc.add_paragraph(tr("report.subtitle"))
    _info_table(doc, data, tr)
    if data.is_open:
        muted_paragraph(doc, tr("report.draft"))
    muted_paragraph(doc, tr("summary.guide"))
    _opening(doc, data, tr)

    for e in data.elements:
        _element(doc, e, data, tr)

    overall = doc.add_heading(tr("report.overall_heading"), level=1)
    overall.paragraph_format.page_break_before = True
    doc.add_heading(tr("report.overall"), level=3)
    text_or_blank(doc, data.overall, tr)
    doc.add_heading(tr("report.potentials"), level=3)
    text_or_blank(doc, data.potentials, tr)
    if data.disagreements:
        doc.add_paragraph(tr("report.disagreements", ids=", ".join(data.disagreements)))
    if data.singles:
        doc.add_paragraph(tr("report.singles", ids=", ".join(data.singles)))
    for flag in data.flags:
        doc.add_paragraph(flag)

    scores = doc.add_heading(tr("report.scores_heading"), level=1)
    scores.paragraph_format.page_break_before = True
    scores.paragraph_format.keep_with_next = True
    _scores(doc, data, tr)
    if chart is not None:
        doc.add_picture(str(chart), width=Cm(12))  # with the table, on one page
        doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        doc.paragraphs[-1].paragraph_format.space_before = Pt(8)  # clear of the table's edge
        muted_paragraph(doc, tr("report.chart_caption"))
    if data.previous_round is not None:
        _comparison(doc, data, tr)
    if extra is not None:
        extra(doc)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path
