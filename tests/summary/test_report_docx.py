"""The Word report a municipality can file, through the bot: A4, the channel's language, a
header with the practice and round, page numbers as a PAGE field, the template's opening
sections (quoted word for word from the seeds), per element its template text and the
template's question table (Nr. / Spørgsmål / Svar / Kommentarer) with how each team answer was
reached, the score table on one page with Danish decimal commas, the radar chart and the
comparison with the previous round. Also the Excel/CSV columns and `eksport alle runder`."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import docx
import openpyxl
from docx.document import Document as DocumentObject
from docx.oxml.ns import qn
from docx.shared import Cm
from docx.table import Table
from seedtext import in_seeds
from sqlalchemy import update

from bot.console.channel import Record
from bot.testing import BotHarness, texts
from dialogs import actions
from dialogs.messages import File
from scoring.catalogue import load_catalogue
from storage.models import Channel

CATALOGUE = load_catalogue()
WHY_13 = "Teorien er beskrevet, men ikke forankret."
HEADERS = ["Nr.", "Spørgsmål", "Svar", "Kommentarer"]


async def start(bot: BotHarness, channel: str | None = None) -> int:
    aid = await bot.start_assessment(channel=channel)
    return aid


async def first_round(bot: BotHarness) -> int:
    """Element 1 by three (Bo differs on 1.3, the facilitator decides); element 5 by Anna
    alone (single answers); notes for element 1; a delimitation; closed."""
    aid = await start(bot)
    await bot.say("Anna", "afgrænsning Recovery-forløb for beboerne; ikke dagtilbuddet.")
    for person in ("Anna", "Bo", "Carla"):
        for i in range(1, 7):
            value = "ja" if person == "Bo" and i == 3 else ("delvist" if i == 3 else "ja")
            await bot.say(person, f"svar 1.{i} {value}")
    await bot.say("Carla", "kommentar 1.1 Vi bruger LØFT og recovery-tilgangen.")
    await bot.say("Anna", f"teamsvar 1.3 delvist: {WHY_13}")
    await bot.say("Anna", "svar 5.1 ja")
    await bot.say("Anna", "svar 5.2 delvist")
    await bot.click(
        "Anna",
        actions.encode("f-notes", aid, 1),
        {"overall": "Vi står på recovery-tilgangen.", "potential": "Forankre teorien."},
    )
    await bot.say("Anna", "luk")
    await bot.say("Anna", "luk")  # the gaps first, then closing
    return aid


async def report(
    bot: BotHarness, command: str = "eksport word", channel: str | None = None
) -> tuple[list[Record], list[File]]:
    records = await bot.say("Anna", command, channel=channel)
    files = [b for r in records if r.message for b in r.message.blocks if isinstance(b, File)]
    return records, files


def read_csv(path: str) -> list[list[str]]:
    text = Path(path).read_bytes().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def tables_with_header(doc: DocumentObject, header: list[str]) -> list[Table]:
    return [t for t in doc.tables if [c.text for c in t.rows[0].cells] == header]


def headings(doc: DocumentObject) -> list[str]:
    return [p.text for p in doc.paragraphs if p.style is not None and "Heading" in p.style.name]


def doc_language(doc: DocumentObject) -> str | None:
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    assert defaults is not None
    lang = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
    return None if lang is None else lang.get(qn("w:val"))


async def test_word_report_has_the_templates_structure(bot: BotHarness) -> None:
    await first_round(bot)
    bot.clock.advance(days=365)
    await start(bot)
    for person in ("Anna", "Bo"):
        for i in range(1, 7):
            await bot.say(person, f"svar 1.{i} ja")
    _records, files = await report(bot)
    (word,) = files
    doc = docx.Document(word.path)

    # ---- A4, Danish, header with practice and round, page numbers as a field ----
    section = doc.sections[0]
    assert section.page_width is not None and section.page_height is not None
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert doc_language(doc) == "da-DK" and doc.core_properties.language == "da-DK"
    assert section.header.paragraphs[0].text == "Lovende praksis · Recovery-forløb · runde 2"
    footer = section.footer._element.xml
    assert "PAGE" in footer and 'w:fldCharType="begin"' in footer and "NUMPAGES" in footer
    assert section.footer.paragraphs[0].text.startswith("Side ")

    # ---- the template's opening sections, quoted word for word ----
    heads = headings(doc)
    opening = [s.title["da"] for s in CATALOGUE.guide]
    assert opening == [
        "Hvad er en praksis?",
        "Sådan kan I arbejde med Lovende praksis",
        "Organisering af arbejdet med Lovende praksis",
        "Beregning af score",
        "Generelle opmærksomhedspunkter i arbejdet med Lovende praksis",
    ]
    assert heads[: len(opening)] == opening
    paragraphs = [p.text for p in doc.paragraphs]
    for s in CATALOGUE.guide:
        for block in s.blocks:
            assert block.text["da"] in paragraphs, block.text["da"][:40]
            assert in_seeds(block.text["da"]), block.text["da"][:40]
    body = "\n".join(paragraphs)
    assert "Jeres afgrænsning: Recovery-forløb for beboerne; ikke dagtilbuddet." in body
    assert "Deltog i denne runde (2): Anna, Bo" in body
    assert "projektets egen, dokumenterede scoringstabel" in body and "vejledning" in body

    # ---- per element: its text, the template's table, then the two notes ----
    element_heads = [h for h in heads if h.startswith("Element ")]
    assert element_heads == [f"Element {e.number}: {e.name['da']}" for e in CATALOGUE.elements]
    for e in CATALOGUE.elements:
        for paragraph in e.template:
            assert paragraph["da"] in paragraphs
            assert in_seeds(paragraph["da"]), e.number
        i = heads.index(f"Element {e.number}: {e.name['da']}")
        assert heads[i + 1 : i + 3] == [
            f"Samlet vurdering af element {e.number}: {e.name['da']}",
            f"Udviklingspotentiale for element {e.number}: {e.name['da']}",
        ]
    question_tables = tables_with_header(doc, HEADERS)
    assert len(question_tables) == 11
    for e, table in zip(CATALOGUE.elements, question_tables, strict=True):
        ids = [r.cells[0].text for r in table.rows[1:]]
        expected = [q.id for q in e.questions if q.id != "2.3"]  # 2.3 only after 2.2 c
        assert ids == expected, e.number
    t1 = {r.cells[0].text: [c.text for c in r.cells] for r in question_tables[0].rows[1:]}
    assert t1["1.1"][1].endswith("(Fx LØFT, TEACH eller Jeg-støttende-samtaler)")
    assert t1["1.1"][2] == "Ja\nenighed blandt 2"
    assert t1["1.1"][3] == "–"
    t5 = {r.cells[0].text: [c.text for c in r.cells] for r in question_tables[4].rows[1:]}
    assert t5["5.1"][2] == "–" or "ikke besvaret" in t5["5.1"][2]  # round 2: not answered
    assert "Score: 1,00 – runde 1: 0,92 (ændring +0,08)" in body

    # ---- the score table on one page, names whole, decimal commas; chart; comparison ----
    (scores,) = tables_with_header(doc, ["Element", "Score", "Besvaret", "Runde 1", "Ændring"])
    rows = {r.cells[0].text: [c.text for c in r.cells[1:]] for r in scores.rows[1:]}
    assert rows["1. Teori og viden"] == ["1,00", "6/6", "0,92", "+0,08"]
    assert rows["5. Overførbarhed"] == ["–", "0/2", "0,75", ""]
    assert scores.columns[0].width is not None and scores.columns[0].width >= Cm(6)
    assert all(r._tr.trPr.find(qn("w:cantSplit")) is not None for r in scores.rows)
    assert all(c.paragraphs[0].paragraph_format.keep_with_next for c in scores.rows[0].cells)
    assert len(doc.inline_shapes) == 1
    assert "Sammenligning med runde 1" in heads
    assert "Størst fremgang: Teori og viden (+0,08)." in body
    assert "Samlet vurdering" in heads and "Scorer og spindelvæv" in heads


async def test_how_each_team_answer_was_reached(bot: BotHarness) -> None:
    """Agreement of n, the facilitator's decision with its justification, one answer — "1
    svar", never agreement — and the spread."""
    await first_round(bot)
    _records, files = await report(bot)
    doc = docx.Document(files[0].path)
    tables = tables_with_header(doc, HEADERS)
    t1 = {r.cells[0].text: [c.text for c in r.cells] for r in tables[0].rows[1:]}
    assert t1["1.1"][2] == "Ja\nenighed blandt 3"
    assert t1["1.1"][3] == "Carla: Vi bruger LØFT og recovery-tilgangen."
    assert t1["1.3"][2] == "Delvist\nfastsat af mødeleder Anna\nSvarfordeling: Ja 1 · Delvist 2"
    assert t1["1.3"][3] == f"Mødelederens begrundelse: {WHY_13}"
    t5 = {r.cells[0].text: [c.text for c in r.cells] for r in tables[4].rows[1:]}
    assert t5["5.1"][2] == "Ja\n1 svar"
    assert "enighed" not in t5["5.2"][2]
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "Sammenligning med runde" not in body  # the first round has none


async def test_english_channel_gets_an_english_a4_report(bot: BotHarness) -> None:
    await bot.say("Anna", "hjælp", channel="english")
    async with bot.runtime.sessions() as session, session.begin():
        await session.execute(
            update(Channel).where(Channel.external_id == "english").values(language="en")
        )
    await start(bot, channel="english")
    await bot.say("Anna", "answer 1.1 yes", channel="english")
    _records, files = await report(bot, "export word", channel="english")
    doc = docx.Document(files[0].path)
    assert doc_language(doc) == "en-GB"
    assert doc.sections[0].page_width is not None
    assert round(doc.sections[0].page_width.cm, 1) == 21.0
    assert (
        doc.sections[0].header.paragraphs[0].text
        == "Promising practice · Recovery-forløb · round 1"
    )
    assert "What is a practice?" in headings(doc)
    (t1, *_rest) = tables_with_header(doc, ["No.", "Question", "Answer", "Comments"])
    assert t1.rows[1].cells[2].text == "Yes\n1 answer"


async def test_excel_and_csv_carry_justification_respondents_and_every_round(
    bot: BotHarness,
) -> None:
    await first_round(bot)
    bot.clock.advance(days=365)
    await start(bot)
    await bot.say("Bo", "svar 1.1 nej")
    records, files = await report(bot, "eksport alle runder")
    assert "Eksport: Recovery-forløb – alle runder" in texts(records)
    assert [f.title for f in files] == [
        "Rapport (Word)",
        "Svar og scorer, alle runder (Excel)",
        "Alle svar, alle runder (CSV)",
    ]
    _word, xlsx, csv_file = files
    assert Path(xlsx.path).name == "lovende-praksis-recovery-forløb-alle-runder.xlsx"
    wb = openpyxl.load_workbook(xlsx.path)
    team = list(wb["Teamsvar"].iter_rows(values_only=True))
    assert team[0][:10] == (
        "Runde", "Spørgsmål", "Element nr.", "Spørgsmålstekst", "Teamets svar", "Svarkode",
        "Hvordan", "Antal svar", "Mødelederens begrundelse", "Svarfordeling",
    )  # fmt: skip
    by_round = {(r[0], r[1]): r for r in team[1:]}
    assert by_round[(1, "1.3")][6:9] == ("fastsat af mødeleder Anna", 3, WHY_13)
    assert by_round[(1, "5.1")][6:8] == ("1 svar", 1)
    assert by_round[(2, "1.1")][4] == "Nej" and by_round[(2, "1.1")][7] == 1
    scores = [r[:3] for r in wb["Scorer"].iter_rows(min_row=2, values_only=True)]
    assert (1, 1, "Teori og viden") in scores and (2, 1, "Teori og viden") in scores
    previous = {(r[0], r[1]): r[7] for r in wb["Scorer"].iter_rows(min_row=2, values_only=True)}
    assert previous[(2, 1)] is not None  # round 2 is compared with round 1

    rows = read_csv(csv_file.path)
    assert rows[0][-4:] == ["Teamets svar", "Hvordan", "Antal svar", "Mødelederens begrundelse"]
    anna_13 = next(r for r in rows if r[0] == "1" and r[1] == "1.3" and r[5] == "Anna")
    assert anna_13[-4:] == ["Delvist", "fastsat af mødeleder Anna", "3", WHY_13]
    assert {r[0] for r in rows[1:]} == {"1", "2"}

    one = await report(bot, "eksport csv")
    (single,) = one[1]
    assert {r[0] for r in read_csv(single.path)[1:]} == {"2"}
    assert "kender jeg ikke" in texts((await report(bot, "eksport pdf alle runder"))[0])
