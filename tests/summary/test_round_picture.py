"""The round's picture through the whole bot (issue 17): a question one member answered is
"1 svar", never agreement (progress, summary, gaps, report, Excel, CSV); the progress total is
59 whatever 2.2 says; the delimitation is on the progress, the summary and the report; the
summary names highest and lowest only among elements with enough answers and says the team
decides; partly answered rows read "4 af 6 besvaret"; numbers are Danish (0,63 — 0.625 and
0.875 rounded alike) in the chat, the radar chart's labels, the history image, Word and Excel."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import docx
import openpyxl
from sqlalchemy import select, update

from bot.console.channel import Record
from bot.generators.assessment import AssessmentFiles
from bot.testing import BotHarness, assert_has, assert_matches, texts
from dialogs.assessment.report import history_table, radar_input
from dialogs.messages import File
from scoring.chart import build_radar, build_score_table
from storage.models import Assessment, Channel

BOTH = {
    "1.1": "ja",
    "1.2": "ja",
    "1.3": "delvist",
    "1.4": "nej",  # element 1: 2.5 of 4 = 0.625, 4 of 6 answered
    "2.1": "ja",
    "2.2": "a,c",  # element 2: 1.75 of 2 = 0.875, complete
    "3.1": "ja",  # element 3: 1.00, but 1 of 8 answered: not enough to be named
}
ANNA_ONLY = {"5.1": "ja", "5.2": "nej"}  # element 5: 1.00, complete, each "1 svar"


async def answered(bot: BotHarness, channel: str | None = None) -> int:
    await bot.say("Anna", "start Recovery-forløb", channel=channel)
    for qid, value in BOTH.items():
        for person in ("Anna", "Bo"):
            await bot.say(person, f"svar {qid} {value}", channel=channel)
    for qid, value in ANNA_ONLY.items():
        await bot.say("Anna", f"svar {qid} {value}", channel=channel)
    await bot.say("Anna", "svar 4.1 ja", channel=channel)
    await bot.say("Bo", "svar 4.1 nej", channel=channel)  # an open disagreement
    async with bot.runtime.sessions() as session:
        aid = await session.scalar(select(Assessment.id).order_by(Assessment.id.desc()))
    assert aid is not None
    return aid


def files(records: list[Record]) -> dict[str, Path]:
    return {
        Path(b.path).suffix: Path(b.path)
        for r in records
        if r.message
        for b in r.message.blocks
        if isinstance(b, File)
    }


async def test_the_progress_counts_59_and_keeps_one_answer_apart_from_agreement(
    bot: BotHarness,
) -> None:
    await answered(bot)
    before = texts(await bot.say("Bo", "status"))
    await bot.say("Anna", "svar 2.3 universitet")  # asked because 2.2 includes c
    progress = texts(await bot.say("Bo", "status"))
    for text in (before, progress):  # 2.3 changes nothing: the total is 59 everywhere
        assert "10/59" in text and "10 af 59" not in text
    assert_has(
        progress,
        "Enige (2 eller flere)   7",
        "Kun 1 svar              2",
        "Fastsat af mødelederen  0",
        "Uenigheder              1",
        "2.3 stilles kun, når I har valgt c i 2.2, og tæller ikke med",
        "Afgrænsning: ikke skrevet endnu – skriv `afgrænsning «én linje»`.",
    )
    await bot.say("Anna", "afgrænsning Unge 18–25 i eget hjem")
    assert "Afgrænsning: Unge 18–25 i eget hjem" in texts(await bot.say("Bo", "status"))


async def test_the_summary_names_highest_and_lowest_only_where_answers_carry_it(
    bot: BotHarness,
) -> None:
    await answered(bot)
    await bot.say("Anna", "afgrænsning Unge 18–25 i eget hjem")
    text = texts(await bot.say("Bo", "resultat"))
    assert "Afgrænsning: Unge 18–25 i eget hjem" in text
    assert_matches(
        text,
        r"1\. Teori og viden\s+0,63 · 4 af 6 besvaret\n",  # 0.625
        r"2\. Virkning\s+0,88\n",  # 0.875: the same rule
        r"3\. Beskrivelse\s+1,00 · 1 af 8 besvaret\n",
        r"4\. Mål\s+– · 0 af 9 besvaret\n",
    )
    # Element 3 scores 1,00 from one question of eight: it is not named.
    assert_has(
        text,
        "Højest lige nu: Overførbarhed (1,00). Lavest lige nu: Teori og viden (0,63).",
        "Det er jer, der beslutter, hvad I vil udvikle",
        "Kun 1 svar (tæller med i scoren, men er ikke en fælles vurdering): 5.1, 5.2",
        "Stadig åbne: 1 uenighed (4.1)",
    )
    assert "enighed" not in text.split("Kun 1 svar")[0].casefold().replace("uenighed", "")
    assert "Stærkest" not in text and "delvis:" not in text


async def test_one_partly_answered_element_is_never_both_strongest_and_weakest(
    bot: BotHarness,
) -> None:
    await bot.say("Anna", "start Recovery-forløb")
    await bot.say("Anna", "svar 1.1 ja")
    await bot.say("Anna", "svar 1.2 delvist")
    text = texts(await bot.say("Anna", "resultat"))
    assert "Højest lige nu" not in text and "Lavest lige nu" not in text
    assert "Højeste og laveste element nævner jeg først, når mindst to elementer" in text
    assert "Det er jer, der beslutter, hvad I vil udvikle" in text
    assert re.search(r"1\. Teori og viden\s+0,75 · 2 af 6 besvaret\n", text)


async def test_the_gaps_before_closing_list_the_single_answers(bot: BotHarness) -> None:
    await answered(bot)
    gaps = texts(await bot.say("Anna", "luk"))
    assert "Kun 1 svar: 2 spørgsmål (5.1, 5.2)" in gaps
    assert "Uenigheder: 1 uenighed (4.1)" in gaps


async def test_report_excel_csv_history_and_chart_say_1_svar_and_write_danish_numbers(
    bot: BotHarness, tmp_path: Path
) -> None:
    aid = await answered(bot)
    await bot.say("Anna", "afgrænsning Unge 18–25 i eget hjem")
    found = files(await bot.say("Bo", "eksport"))

    doc = docx.Document(str(found[".docx"]))
    paragraphs = [p.text for p in doc.paragraphs]
    info = {r.cells[0].text: r.cells[1].text for r in doc.tables[0].rows}
    assert info["Afgrænsning"] == "Unge 18–25 i eget hjem"
    assert "Score: 0,63 (4 af 6 besvaret)" in paragraphs
    element_1 = {r.cells[0].text: r.cells[2].text for r in doc.tables[1].rows[1:]}
    assert element_1["1.1"] == "Ja\nenighed blandt 2"
    element_5 = {r.cells[0].text: r.cells[2].text for r in doc.tables[5].rows[1:]}
    assert element_5["5.1"] == "Ja\n1 svar"  # one member: counted, not agreement
    assert (
        "Kun 1 svar (tæller med i scoren, men er ikke en fælles vurdering): 5.1, 5.2" in paragraphs
    )
    scores = {r.cells[0].text: r.cells[1].text for r in doc.tables[-1].rows[1:]}
    assert scores["1. Teori og viden"] == "0,63*"
    assert scores["2. Virkning"] == "0,88"

    wb = openpyxl.load_workbook(found[".xlsx"])
    rows = {r[1]: r for r in wb["Scorer"].iter_rows(min_row=2, values_only=True)}
    assert (rows[1][3], rows[2][3]) == (0.63, 0.88)  # the number shown, rounded half up
    team = {r[1]: r for r in wb["Teamsvar"].iter_rows(min_row=2, values_only=True)}
    assert (team["5.1"][6], team["5.1"][7]) == ("1 svar", 1)
    assert (team["1.1"][6], team["1.1"][7]) == ("enighed blandt 2", 2)

    with found[".csv"].open(encoding="utf-8-sig", newline="") as f:
        csv_rows = list(csv.reader(f, delimiter=";"))
    anna_51 = next(r for r in csv_rows if r[1] == "5.1" and r[5] == "Anna")
    assert anna_51[9:12] == ["Ja", "1 svar", "1"]

    history = texts(await bot.say("Bo", "historik"))
    assert "1. Teori og viden: 0,63*" in history and "2. Virkning: 0,88" in history

    # The images: the radar chart's labels and the history table's cells, as drawn.
    gens = AssessmentFiles(
        bot.runtime.sessions, bot.runtime.catalogue, bot.runtime.table, tmp_path, bot.clock
    )
    async with bot.runtime.sessions() as session:
        channel = await session.scalar(select(Channel.id).where(Channel.external_id == "team"))
    assert channel is not None
    loaded = await gens.load(aid, channel)
    r = radar_input(loaded.view, bot.runtime.catalogue, bot.runtime.table, "da")
    fig = build_radar(r.labels, r.values, r.previous, r.partial, r.title, r.text)
    labels = [t.get_text() for t in fig.axes[0].texts]
    assert "Teori og viden\n0,63*" in labels and "Virkning\n0,88" in labels
    h = history_table([loaded.view], bot.runtime.catalogue, bot.runtime.table, "da", loaded.zone)
    table = build_score_table(h.rows, ["Runde 1"], h.cells, h.partial, "t")
    cells = [t.get_text() for t in table.axes[0].texts]
    assert "0,63*" in cells and "0,88" in cells and "0.63*" not in cells


async def test_an_english_channel_writes_a_decimal_point_and_english_words(
    bot: BotHarness,
) -> None:
    await bot.say("Anna", "hjælp", channel="english")
    async with bot.runtime.sessions() as session, session.begin():
        await session.execute(
            update(Channel).where(Channel.external_id == "english").values(language="en")
        )
    await answered(bot, channel="english")
    text = texts(await bot.say("Bo", "result", channel="english"))
    assert re.search(r"1\. Theory and knowledge\s+0\.63 · 4 of 6 answered\n", text)
    assert "Only 1 answer (counts in the score, but it is not a shared judgement): 5.1, 5.2" in text
    assert "Still open: 1 disagreement (4.1)" in text
    progress = texts(await bot.say("Bo", "status", channel="english"))
    assert "Answered: " in progress and "10/59" in progress and "Only 1 answer" in progress
