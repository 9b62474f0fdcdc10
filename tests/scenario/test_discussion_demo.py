"""`lovende demo` shows the results discussion after its assessment, and the reflection
meeting it leads to starts from the prioritised development potentials."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.demo import run_demo
from storage.db import create_engine, session_factory
from storage.discussion_models import Discussion, DiscussionNote
from storage.meeting_models import MeetingObservation


async def test_the_demo_shows_the_results_discussion(tmp_path: Path) -> None:
    lines: list[str] = []
    assert await run_demo(tmp_path / "demo.db", lines.append, verbose=False) == 0
    printed = "\n".join(lines)
    result = printed.index("prioriterede udviklingspotentialer ==")
    assert printed.index("== Resultat: Recovery-forløb") < result
    assert result < printed.index("== Referat af læringsdialog 1")
    assert "2. Fast opfølgning på beboernes mål – 3 stemmer" in printed
    assert "Sendt videre som datagrundlag til en læringsdialog" in printed
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}")
    try:
        async with session_factory(engine)() as session:
            d = (await session.scalars(select(Discussion))).one()
            assert (d.status, d.step) == ("done", 5) and d.meeting_planned_at is not None
            noted = {n.text: n.element for n in await session.scalars(select(DiscussionNote))}
            assert noted["Find viden fra andre tilbud med samme målgruppe"] == 1
            seeded = await session.scalars(
                select(MeetingObservation.text).where(
                    MeetingObservation.from_preparation.is_(False)
                )
            )
            assert list(seeded)[:2] == [
                "Fast opfølgning på beboernes mål",
                "Forankre forandringsteorien i hele personalegruppen",
            ]
    finally:
        await engine.dispose()
