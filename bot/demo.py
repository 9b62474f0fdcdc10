"""`lovende demo`: a complete assessment by three simulated members on a fresh database."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from bot.console.channel import ConsoleChannel
from bot.console.render import render
from bot.console.session import ConsoleSession
from bot.runtime import build_runtime
from bot.settings import load_settings

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


async def run_demo(db_path: Path | None, out: Callable[[str], None], verbose: bool) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="lovende-demo-"))
    db = db_path or workdir / "demo.db"
    settings = load_settings(database_url=f"sqlite+aiosqlite:///{db}")
    runtime = await build_runtime(settings)
    transcript: list[str] = []
    channel = ConsoleChannel(out=out if verbose else transcript.append)
    session = ConsoleSession(runtime.engine, channel, channel_id="demo")
    try:
        for line in script():
            if isinstance(line, tuple):
                await session.feed(str(channel.find_button(line[1])))
            else:
                if verbose:
                    out(f"{session.user}> {line}")
                await session.feed(line)
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
    out(f"\nDatabase: {db}")
    return 0
