"""An asynchronous meeting advanced by the clock: the function the scheduler will call
(`due_step_advances`) runs as a system turn through `Engine.act` after the fake clock moves."""

from __future__ import annotations

from datetime import UTC, datetime

from meeting_helpers import PREP, closed_assessment, in_thread, observation_ids, plan, prepare_all

from bot.console.channel import Record
from bot.inbound import Inbound
from bot.testing import BotHarness, texts
from dialogs import actions
from dialogs.events import Command
from dialogs.meetings import due_step_advances, next_due_at
from dialogs.turn import Turn
from storage.meetings import due_meetings


async def tick(bot: BotHarness) -> list[Record]:
    """What the scheduler does when it wakes: one system turn in the channel."""
    mark = len(bot.channel.records)
    await bot.runtime.engine.act(
        Inbound(bot.conv(None), Command(""), channel_name=bot.default_channel),
        lambda turn: due_step_advances(turn, turn.now),
        bot.channel,
    )
    return list(bot.channel.records[mark:])


async def due_places(bot: BotHarness) -> list[str]:
    async with bot.runtime.sessions() as session:
        return [p.channel for p in await due_meetings(session, bot.clock.now())]


def utc(day: int, hour: int) -> datetime:
    return datetime(2026, 3, day, hour, 0, tzinfo=UTC)


async def test_async_meeting_runs_on_the_clock(bot: BotHarness) -> None:
    await closed_assessment(bot)
    # Tuesday 3 March 10:00 in Copenhagen (09:00 UTC); two working days per step.
    mid = await plan(bot, mode="async", window="2", when="03.03.2026 10:00")
    root = texts(bot.channel.records[-4:])
    assert "Asynkront møde: hvert trin er åbent i 2 arbejdsdage" in root
    await prepare_all(bot, mid)

    assert await tick(bot) == []  # nothing is due before the planned time
    assert await due_places(bot) == []
    bot.clock.set(utc(3, 9))
    assert await due_places(bot) == ["team"]
    started = await tick(bot)
    thread = texts(in_thread(started))
    assert "Trin 1 af 4: Siden sidst" in thread
    assert "Trinnet er åbent til 05.03.2026 kl. 10:00" in thread
    assert await tick(bot) == []  # idempotent: the same moment does nothing twice
    assert await due_places(bot) == []

    bot.clock.set(utc(5, 9))  # Thursday 10:00 local: Siden sidst closes
    explore = texts(in_thread(await tick(bot)))
    assert "Trin 2 af 4: Udforsk" in explore
    assert "Trinnet er åbent til 09.03.2026 kl. 10:00" in explore  # skips the weekend
    ids = observation_ids(bot)
    wanted = ids[PREP["Bo"][1]]
    await bot.click("Bo", actions.encode("mt-vote", mid, 0), {"selected": str(wanted)})
    await bot.click("Carla", actions.encode("mt-vote", mid, 0), {"selected": str(wanted)})

    bot.clock.set(utc(9, 8))
    assert await tick(bot) == []  # 09:00 local: the window is still open
    bot.clock.set(utc(9, 9))
    interpret = texts(in_thread(await tick(bot)))
    assert "Trin 3 af 4: Fortolk" in interpret
    assert f"Tema 1: {PREP['Bo'][1]}" in interpret  # unconfirmed themes come from the votes
    assert "Trinnet er åbent til 11.03.2026 kl. 10:00" in interpret

    # The facilitator may still move on early; the schedule of later steps stays.
    await bot.say("Anna", "møde næste")
    await bot.click(
        "Bo",
        actions.encode("mtf-act", mid),
        {"what": "Opfølgning hver måned", "owner": "Bo", "follow_up": "Anna", "due": "31.03.2026"},
    )
    bot.clock.set(utc(11, 9))
    assert await tick(bot) == []  # step 3 already closed early; step 4 runs until the 13th

    bot.clock.set(utc(13, 9))
    finished = texts(await tick(bot))
    assert "Referat af læringsdialog 1" in finished
    assert "Opfølgning hver måned – Ansvarlig: Bo" in finished
    assert "Resultat: Recovery-forløb" in finished
    assert await tick(bot) == []


async def test_async_meeting_without_votes_and_the_next_wakeup(bot: BotHarness) -> None:
    mid = await plan(
        bot, mode="async", window="1", when="03.03.2026 10:00", focus="", participants="Anna"
    )
    seen: list[Turn] = []
    await bot.runtime.engine.act(
        Inbound(bot.conv(None), Command(""), channel_name=bot.default_channel),
        lambda turn: (seen.append(turn), due_step_advances(turn))[1],
        bot.channel,
    )
    assert next_due_at(seen[-1]) == utc(3, 9)
    for day in (3, 4, 5, 6):
        bot.clock.set(utc(day, 9))
        await tick(bot)
    text = texts(bot.channel.records)
    assert "Der blev ikke valgt temaer i Udforsk." in text
    bot.clock.set(utc(9, 9))  # Friday's window ends on Monday (weekend skipped)
    assert "Referat af læringsdialog 1" in texts(await tick(bot))
    assert mid > 0
