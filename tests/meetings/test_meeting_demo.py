"""`lovende demo` runs a reflection meeting after the assessment and prints its summary."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.demo import run_demo
from storage.db import create_engine, session_factory
from storage.meeting_models import Agreement, Meeting

SCORE_LINES = (
    "1. Teori og viden               0,50",
    "2. Virkning                     0,88",
    "5. Overførbarhed                1,00",
    "6. Økonomi                      0,17",
)


def all_files(paths: list[str]) -> bool:
    return all(Path(p).is_file() for p in paths)


async def test_demo_runs_a_reflection_meeting_after_the_assessment(tmp_path: Path) -> None:
    lines: list[str] = []
    assert await run_demo(tmp_path / "demo.db", lines.append, verbose=False) == 0
    printed = "\n".join(lines)
    results = printed.index("== Resultat: Recovery-forløb")
    assert results < printed.index("== Referat af læringsdialog 1")
    # the assessment's scores, as the scoring table gives them for the demo's answers
    for line in SCORE_LINES:
        assert line in printed
    # the chart and the Word report were written, and their paths printed
    printed_paths = [
        line.split(": ", 1)[1] for line in lines if line.startswith(("Radardiagram", "Rapport"))
    ]
    assert len(printed_paths) == 2 and all_files(printed_paths)
    for text in (
        "1. Vi følger for sjældent op på beboernes mål",
        "– Vi har ingen fast rytme for opfølgning på målene. (Bo)",
        "Mål indtil næste læringsdialog (kort sigt)",
        "1. Indføre fast månedlig opfølgning på beboernes mål. – Ansvarlig: Bo · Opfølgning: Anna",
        "Ansvarlig: Carla",
        "Næste læringsdialog",
    ):
        assert text in printed, text
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}")
    try:
        async with session_factory(engine)() as session:
            meeting = (await session.scalars(select(Meeting))).one()
            assert (meeting.status, meeting.step) == ("done", 5)
            owners = [a.element for a in await session.scalars(select(Agreement))]
            assert owners == [11, 1]
    finally:
        await engine.dispose()
