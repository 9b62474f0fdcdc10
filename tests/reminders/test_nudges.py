"""Assessment nudges through the whole bot: private, only to those who have not answered, with
how many colleagues have, at most one per three working days and three in all."""

from __future__ import annotations

from datetime import UTC, datetime

from reminder_helpers import (
    fallbacks,
    in_channel,
    private_to,
    reminder_rows,
    run_at,
    start_round,
)

from bot.testing import ELEMENT_1, BotHarness, texts
from dialogs import actions
from dialogs.assessment.reminders import NUDGE, NUDGE_ROUND
from dialogs.messages import ToActorOnly, ToMember


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


async def answer_element_1(bot: BotHarness, person: str) -> None:
    await bot.answer(person, 1, ELEMENT_1)


async def test_nudges_go_privately_to_those_behind_at_the_right_local_time(bot: BotHarness) -> None:
    # Monday 2 March 2026, 10:00 in Copenhagen.
    await start_round(bot)
    await answer_element_1(bot, "Bo")
    await bot.say("Carla", "status")

    assert await run_at(bot, utc(2026, 3, 5, 8, 59)) == []  # Thursday 09:59 local: not yet
    out = await run_at(bot, utc(2026, 3, 5, 9, 0))  # three working days later, 10:00 local
    assert {r.target.member_external_id for r in out if isinstance(r.target, ToMember)} == {
        "anna",
        "carla",
    }
    assert in_channel(out) == []  # never a public @-mention
    text = fallbacks(private_to(out, "carla"))
    assert "Du har 6 spørgsmål, som du ikke har svaret på endnu" in text
    assert "1 af dine 2 kolleger har svaret på alle" in text
    assert "forsinket" not in text
    nudges = await reminder_rows(bot, NUDGE)
    assert {r.status for r in nudges} == {"sent"}
    assert all(r.message_ref and not r.late for r in nudges)
    assert await run_at(bot, utc(2026, 3, 5, 9, 5)) == []  # exactly once


async def test_cadence_and_cap_and_answering_stops_them(bot: BotHarness) -> None:
    await start_round(bot)
    await bot.say("Bo", "status")
    await bot.say("Carla", "status")
    first = await run_at(bot, utc(2026, 3, 5, 9, 0))
    assert len(first) == 3
    await answer_element_1(bot, "Anna")
    await answer_element_1(bot, "Bo")
    assert await run_at(bot, utc(2026, 3, 9, 9, 0)) == []  # not every day
    second = await run_at(bot, utc(2026, 3, 10, 9, 0))  # Tuesday: three working days on
    assert [r.target for r in second] == [ToMember("carla")]
    assert "2 af dine 2 kolleger har svaret på alle" in fallbacks(second)
    third = await run_at(bot, utc(2026, 3, 13, 9, 0))
    assert [r.target for r in third] == [ToMember("carla")]
    assert await run_at(bot, utc(2026, 4, 30, 9, 0)) == []  # at most three in all
    assert len(private_to(bot.channel.records, "carla")) == 3


async def test_the_button_shows_my_questions_privately(bot: BotHarness) -> None:
    aid = await start_round(bot)
    await bot.say("Carla", "svar 1.1 ja")
    out = await run_at(bot, utc(2026, 3, 5, 9, 0))
    action = next(
        b.action
        for r in private_to(out, "carla")
        for b in r.message.blocks  # type: ignore[union-attr]
        if hasattr(b, "buttons")
        for b in b.buttons
    )
    assert action == actions.encode("r-qs", aid)
    shown = await bot.click("Carla", action)
    assert shown and all(isinstance(r.target, ToActorOnly) for r in shown)
    assert "1.2" in texts(shown) and "1.1 " not in fallbacks(shown)


async def test_closing_the_round_cancels_pending_nudges(bot: BotHarness) -> None:
    await start_round(bot)
    await bot.say("Bo", "status")
    await run_at(bot, utc(2026, 3, 5, 9, 0))
    await bot.say("Anna", "luk")
    await bot.say("Anna", "luk")  # the gaps first, then closing
    assert await run_at(bot, utc(2026, 3, 20, 9, 0)) == []
    rounds = await reminder_rows(bot, NUDGE_ROUND)
    assert [r.status for r in rounds] == ["sent", "cancelled", "cancelled"]


async def test_nudges_across_the_spring_change_and_easter(bot: BotHarness) -> None:
    bot.clock.set(utc(2026, 3, 26, 9, 0))  # Thursday 26 March, 10:00 CET
    await start_round(bot)
    await bot.say("Bo", "status")
    assert await run_at(bot, utc(2026, 3, 31, 7, 59)) == []
    first = await run_at(bot, utc(2026, 3, 31, 8, 0))  # Tuesday 10:00 CEST
    assert len(first) == 2
    assert await run_at(bot, utc(2026, 4, 7, 8, 0)) == []  # Easter is not counted
    second = await run_at(bot, utc(2026, 4, 8, 8, 0))
    assert len(second) == 2


async def test_settings_change_the_plan_of_pending_nudges(bot: BotHarness) -> None:
    await start_round(bot)
    await bot.say("Bo", "status")
    await bot.run_due()  # the default plan: three rounds
    await bot.say("Anna", "indstillinger antal 1")
    await bot.say("Anna", "indstillinger hyppighed 1")
    out = await run_at(bot, utc(2026, 3, 3, 9, 0))  # one working day after the start
    assert len(out) == 2
    assert await run_at(bot, utc(2026, 3, 31, 9, 0)) == []
    assert [r.status for r in await reminder_rows(bot, NUDGE_ROUND)] == [
        "sent",
        "cancelled",
        "cancelled",
    ]


async def test_upcoming_reminders_are_listed(bot: BotHarness) -> None:
    await start_round(bot)
    await bot.run_due()
    listed = texts(await bot.say("Bo", "påmindelser"))
    assert "Kommende påmindelser" in listed
    assert "05.03.2026 10:00 – påmindelser til dem, der mangler at svare på målingen" in listed
