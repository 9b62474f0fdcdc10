"""`lovende demo`: a complete assessment by three simulated members on a fresh database, the
results discussion after it and the reflection meeting it leads to."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from bot.console.channel import ConsoleChannel
from bot.console.render import render
from bot.console.session import ConsoleSession
from bot.runtime import build_runtime
from bot.settings import for_console, load_settings
from dialogs.messages import File, Image

# The team's answers per element. Bo disagrees on 1.3; the facilitator settles it.
TEAM_ANSWERS = {
    1: ["ja", "ja", "delvist", "nej", "ved ikke", "ikke relevant"],
    2: ["ja", "a,c"],
    3: ["ja", "ja", "ja", "delvist", "ja", "nej", "delvist", "ja"],
    4: ["ja", "ja", "ja", "ja", "ja", "ja", "delvist", "delvist", "nej"],
    5: ["ja", "nej"],
    6: ["delvist", "ved ikke", "nej"],
    7: ["ja", "ja", "delvist", "delvist"],
    8: ["ja", "delvist", "nej", "nej"],
    9: ["ja", "ja", "ja", "delvist", "ja", "ja", "delvist"],
    10: ["ja", "ja", "delvist", "ja", "nej", "ja", "nej"],
    11: ["ja", "ja", "ja", "delvist", "ja", "delvist", "nej"],
}
NOT_RELEVANT_WHY = "Vi har kun én udenlandsk kilde, og den er ikke relevant for målgruppen."


def script() -> list[str | tuple[str, str]]:
    """Input lines; a tuple ("press", action prefix) presses the newest matching button."""
    lines: list[str | tuple[str, str]] = [
        "/som Anna",
        "start Recovery-forløb i botilbuddet",
        "afgrænsning Individuelle recovery-forløb for beboerne; ikke dagtilbuddet.",
        ("press", "lp:pace:1:all"),
    ]
    for person in ("Anna", "Bo", "Carla"):
        lines.append(f"/som {person}")
        for element, answers in TEAM_ANSWERS.items():
            for i, answer in enumerate(answers, 1):
                qid = f"{element}.{i}"
                if person == "Bo" and qid == "1.3":
                    answer = "ja"
                why = f": {NOT_RELEVANT_WHY}" if answer == "ikke relevant" else ""
                lines.append(f"svar {qid} {answer}{why}")
        lines.append("svar 2.3 universitet")
    lines += [
        "kommentar 1.3 Vi har beskrevet forandringsteorien, men den bruges ikke i hverdagen.",
        "/som Anna",
        "teamsvar 1.3 delvist: Teorien er beskrevet, men ikke forankret i hele personalegruppen.",
        "vurdering 1",
        "Praksis bygger på recovery-tilgangen og egne erfaringer.",
        "Forankre forandringsteorien i hele personalegruppen.",
        "samlet",
        "En lovende praksis med styrker i mål og beskrivelse.",
        "Økonomi og relationelt samarbejde.",
        "luk",
    ]
    return lines


def discussion_script() -> list[str | tuple[str, str]]:
    """The results discussion booklet 1 proposes, live: each member's private notes, the
    round, the questions behind the lowest scores and a vote on the development potentials.
    Lines after a command that opens a form fill its fields in order (strengths, potentials,
    surprises; an empty line leaves a field empty)."""
    return [
        "/som Anna",
        "drøftelse start live",
        "drøftelse noter",
        "Mål og beskrivelse står stærkt",
        "Forankre forandringsteorien i hele personalegruppen",
        "",
        "/som Bo",
        "drøftelse noter",
        "Vi dokumenterer mere end før",
        "Fast opfølgning på beboernes mål",
        "At vi svarer så forskelligt om teorien",
        "/som Carla",
        "drøftelse potentiale Skriftlig introduktion til metoden for nye kolleger",
        "drøftelse overraskelse Den lave score på økonomi",
        "/som Anna",
        "drøftelse næste",  # the round
        "drøftelse næste",  # the lowest scores, element by element in the thread
        ("press", "lp:dc-pot:"),  # on the last element card: 1. Teori og viden
        "Find viden fra andre tilbud med samme målgruppe",
        "drøftelse næste",  # the vote
        "drøftelse stem 1, 2",
        "/som Bo",
        "drøftelse stem 2, 3",
        "/som Carla",
        ("press", "lp:dc-vote:"),
        "2, 4",
        "/som Anna",
        "drøftelse næste",  # the result, by votes
    ]


def meeting_script(today: date | None = None) -> list[str | tuple[str, str]]:
    """A live reflection meeting on the results (læringsdialog), planned from the results
    discussion (its prioritised potentials are the meeting's first observations): the three
    points from each member, the four steps, the agreement paper with two actions. Lines after
    a command that opens a form fill its fields in order (an empty line keeps the suggested
    value)."""
    day = today or date.today()

    def when(days: int, clock: str = "") -> str:
        return (day + timedelta(days=days)).strftime("%d.%m.%Y") + (f" {clock}" if clock else "")

    prep = {
        "Anna": ("Mål og beskrivelse står stærkt", "Teorien er ikke forankret i hverdagen", ""),
        "Bo": ("Vi dokumenterer mere end før", "Vi følger for sjældent op på beboernes mål", ""),
        "Carla": (
            "Beboerne oplever at blive hørt",
            "Nye kolleger kender ikke metoden",
            "Hvorfor svarer vi “ved ikke” på 1.5?",
        ),
    }
    lines: list[str | tuple[str, str]] = [
        "/som Anna",
        ("press", "lp:dc-meet:"),  # = `møde planlæg`, with the discussion's potentials
        when(7, "13:00"),
        "",
        "",
        "",
        "",
        "",
        "1, 8",
    ]
    for person, points in prep.items():
        lines += [f"/som {person}", "møde forbered", *points]
    lines += ["/som Anna", "møde start", "møde næste"]
    lines += [
        "/som Bo",
        ("press", "lp:mt-vote:"),
        "5,6",
        "/som Carla",
        ("press", "lp:mt-vote:"),
        "5",
    ]
    lines += [
        "/som Anna", "møde temaer 5,6", "møde næste",
        "/som Bo", "møde forklaring 1 Vi har ingen fast rytme for opfølgning på målene.",
        "/som Carla", "møde forklaring 2 Introduktionen af nye kolleger er kort og mundtlig.",
        "/som Anna", "møde næste",
        "møde aftalepapir", "Alle beboere har haft en opfølgningssamtale om deres mål.",
        "Recovery-mål er en fast del af hverdagen.", "", "Andel beboere med opdaterede mål.",
        when(35, "13:00"),
        "møde handling", "Indføre fast månedlig opfølgning på beboernes mål.", "bo", "",
        when(30), "11",
        "møde handling", "Lave en skriftlig introduktion til metoden for nye kolleger.",
        "carla", "", when(45), "1",
        "møde næste",
    ]  # fmt: skip
    return lines


async def run_demo(db_path: Path | None, out: Callable[[str], None], verbose: bool) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="lovende-demo-"))
    db = db_path or workdir / "demo.db"
    settings = for_console(load_settings(database_url=f"sqlite+aiosqlite:///{db}"))
    runtime = await build_runtime(settings)
    transcript: list[str] = []
    channel = ConsoleChannel(out=out if verbose else transcript.append)
    session = ConsoleSession(runtime.engine, channel, channel_id="demo")
    try:
        for line in script() + discussion_script() + meeting_script():
            if isinstance(line, tuple):
                await session.feed(str(channel.find_button(line[1])))
            else:
                if verbose:
                    out(f"{session.user}> {line}")
                await session.feed(line)
        await session.feed("eksport word")  # the Word report (the chart is in the summary)
    finally:
        await runtime.close()
    summary = next(
        r
        for r in reversed(channel.posts())
        if r.message and r.message.fallback.startswith("Resultat")
    )
    assert summary.message is not None
    if not verbose:
        out("\n".join(render(summary.message, lambda _k, _a: 0)))
    chart = next(b for b in summary.message.blocks if isinstance(b, Image))
    report = next(
        b for r in reversed(channel.posts()) if r.message
        for b in r.message.blocks if isinstance(b, File)
    )  # fmt: skip
    out(f"\nDatabase: {db}")
    out(f"Radardiagram: {chart.path}")
    out(f"Rapport (Word): {report.path}")
    discussion = next(
        r
        for r in reversed(channel.records)
        if r.message and "prioriterede udviklingspotentialer" in r.message.fallback
    )
    meeting = next(
        r
        for r in reversed(channel.posts())
        if r.message and r.message.fallback.startswith("Referat")
    )
    for shown in (discussion, meeting):
        if not verbose and shown.message is not None:
            out("\n" + "\n".join(render(shown.message, lambda _k, _a: 0)))
    return 0
