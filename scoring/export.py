"""The raw answers of one round — or of every round of a practice — as an Excel workbook
(openpyxl) and as CSV.

The workbook has a sheet of element scores, one of every member answer and comment, one of
the team answers (how each was reached, how many answered, the facilitator's justification) and
one of the written assessments; each row names its round. The CSV holds every member answer
with the team answer, how it was reached, the number of respondents and the facilitator's
justification beside it, UTF-8 with a byte-order mark and `;` between fields, which is what
Excel with Danish settings opens correctly.

Cells are written as text, never as formulas: a comment starting with "=" stays a comment.
Scores are numbers rounded by the one rule the chat and the report use (dialogs.i18n: half up,
0.625 → 0.63), shown with two decimals in the spreadsheet's own decimal mark.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from dialogs.i18n import shown_score
from scoring.report_data import (
    ElementEntry,
    QuestionEntry,
    ReportData,
    Translate,
    basis_text,
)

# openpyxl (and lxml under it) is imported inside the functions that write the workbook, not
# here: an idle bot never exports, and loading them at start-up costs memory.
if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

CSV_DELIMITER = ";"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
Cell = str | int | float | None


def _sheet(
    ws: Worksheet, headers: Sequence[str], rows: Sequence[Sequence[Cell]], widths: Sequence[int]
) -> None:
    from openpyxl.styles import Alignment, Font

    ws.append(list(headers))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(list(row))
    for r in ws.iter_rows(min_row=2):
        for cell in r:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # openpyxl would read "=…" as a formula
                if "\n" in cell.value or len(cell.value) > 40:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
    for i, width in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    ws.freeze_panes = "A2"


Rounds = ReportData | Sequence[ReportData]


def _rounds(data: Rounds) -> Sequence[ReportData]:
    return (data,) if isinstance(data, ReportData) else data


def score_rows(data: ReportData) -> list[list[Cell]]:
    return [
        [
            data.round_no,
            e.number,
            e.name,
            shown_score(e.score),
            e.answered,
            e.total,
            "*" if e.partial else "",
            shown_score(e.previous),
            e.change,
        ]
        for e in data.elements
    ]


def _questions(data: ReportData) -> Iterator[tuple[ElementEntry, QuestionEntry]]:
    for e in data.elements:
        for q in e.questions:
            yield e, q


# The headers of member_rows' columns: the members' sheet, and the CSV's first columns.
MEMBER_COLUMNS = (
    "export.col.round",
    "export.col.question",
    "export.col.element_no",
    "export.col.element",
    "export.col.text",
    "export.col.member",
    "export.col.answer",
    "export.col.code",
    "export.col.comment",
)


def member_rows(data: ReportData) -> list[list[Cell]]:
    """One row per member answer or comment; a question nobody answered gets one empty row."""
    rows: list[list[Cell]] = []
    for e, q in _questions(data):
        members = q.members or ()
        if not members:
            rows.append([data.round_no, q.id, e.number, e.name, q.text, "", "", "", ""])
        for m in members:
            rows.append(
                [
                    data.round_no, q.id, e.number, e.name, q.text,
                    m.name, m.answer or "", m.code or "", m.comment,
                ]
            )  # fmt: skip
    return rows


def team_rows(data: ReportData, tr: Translate) -> list[list[Cell]]:
    return [
        [
            data.round_no,
            q.id,
            e.number,
            q.text,
            q.team_answer or "",
            q.team_code or "",
            basis_text(q, tr),
            q.respondents,
            q.justification or "",
            q.spread_text,
        ]
        for e, q in _questions(data)
    ]


def write_xlsx(data: Rounds, tr: Translate, path: Path) -> Path:
    """The workbook of one round, or of several (oldest first) with a row per round."""
    from openpyxl import Workbook

    rounds = _rounds(data)
    wb = Workbook()
    scores = wb.active
    assert scores is not None
    scores.title = tr("export.sheet.scores")
    _sheet(
        scores,
        [
            tr("export.col.round"),
            tr("export.col.element_no"),
            tr("export.col.element"),
            tr("export.col.score"),
            tr("export.col.answered"),
            tr("export.col.total"),
            tr("export.col.partial"),
            tr("export.col.previous"),
            tr("export.col.change"),
        ],
        [row for d in rounds for row in score_rows(d)],
        [8, 8, 30, 10, 11, 14, 8, 14, 10],
    )
    for row in scores.iter_rows(min_row=2, min_col=4, max_col=9):
        for cell in row:
            if isinstance(cell.value, float):
                cell.number_format = "0.00"
    _sheet(
        wb.create_sheet(tr("export.sheet.members")),
        [tr(key) for key in MEMBER_COLUMNS],
        [row for d in rounds for row in member_rows(d)],
        [8, 10, 8, 24, 60, 18, 14, 12, 60],
    )
    _sheet(
        wb.create_sheet(tr("export.sheet.team")),
        [
            tr("export.col.round"),
            tr("export.col.question"),
            tr("export.col.element_no"),
            tr("export.col.text"),
            tr("export.col.team"),
            tr("export.col.code"),
            tr("export.col.basis"),
            tr("export.col.respondents"),
            tr("export.col.justification"),
            tr("export.col.spread"),
        ],
        [row for d in rounds for row in team_rows(d, tr)],
        [8, 10, 8, 60, 16, 12, 30, 10, 50, 30],
    )
    notes: list[list[Cell]] = []
    for d in rounds:
        notes += [[d.round_no, e.number, e.name, e.overall, e.potential] for e in d.elements]
        notes.append([d.round_no, "", tr("report.overall"), d.overall, d.potentials])
    _sheet(
        wb.create_sheet(tr("export.sheet.notes")),
        [
            tr("export.col.round"),
            tr("export.col.element_no"),
            tr("export.col.element"),
            tr("export.col.overall"),
            tr("export.col.potential"),
        ],
        notes,
        [8, 8, 30, 70, 70],
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(str(path))
    return path


def csv_safe(value: Cell) -> str:
    """Text as it goes into the CSV, with formula-looking text defused for spreadsheets."""
    if value is None:
        return ""
    text = f"{value}"
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_csv(data: Rounds, tr: Translate, path: Path) -> Path:
    """Every member answer of one round or several, with the team answer, how it was reached,
    the number of respondents and the facilitator's justification beside it (UTF-8 with BOM,
    `;`-separated)."""
    headers = [
        *(tr(key) for key in MEMBER_COLUMNS),
        tr("export.col.team"),
        tr("export.col.basis"),
        tr("export.col.respondents"),
        tr("export.col.justification"),
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f, delimiter=CSV_DELIMITER, quoting=csv.QUOTE_MINIMAL)
        writer.writerow(headers)
        for d in _rounds(data):
            team = {q.id: q for _e, q in _questions(d)}
            for row in member_rows(d):
                q = team[str(row[1])]
                extra: list[Cell] = [
                    q.team_answer or "",
                    basis_text(q, tr),
                    q.respondents,
                    q.justification,
                ]
                writer.writerow([csv_safe(v) for v in [*row, *extra]])
    return path
