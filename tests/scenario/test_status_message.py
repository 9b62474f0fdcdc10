"""`status` is one message (issue 17, the Agents Playground walkthrough: it sent three — the
progress, a pace card and a "Husk at afgrænse…" reminder — and said "Besvaret" twice): the
progress with one "Besvaret", then the pace line with its buttons, then the delimitation line
with its button; "Mine spørgsmål ét ad gangen" is not offered to someone answering that way."""

from __future__ import annotations

from bot.testing import BotHarness, button_actions, texts
from dialogs.messages import Progress, ToActorOnly


async def test_status_is_one_message_progress_pace_delimitation(bot: BotHarness) -> None:
    aid = await bot.start_assessment(pace="one")
    await bot.say("Bo", "svar 1.1 ja")
    status = await bot.say("Bo", "status")
    (mine,) = [r for r in status if r.target == ToActorOnly()]
    assert mine.message is not None
    shown = texts([mine])
    order = [shown.index(s) for s in ("runde 1 (i gang)", "Tempo: ét element", "Husk at afgrænse")]
    assert order == sorted(order)
    assert shown.count("Besvaret") == 1  # the bar's; no field "Besvaret 1 af 59" beside it
    assert "Afgrænsning: ikke skrevet" not in shown  # asked for once, below, with its button
    assert [b for b in mine.message.blocks if isinstance(b, Progress)]
    assert button_actions([mine]) == [
        f"lp:pace:{aid}:all",
        f"lp:guide:{aid}",
        f"lp:scope:{aid}",
    ]

    await bot.say("Bo", "næste spørgsmål")  # now Bo answers one at a time
    again = await bot.say("Bo", "status")
    (mine,) = [r for r in again if r.target == ToActorOnly()]
    assert f"lp:guide:{aid}" not in button_actions([mine])
    assert "Husk at afgrænse" in texts([mine])

    await bot.say("Anna", "afgrænsning Unge 18–25 i botilbuddet")
    (done,) = [r for r in await bot.say("Bo", "status") if r.target == ToActorOnly()]
    assert "Husk at afgrænse" not in texts([done])
    assert "Afgrænsning: Unge 18–25 i botilbuddet" in texts([done])
