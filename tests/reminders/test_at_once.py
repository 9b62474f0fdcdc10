"""`påmindelser` is right at once (issue 17): a change that ends or starts the reason for a
reminder changes its rows in the same transaction, not at the next planning sweep.

- a round closed: its nudges are cancelled and the invitation to measure again is planned;
- a new round of a practice started: the earlier round's invitation is cancelled;
- an agreement done or dropped: its reminders are cancelled; reopened: they come back;
- an agreement made, a meeting planned, started or cancelled: their rows follow at once.

No test here runs the scheduler before it looks: what `påmindelser` shows is the turn's own doing.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from reminder_helpers import make_agreement, reminder_rows, start_round

from bot.inbound import Inbound
from bot.testing import BotHarness, texts
from dialogs.assessment.ops import CloseAssessment
from dialogs.assessment.reminders import NUDGE, NUDGE_ROUND, REASSESS
from dialogs.effects import Outcome
from dialogs.events import Command
from dialogs.meetings.reminders import AGREEMENT_KINDS, MEETING_PREP
from dialogs.turn import Turn


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


async def close_round(bot: BotHarness, aid: int) -> None:
    """Close the round as the assessment's store applies it (however the dialog comes to it:
    `luk`, then a confirmation)."""

    def step(_turn: Turn) -> Outcome:
        return Outcome(ops=(CloseAssessment(aid),))

    inbound = Inbound(bot.conv("Anna"), Command(""), user_name="Anna", channel_name="team")
    await bot.runtime.engine.act(inbound, step, bot.channel)


async def statuses(bot: BotHarness, *kinds: str) -> list[str]:
    return [r.status for r in await reminder_rows(bot) if r.kind in kinds]


async def listed(bot: BotHarness, who: str = "Bo") -> str:
    return texts(await bot.say(who, "påmindelser"))


async def test_closing_a_round_cancels_its_nudges_in_the_same_turn(bot: BotHarness) -> None:
    aid = await start_round(bot)
    await bot.say("Bo", "status")
    await bot.run_due()  # the nudge rounds are planned
    # The first round fans out into private nudges (Anna and Bo have not answered).
    bot.clock.set(utc(2026, 3, 5, 9, 0))
    await bot.run_due()
    bot.clock.set(utc(2026, 3, 5, 12, 0))
    assert "påmindelser til dem, der mangler at svare" in await listed(bot)

    await close_round(bot, aid)
    assert "pending" not in await statuses(bot, NUDGE_ROUND, NUDGE)
    shown = await listed(bot)
    assert "mangler at svare" not in shown
    # … and the invitation to measure again is there at once, a year later.
    assert "– invitation til at måle igen" in shown
    assert await statuses(bot, REASSESS) == ["pending"]


async def test_a_new_round_cancels_the_older_rounds_invitation(bot: BotHarness) -> None:
    first = await start_round(bot)
    await close_round(bot, first)
    assert (await listed(bot)).count("invitation til at måle igen") == 1

    bot.clock.set(utc(2026, 9, 1, 9, 0))
    second = await start_round(bot)  # round 2 of the same practice, on the team's initiative
    assert "invitation til at måle igen" not in await listed(bot)
    assert await statuses(bot, REASSESS) == ["cancelled"]

    await close_round(bot, second)
    assert (await listed(bot)).count("invitation til at måle igen") == 1  # never twice
    await bot.run_due()  # the sweep agrees: round 1 is measured again, round 2's stands
    assert await statuses(bot, REASSESS) == ["cancelled", "pending"]


async def test_an_agreement_done_or_dropped_loses_its_reminders_at_once(bot: BotHarness) -> None:
    for person in ("Anna", "Bo", "Carla"):
        await bot.say(person, "status")
    aid = await make_agreement(bot, "Introducér metoden", "Bo", "Carla", date(2026, 3, 20))
    # Made: its reminders are there at once, without a sweep.
    assert "aftale: frist om lidt til Bo" in await listed(bot)
    assert await statuses(bot, *AGREEMENT_KINDS) == ["pending"] * 3

    await bot.press("Bo", "ag-st", aid, "done")
    assert "aftale:" not in await listed(bot)
    assert await statuses(bot, *AGREEMENT_KINDS) == ["cancelled"] * 3

    # Reopened: they come back (the sweep could not: a key once used is never planned again).
    await bot.press("Carla", "ag-st", aid, "in_progress")
    assert "aftale: frist om lidt til Bo" in await listed(bot)
    assert await statuses(bot, *AGREEMENT_KINDS) == ["pending"] * 3

    await bot.press("Carla", "ag-st", aid, "dropped")
    assert await statuses(bot, *AGREEMENT_KINDS) == ["cancelled"] * 3
    bot.clock.set(utc(2026, 3, 25, 9, 0))
    stats = await bot.run_due()
    assert stats.sent == 0


async def test_a_cancelled_meeting_takes_its_preparation_reminder_along(bot: BotHarness) -> None:
    for person in ("Anna", "Bo"):
        await bot.say(person, "status")
    await bot.say("Anna", "møde planlæg")
    form = bot.channel.forms[-1][1]
    values = {f.name: f.initial or "" for f in form.fields}
    values.update(when="12.03.2026 13:00", participants="Anna, Bo")
    await bot.click("Anna", form.action, values)
    assert "forberedelse til refleksionsmøde" in await listed(bot)  # planned at once
    assert await statuses(bot, MEETING_PREP) == ["pending"]

    await bot.say("Anna", "møde aflys")
    assert "forberedelse" not in await listed(bot)
    assert await statuses(bot, MEETING_PREP) == ["cancelled"]
