"""Summaries, trends and exports driven through the whole bot (console channel, real DB)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import docx
import openpyxl
import pytest
from matplotlib.patches import Polygon
from PIL import Image as PILImage
from sqlalchemy import select, update

from bot.console.channel import Record
from bot.generators.assessment import AssessmentFiles
from bot.generators.keeper import Keeper
from bot.testing import ELEMENT_1, BotHarness, assert_has, assert_matches, texts
from dialogs import actions
from dialogs.assessment.report import radar_input
from dialogs.messages import File, Generate, Image
from scoring.chart import MAX_BYTES, MAX_PIXELS, build_radar, radar_vertices
from storage.files import GeneratedFiles
from storage.models import Channel
from storage.turns import CrossTenant

FORMULA = "=SUM(1;2) er bare tekst"
WHY_13 = "Teorien er beskrevet, men ikke forankret."
EXPECTED: list[float | None] = [0.5, 0.875, None, None, 1.0, None, None, None, None, None, None]


async def start(
    bot: BotHarness, practice: str = "Recovery-forløb", channel: str | None = None
) -> int:
    aid = await bot.start_assessment(practice, channel=channel)
    return aid


async def answer_known_set(bot: BotHarness, aid: int) -> None:
    """Element 1 → 0.50 (1.3 decided by Anna), element 2 → 0.875, element 5 → 1.00;
    6.1 stays an open disagreement; Anna writes notes for element 1 and the practice."""
    for person in ("Anna", "Bo", "Carla"):
        for i, value in enumerate(ELEMENT_1, 1):
            if person == "Bo" and i == 3:
                value = "ja"
            if person == "Anna" and i == 1:
                value = "ja: Vi bruger LØFT"
            await bot.say(person, f"svar 1.{i} {value}")
        await bot.say(person, "svar 2.1 ja")
        await bot.say(person, "svar 2.2 a,c")
        await bot.say(person, "svar 5.1 ja")
        await bot.say(person, "svar 5.2 nej")
    await bot.say("Carla", f"kommentar 5.1 {FORMULA}")
    await bot.say("Anna", "svar 6.1 ja")
    await bot.say("Bo", "svar 6.1 nej")
    await bot.say("Anna", f"teamsvar 1.3 delvist: {WHY_13}")
    await bot.click(
        "Anna",
        actions.encode("f-notes", aid, 1),
        {"overall": "Vi står på recovery-tilgangen.", "potential": "Forankre forandringsteorien."},
    )
    await bot.click(
        "Anna",
        actions.encode("f-overall", aid),
        {"overall": "En lovende praksis med styrker i mål.", "potentials": "Økonomi."},
    )


def blocks_of(records: list[Record], kind: type) -> list[object]:
    return [b for r in records if r.message for b in r.message.blocks if isinstance(b, kind)]


async def channel_id(bot: BotHarness, external: str = "team") -> int:
    async with bot.runtime.sessions() as session:
        found = await session.scalar(select(Channel.id).where(Channel.external_id == external))
    assert found is not None
    return found


def files_of(bot: BotHarness, output_dir: Path) -> AssessmentFiles:
    keeper = Keeper(GeneratedFiles(bot.runtime.sessions), bot.clock, output_dir)
    return AssessmentFiles(
        bot.runtime.sessions, bot.runtime.catalogue, bot.runtime.table, keeper, bot.clock
    )


async def check_private_file(bot: BotHarness, block: Image | File, output_dir: Path) -> Path:
    """The file is stored in the database (what the adapters hand out) under an unguessable
    id, and copied into LOVENDE_OUTPUT_DIR; the copy's path."""
    stored = await GeneratedFiles(bot.runtime.sessions).read(block.file_id)
    assert stored is not None and len(block.file_id) >= 43  # 256 random bits
    assert block.path is not None
    return check_copy(Path(block.path), stored.filename, stored.content, output_dir)


def check_copy(p: Path, filename: str, content: bytes, output_dir: Path) -> Path:
    assert p.is_file() and p.read_bytes() == content and p.name == filename
    # <output dir>/channel-<id>/round-<assessment id>-<unguessable>/<file> (file_copies.py)
    assert p.parent.parent.parent == output_dir.absolute()
    assert re.fullmatch(r"channel-\d+", p.parent.parent.name)
    assert re.fullmatch(r"round-\d+-[0-9a-f]{32}", p.parent.name)  # unguessable folder
    return p


async def test_summary_on_demand_shows_scores_disagreements_flags_potentials_and_chart(
    bot: BotHarness, output_dir: Path
) -> None:
    aid = await start(bot)
    await answer_known_set(bot, aid)
    records = await bot.say("Bo", "resultat")
    text = texts(records)
    assert_matches(
        text,
        r"1\. Teori og viden\s+0,50\n",
        r"2\. Virkning\s+0,88\n",  # 0.875: half up, as 0.625 → 0,63
        r"5\. Overførbarhed\s+1,00\n",
        r"6\. Økonomi\s+– · 0 af 3 besvaret\n",
    )
    assert_has(
        text,
        "Højest lige nu: Overførbarhed (1,00). Lavest lige nu: Teori og viden (0,50).",
        "Det er jer, der beslutter, hvad I vil udvikle",
        "Stadig åbne: 1 uenighed (6.1)",
        "Videnshuller (svaret “Ved ikke”): 1.5",
        "• Teori og viden: Forankre forandringsteorien.",
        "Vigtigst for hele praksis: Økonomi.",
        "Scorerne (0–1) er en vejledning",
    )
    assert "ændring siden" not in text  # first round: nothing to compare with

    (image,) = blocks_of(records, Image)
    assert isinstance(image, Image)
    assert image.alt == "Radardiagram over scorerne for Recovery-forløb, runde 1"
    png = await check_private_file(bot, image, output_dir)
    assert png.stat().st_size <= MAX_BYTES
    with PILImage.open(png) as img:
        assert max(img.size) <= MAX_PIXELS
    assert f"[{image.alt}] {image.path}" in text  # the console shows the path

    # The answers drive the chart: the polygon's corners lie at the element scores.
    gens = files_of(bot, output_dir)
    loaded = await gens.load(aid, await channel_id(bot))
    chart = radar_input(loaded.view, bot.runtime.catalogue, bot.runtime.table, "da")
    assert chart.values == pytest.approx(EXPECTED)
    assert chart.partial[2] and not chart.partial[0]
    fig = build_radar(chart.labels, chart.values, chart.previous, chart.partial, chart.title)
    patch = next(p for p in fig.axes[0].patches if p.get_gid() == "current")
    assert isinstance(patch, Polygon)
    corners = [(float(x), float(y)) for x, y in patch.get_xy()[:11]]
    flat = [c for xy in corners for c in xy]
    assert flat == pytest.approx([c for xy in radar_vertices(EXPECTED) for c in xy])
    assert [round((x * x + y * y) ** 0.5, 6) for x, y in corners] == pytest.approx(
        [v or 0.0 for v in EXPECTED]
    )


async def test_close_reassess_history_and_change_since_last_round(
    bot: BotHarness, output_dir: Path
) -> None:
    aid = await start(bot)
    await answer_known_set(bot, aid)
    await bot.say("Anna", "luk")  # asks to confirm: 6.1 is open
    closing = await bot.say("Anna", "luk")
    assert "har lukket målingen" in texts(closing)
    assert len(blocks_of(closing, Image)) == 1  # the summary with its chart

    bot.clock.advance(days=365)
    aid2 = await start(bot)
    assert aid2 != aid
    for person in ("Anna", "Bo"):
        for i in range(1, 6):
            await bot.say(person, f"svar 1.{i} ja")
        await bot.say(person, "svar 1.6 ikke relevant: passer ikke til os")
    text = texts(await bot.say("Bo", "result"))
    assert "Resultat: Recovery-forløb – runde 2" in text
    assert re.search(r"1\. Teori og viden\s+1,00 \(\+0,50\)", text)
    assert "Tal i parentes: ændring siden runde 1." in text

    gens = files_of(bot, output_dir)
    loaded = await gens.load(aid2, await channel_id(bot))
    chart = radar_input(loaded.view, bot.runtime.catalogue, bot.runtime.table, "da")
    assert chart.previous == pytest.approx(EXPECTED)
    assert chart.text.current == "Runde 2" and chart.text.previous == "Runde 1"

    records = await bot.say("Carla", "historik")
    history = texts(records)
    assert_has(
        history,
        "Udvikling over runder: Recovery-forløb",
        "Runde 1 (02.03.2026) · Runde 2 (i gang)",
        "1. Teori og viden: 0,50 · 1,00",
        "2. Virkning: 0,88 · –",
    )
    (image,) = blocks_of(records, Image)
    assert isinstance(image, Image)
    await check_private_file(bot, image, output_dir)


async def test_export_word_excel_and_csv(bot: BotHarness, output_dir: Path) -> None:
    aid = await start(bot)
    await answer_known_set(bot, aid)
    await bot.say("Anna", "luk")
    await bot.say("Anna", "luk")
    records = await bot.say("Bo", "eksport")
    assert "Eksport: Recovery-forløb – runde 1" in texts(records)
    assert "udkast" not in texts(records)  # the round is closed
    files = [b for b in blocks_of(records, File) if isinstance(b, File)]
    assert [f.title for f in files] == [
        "Rapport (Word)",
        "Svar og scorer (Excel)",
        "Alle svar (CSV)",
    ]
    paths = [await check_private_file(bot, f, output_dir) for f in files]
    assert len({p.parent for p in paths}) == 3  # each file in its own folder
    assert [f.filename for f in files] == [p.name for p in paths]
    docx_path, xlsx_path, csv_path = paths
    assert docx_path.name == "lovende-praksis-recovery-forløb-1.docx"

    # ---- Word: the official template's structure (tests/summary/test_report_docx.py) ----
    doc = docx.Document(str(docx_path))
    paragraphs = [p.text for p in doc.paragraphs]
    assert paragraphs[0] == "Lovende praksis: Recovery-forløb"
    info = {r.cells[0].text: r.cells[1].text for r in doc.tables[0].rows}
    assert info["Praksis"] == "Recovery-forløb"
    assert info["Runde"] == "1"
    assert info["Lukket"] == "02.03.2026"
    assert info["Deltagere"] == "Anna, Bo, Carla"
    assert "Element 1: Teori og viden" in paragraphs
    assert paragraphs[paragraphs.index("Element 1: Teori og viden") + 1].startswith(
        "Lovende praksis er forankret i veldefineret teori og aktuelt bedste viden."
    )
    element_1 = {r.cells[0].text: [c.text for c in r.cells] for r in doc.tables[1].rows[1:]}
    assert element_1["1.1"][1] == (
        "Er praksis baseret på en eller flere navngivne teorier eller metoder?\n"
        "(Fx LØFT, TEACH eller Jeg-støttende-samtaler)"
    )
    assert element_1["1.1"][2] == "Ja\nenighed blandt 3"
    assert (
        element_1["1.3"][2] == "Delvist\nfastsat af mødeleder Anna\nSvarfordeling: Ja 1 · Delvist 2"
    )
    assert element_1["1.3"][3] == f"Mødelederens begrundelse: {WHY_13}"
    assert "Anna: Vi bruger LØFT" in element_1["1.1"][3]
    assert "Bo: passer ikke til os" in element_1["1.6"][3]
    element_6 = {r.cells[0].text: [c.text for c in r.cells] for r in doc.tables[6].rows[1:]}
    assert element_6["6.1"][2].startswith("uenighed – ikke afklaret")
    element_2 = {r.cells[0].text: [c.text for c in r.cells] for r in doc.tables[2].rows[1:]}
    assert element_2["2.2"][2].endswith("enighed blandt 3")
    i = paragraphs.index("Samlet vurdering af element 1: Teori og viden")
    assert paragraphs[i + 1] == "Vi står på recovery-tilgangen."
    i = paragraphs.index("Udviklingspotentiale for element 1: Teori og viden")
    assert paragraphs[i + 1] == "Forankre forandringsteorien."
    assert "Samlet vurdering af element 11: Opfølgning" in paragraphs
    i = paragraphs.index("Samlet vurdering af jeres praksis")
    assert paragraphs[i + 1] == "En lovende praksis med styrker i mål."
    i = paragraphs.index("Væsentligste udviklingspotentialer for jeres praksis")
    assert paragraphs[i + 1] == "Økonomi."
    assert "Åbne uenigheder: 6.1" in paragraphs
    scores = {r.cells[0].text: r.cells[1].text for r in doc.tables[-1].rows[1:]}
    assert scores["1. Teori og viden"] == "0,50"
    assert scores["2. Virkning"] == "0,88"
    assert scores["5. Overførbarhed"] == "1,00"
    assert scores["6. Økonomi"] == "–"
    assert len(doc.inline_shapes) == 1  # the radar chart
    assert any(p.startswith("Scorerne (0–1) er en vejledning") for p in paragraphs)

    # ---- Excel ----
    wb = openpyxl.load_workbook(xlsx_path)
    assert wb.sheetnames == ["Scorer", "Medlemssvar", "Teamsvar", "Vurderinger"]
    score_rows = {r[1]: r for r in wb["Scorer"].iter_rows(min_row=2, values_only=True)}
    assert score_rows[1][:6] == (1, 1, "Teori og viden", 0.5, 6, 6)
    assert score_rows[2][3] == 0.88  # rounded as shown everywhere (0.875 → 0,88)
    assert score_rows[5][3] == 1.0
    assert score_rows[6][3] is None
    members = list(wb["Medlemssvar"].iter_rows(min_row=2, values_only=True))
    assert (1, "1.1", 1, "Teori og viden") == members[0][:4]
    assert ("Anna", "Ja", "ja", "Vi bruger LØFT") in [m[5:] for m in members]
    formula_cell = next(
        c for row in wb["Medlemssvar"].iter_rows(min_row=2) for c in row if c.value == FORMULA
    )
    assert formula_cell.data_type == "s"  # stored as text, never evaluated
    team = {r[1]: r for r in wb["Teamsvar"].iter_rows(min_row=2, values_only=True)}
    assert team["1.3"][4:9] == ("Delvist", "delvist", "fastsat af mødeleder Anna", 3, WHY_13)
    assert team["1.3"][9] == "Ja 1 · Delvist 2"
    assert team["6.1"][6] == "uenighed – ikke afklaret"
    notes = {r[1]: r for r in wb["Vurderinger"].iter_rows(min_row=2, values_only=True)}
    assert notes[1][3:] == ("Vi står på recovery-tilgangen.", "Forankre forandringsteorien.")

    # ---- CSV: UTF-8 with BOM, `;`, one row per member answer ----
    raw = csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with csv_path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f, delimiter=";"))
    assert rows[0][:3] == ["Runde", "Spørgsmål", "Element nr."]
    anna_11 = next(r for r in rows if r[1] == "1.1" and r[5] == "Anna")
    assert anna_11[6:13] == ["Ja", "ja", "Vi bruger LØFT", "Ja", "enighed blandt 3", "3", ""]
    carla_51 = next(r for r in rows if r[1] == "5.1" and r[5] == "Carla")
    assert carla_51[8] == "'" + FORMULA  # defused for spreadsheets
    assert len([r for r in rows if r[1] == "1.3"]) == 3


async def test_export_formats_bad_input_and_no_assessment(bot: BotHarness) -> None:
    assert "Der er ingen måling" in texts(await bot.say("Anna", "historik"))
    assert "Der er ingen måling" in texts(await bot.say("Anna", "eksport"))
    aid = await start(bot)
    await bot.say("Anna", "svar 1.1 ja")
    refused = texts(await bot.say("Anna", "eksport pdf"))
    assert "Det format kender jeg ikke" in refused
    records = await bot.say("Bo", "eksport excel")
    files = blocks_of(records, File)
    assert [f.title for f in files if isinstance(f, File)] == ["Svar og scorer (Excel)"]
    assert "Målingen er stadig i gang, så rapporten er et udkast." in texts(records)
    records = await bot.say("Bo", "eksport word")
    (report,) = [f for f in blocks_of(records, File) if isinstance(f, File)]
    paragraphs = [p.text for p in docx.Document(report.path).paragraphs]
    assert "Målingen er ikke lukket endnu – denne rapport er et udkast." in paragraphs
    assert aid == 1


async def test_english_channel_gets_english_chart_and_report(bot: BotHarness) -> None:
    await bot.say("Anna", "hjælp", channel="english")
    async with bot.runtime.sessions() as session, session.begin():
        await session.execute(
            update(Channel).where(Channel.external_id == "english").values(language="en")
        )
    aid = await start(bot, "Recovery", channel="english")
    await bot.answer("Anna", 1, ELEMENT_1, channel="english", word="answer")
    records = await bot.say("Anna", "result", channel="english")
    assert "Result: Recovery – round 1" in texts(records)
    (image,) = blocks_of(records, Image)
    assert isinstance(image, Image) and image.alt.startswith("Radar chart")
    records = await bot.say("Anna", "export word", channel="english")
    (report,) = [f for f in blocks_of(records, File) if isinstance(f, File)]
    doc = docx.Document(report.path)
    paragraphs = [p.text for p in doc.paragraphs]
    assert "Overall assessment of element 1: Theory and knowledge" in paragraphs
    assert doc.tables[1].rows[1].cells[2].text == "Yes\n1 answer"  # Anna alone: not agreement
    assert aid > 0


async def test_generators_refuse_another_channels_assessment(bot: BotHarness) -> None:
    aid = await start(bot)
    await bot.say("Eve", "hjælp", channel="other")
    other = await channel_id(bot, "other")
    for kind in ("radar", "history", "report_docx", "export_xlsx", "export_csv"):
        with pytest.raises(CrossTenant):
            await bot.runtime.engine.generators[kind](Generate(kind, aid, "x"), other)
