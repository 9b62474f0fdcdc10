"""Render the Word report to PDF pages, so a person can look at it.

    .venv/bin/python scripts/render_report.py [--out DIR] [--lang da|en] [--docx FILE]

Without `--docx` it first plays two rounds of a practice through the bot on a temporary
database (three members, a disagreement the facilitator settles, single answers, comments,
notes; the second round a year later) and exports the second round's report, which compares
with the first. Then, where LibreOffice is installed, it converts the report to PDF
(`soffice --headless --convert-to pdf`) and, where poppler is installed, the PDF to one PNG per
page (`pdftoppm`). Neither is needed by the bot or the tests: without them the script stops
after the .docx and says what is missing (Debian: `apt-get install libreoffice-writer
poppler-utils`).
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import update  # noqa: E402

from bot.demo import NOT_RELEVANT_WHY, TEAM_ANSWERS  # noqa: E402
from bot.testing import BotHarness  # noqa: E402
from dialogs import actions  # noqa: E402
from dialogs.messages import File  # noqa: E402
from storage.files import GeneratedFiles  # noqa: E402
from storage.models import Channel  # noqa: E402

TEAM = ("Anna", "Bo", "Carla")
# The second round: what the team improved after a year (element → answers).
BETTER = {
    1: ["ja", "ja", "ja", "nej", "ja", "ja"],
    4: ["ja", "ja", "ja", "ja", "ja", "ja", "ja", "ja", "delvist"],
    8: ["ja", "ja", "delvist", "nej"],
}


async def answer_round(bot: BotHarness, answers: dict[int, list[str]], channel: str) -> None:
    for person in TEAM:
        for element, values in answers.items():
            for i, value in enumerate(values, 1):
                qid = f"{element}.{i}"
                if element == 6 and person != "Anna":
                    continue  # only Anna knows the finances: single answers ("1 svar")
                if person == "Bo" and qid == "1.3":
                    value = "ja"
                why = f": {NOT_RELEVANT_WHY}" if value == "ikke relevant" else ""
                await bot.say(person, f"svar {qid} {value}{why}", channel=channel)
        await bot.say(person, "svar 2.3 universitet", channel=channel)


async def play(lang: str) -> Path:
    work = Path(tempfile.mkdtemp(prefix="lovende-report-"))
    bot = await BotHarness.start(f"sqlite+aiosqlite:///{work / 'report.db'}")
    channel = "rapport"
    try:
        if lang == "en":
            await bot.say("Anna", "hjælp", channel=channel)  # the channel exists from now on
            async with bot.runtime.sessions() as session, session.begin():
                await session.execute(
                    update(Channel).where(Channel.external_id == channel).values(language="en")
                )
        for round_no, answers in enumerate((TEAM_ANSWERS, {**TEAM_ANSWERS, **BETTER}), 1):
            await bot.say("Anna", "start Recovery-forløb i botilbuddet", channel=channel)
            aid = int(actions.decode(bot.button("lp:pace:")).args[0])
            await bot.click("Anna", actions.encode("pace", aid, "all"), channel=channel)
            await bot.say(
                "Anna",
                "afgrænsning Individuelle recovery-forløb for beboerne; ikke dagtilbuddet.",
                channel=channel,
            )
            await answer_round(bot, answers, channel)
            await bot.say(
                "Carla",
                "kommentar 1.1 Vi bruger recovery-tilgangen og Jeg-støttende samtaler.",
                channel=channel,
            )
            await bot.say(
                "Bo",
                "kommentar 1.3 Forandringsteorien er beskrevet, men bruges ikke i hverdagen.",
                channel=channel,
            )
            await bot.say(
                "Anna",
                "teamsvar 1.3 delvist: Teorien er beskrevet, men ikke forankret i hele "
                "personalegruppen.",
                channel=channel,
            )
            for number, (overall, potential) in {
                1: (
                    "Praksis bygger på recovery-tilgangen og egne erfaringer.",
                    "Forankre forandringsteorien i hele personalegruppen.",
                ),
                6: ("Vi kender kun en del af omkostningerne.", "Få overblik over udgifterne."),
            }.items():
                await bot.click(
                    "Anna",
                    actions.encode("f-notes", aid, number),
                    {"overall": overall, "potential": potential},
                    channel=channel,
                )
            await bot.click(
                "Anna",
                actions.encode("f-overall", aid),
                {
                    "overall": f"Runde {round_no}: en lovende praksis med styrker i mål.",
                    "potentials": "Økonomi og forankring af teorien.",
                },
                channel=channel,
            )
            await bot.say("Anna", "luk", channel=channel)
            await bot.say("Anna", "luk", channel=channel)  # confirms with open disagreements
            bot.clock.advance(days=365)
        records = await bot.say("Anna", "eksport word", channel=channel)
        files = [b for r in records if r.message for b in r.message.blocks if isinstance(b, File)]
        if not files:
            raise SystemExit("the bot made no report")
        # The report is stored in the database (storage/files.py): written out here.
        stored = await GeneratedFiles(bot.runtime.sessions).read(files[0].file_id)
        assert stored is not None
        path = work / stored.filename
        path.write_bytes(stored.content)
        return path
    finally:
        await bot.close()


def keep(report: Path, out: Path, lang: str) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"rapport-{lang}.docx"
    shutil.copyfile(report, target)
    return target


def to_pdf(docx: Path, out: Path) -> Path | None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        print("LibreOffice is not installed: stopping at the .docx")
        return None
    subprocess.run(
        [soffice, "--headless", "--convert-to", "pdf", "--outdir", str(out), str(docx)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return out / (docx.stem + ".pdf")


def to_pages(pdf: Path, out: Path, dpi: int) -> list[Path]:
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        print("poppler (pdftoppm) is not installed: stopping at the PDF")
        return []
    prefix = out / pdf.stem
    subprocess.run(
        [pdftoppm, "-png", "-r", str(dpi), str(pdf), str(prefix)], check=True, timeout=300
    )
    return sorted(out.glob(f"{pdf.stem}-*.png"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=Path("out/report-pages"))
    parser.add_argument("--lang", choices=("da", "en"), default="da")
    parser.add_argument("--docx", type=Path, help="render this report instead of a demo one")
    parser.add_argument("--dpi", type=int, default=70, help="resolution of the page images")
    args = parser.parse_args()
    docx = args.docx or keep(asyncio.run(play(args.lang)), args.out, args.lang)
    print(f"report: {docx}")
    pdf = to_pdf(docx, args.out)
    if pdf is None:
        return
    print(f"pdf:    {pdf}")
    for page in to_pages(pdf, args.out, args.dpi):
        print(f"page:   {page}")


if __name__ == "__main__":
    main()
