"""Small pieces of Word shared by the report and the self-evaluation's section: the document's
language, fields, shaded header rows, fixed column widths, rows that do not split, cells of
styled lines, muted notes. python-docx is imported inside each function (start-up memory)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from scoring.report_data import Translate

if TYPE_CHECKING:
    from docx.document import Document as DocumentObject
    from docx.shared import RGBColor
    from docx.table import Table, _Cell
    from docx.text.paragraph import Paragraph

MUTED_RGB = (0x55, 0x5A, 0x5F)  # grey, for notes and blanks
HEAD_FILL = "D9E7E6"  # the tables' header rows: a light shade of the chart's teal


def muted() -> RGBColor:
    """The grey of notes and blanks as a python-docx colour."""
    from docx.shared import RGBColor

    return RGBColor(*MUTED_RGB)


def set_lang(element: object, tag: str) -> None:
    """Set (or add) `<w:lang w:val=… w:eastAsia=…>` in an rPr-like element."""
    from docx.oxml.ns import qn
    from docx.oxml.parser import OxmlElement

    rpr = element
    lang = rpr.find(qn("w:lang"))  # type: ignore[attr-defined]
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)  # type: ignore[attr-defined]
    lang.set(qn("w:val"), tag)
    lang.set(qn("w:eastAsia"), tag)


def document_language(doc: DocumentObject, tag: str) -> None:
    """The language of the whole document (spelling, hyphenation, the reader's voice): in the
    style defaults, the Normal style and the settings, and in the file's properties."""
    from docx.oxml.ns import qn
    from docx.oxml.parser import OxmlElement

    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        if rpr is not None:
            set_lang(rpr, tag)
    set_lang(doc.styles["Normal"].element.get_or_add_rPr(), tag)
    settings = doc.settings.element
    theme = settings.find(qn("w:themeFontLang"))
    if theme is None:
        theme = OxmlElement("w:themeFontLang")
        settings.append(theme)
    theme.set(qn("w:val"), tag)
    doc.core_properties.language = tag


def field(paragraph: Paragraph, instruction: str, placeholder: str) -> None:
    """A Word field (PAGE, NUMPAGES) as begin / instruction / separate / result / end, so that
    Word and LibreOffice fill in the number on every page."""
    from docx.oxml.ns import qn
    from docx.oxml.parser import OxmlElement

    def run_with(child: object) -> None:
        r = OxmlElement("w:r")
        r.append(child)
        paragraph._p.append(r)

    for kind, text in (("begin", None), ("instr", instruction), ("separate", None)):
        if kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = f" {text} "
            run_with(instr)
        else:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run_with(char)
    result = OxmlElement("w:t")
    result.text = placeholder
    run_with(result)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def text_or_blank(doc: DocumentObject, text: str | None, tr: Translate) -> None:
    if text and text.strip():
        for line in text.strip().splitlines():
            doc.add_paragraph(line)
    else:
        muted_paragraph(doc, tr("report.blank"), small=False)


def muted_paragraph(doc: DocumentObject, text: str, *, small: bool = True) -> Paragraph:
    """A note in italics and grey: small beside the content (a caption, a guide), or at the
    size of the text where it stands in for missing content ("none yet")."""
    from docx.shared import Pt

    p = doc.add_paragraph()
    run = p.add_run(text)
    run.italic = True
    if small:
        run.font.size = Pt(9)
    run.font.color.rgb = muted()
    return p


def shade(cell: _Cell, fill: str) -> None:
    from docx.oxml.ns import qn
    from docx.oxml.parser import OxmlElement

    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def fixed_widths(table: Table, widths_cm: Sequence[float]) -> None:
    """Column widths that Word and LibreOffice both keep: a fixed layout, the grid and every
    cell's width."""
    from docx.shared import Cm

    table.autofit = False
    for column, width in zip(table.columns, widths_cm, strict=True):
        column.width = Cm(width)
        for cell in column.cells:
            cell.width = Cm(width)


def row_flags(table: Table, header_rows: int = 1, together: bool = False) -> None:
    """Rows never split over a page; the header row repeats on every page; with `together`
    the whole table stays on one page (each row keeps with the next)."""
    from docx.oxml.parser import OxmlElement

    for i, row in enumerate(table.rows):
        trpr = row._tr.get_or_add_trPr()
        trpr.append(OxmlElement("w:cantSplit"))
        if i < header_rows:
            trpr.append(OxmlElement("w:tblHeader"))
        if together and i < len(table.rows) - 1:
            for cell in row.cells:
                for p in cell.paragraphs:
                    p.paragraph_format.keep_with_next = True


def header_row(table: Table, labels: Sequence[str]) -> None:
    for cell, label in zip(table.rows[0].cells, labels, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(label).bold = True
        shade(cell, HEAD_FILL)


def cell_lines(cell: _Cell, lines: Sequence[tuple[str, str]]) -> None:
    """Fill a cell with (style, text) lines: "bold", "plain", "italic", "muted"."""
    from docx.shared import Pt

    cell.text = ""
    first = True
    for style, text in lines:
        p = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        p.paragraph_format.space_after = Pt(2)
        run = p.add_run(text)
        run.bold = style == "bold"
        run.italic = style in ("italic", "muted")
        if style == "muted":
            run.font.size = Pt(8.5)
            run.font.color.rgb = muted()
