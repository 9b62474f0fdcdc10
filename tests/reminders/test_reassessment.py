"""The yearly reassessment: an invitation in the channel a set time after a round closes;
accepting it starts the next round, which shows last round's team answer and comment."""

from __future__ import annotations

from datetime import UTC, datetime

from reminder_helpers import fallbacks, in_channel, reminder_rows, run_at, start_round

from bot.testing import BotHarness, texts
from dialogs import actions
from dialogs.assessment.reminders import REASSESS
from dialogs.messages import Buttons


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def invitation_action(bot: BotHarness) -> str:
    return bot.button("lp:r-again:")


async def test_a_year_later_the_channel_is_invited_and_round_two_shows_last_answers(
    bot: BotHarness,
) -> None:
    aid = await start_round(bot, pace="all")  # Monday 2 March 2026, 10:00 CET
    await bot.say("Anna", "svar 1.1 ja: vi bruger LØFT i alle forløb")
    await bot.say("Bo", "svar 1.1 ja")
    await bot.say("Anna", "luk")
    await bot.say("Anna", "luk")  # the gaps first, then closing
    await bot.run_due()
    (row,) = await reminder_rows(bot, REASSESS)
    assert row.status == "pending" and row.recipient is None

    assert await run_at(bot, utc(2027, 3, 2, 6, 59)) == []  # 07:59 local
    out = await run_at(bot, utc(2027, 3, 2, 7, 0))  # Tuesday 2 March 2027, 08:00 CET
    assert len(out) == 1 and in_channel(out) == out
    text = fallbacks(out)
    assert "Tid til at måle igen: Recovery-forløb" in text
    assert "Det er 12 måneder siden, I lukkede runde 1" in texts(out)
    assert "02.03.2026" in texts(out)
    action = invitation_action(bot)
    assert action == actions.encode("r-again", aid)
    assert await run_at(bot, utc(2027, 3, 3, 7, 0)) == []  # once

    started = texts(await bot.click("Bo", action))
    assert "Måling af praksis: Recovery-forløb (runde 2)" in started
    new = bot.assessment_id()
    assert new != aid
    await bot.press("Anna", "pace", new, "all")
    question = next(
        r
        for r in reversed(bot.channel.records)
        if r.message is not None and r.message.fallback.startswith("1.1 ")
    )
    shown = texts([question])
    assert "Sidste runde: Ja – “vi bruger LØFT i alle forløb”" in shown
    assert any(isinstance(b, Buttons) for b in question.message.blocks)  # type: ignore[union-attr]

    again = texts(await bot.click("Carla", action))
    assert "allerede en måling af Recovery-forløb i gang" in again


async def test_invitation_lands_on_the_right_local_time_across_the_autumn_change(
    bot: BotHarness,
) -> None:
    bot.clock.set(utc(2026, 9, 25, 12, 0))  # Friday 25 September, 14:00 CEST
    await start_round(bot)
    await bot.say("Anna", "indstillinger genmåling 1")
    await bot.say("Anna", "luk")
    await bot.say("Anna", "luk")  # the gaps first, then closing
    # 25 October is the Sunday the clocks go back: Monday 26 October, 08:00 CET = 07:00 UTC.
    assert await run_at(bot, utc(2026, 10, 26, 6, 59)) == []
    assert len(await run_at(bot, utc(2026, 10, 26, 7, 0))) == 1


async def test_invitation_falling_on_christmas_waits_until_after(bot: BotHarness) -> None:
    bot.clock.set(utc(2026, 11, 25, 10, 0))
    await start_round(bot)
    await bot.say("Anna", "indstillinger genmåling 1")
    await bot.say("Anna", "luk")
    await bot.say("Anna", "luk")  # the gaps first, then closing
    assert await run_at(bot, utc(2026, 12, 25, 9, 0)) == []  # Juledag
    assert await run_at(bot, utc(2026, 12, 27, 9, 0)) == []  # Sunday
    out = await run_at(bot, utc(2026, 12, 28, 7, 0))  # Monday 08:00 CET
    assert "Tid til at måle igen" in fallbacks(out)


async def test_no_invitation_when_the_team_measured_again_already(bot: BotHarness) -> None:
    await start_round(bot)
    await bot.say("Anna", "luk")
    await bot.say("Anna", "luk")  # the gaps first, then closing
    await bot.run_due()
    bot.clock.set(utc(2026, 9, 1, 9, 0))
    await start_round(bot)  # round 2, on their own initiative
    await bot.say("Anna", "luk")
    await bot.say("Anna", "luk")  # the gaps first, then closing
    out = await run_at(bot, utc(2027, 3, 2, 7, 0))
    assert "Tid til at måle igen" not in fallbacks(out)
    first, second = await reminder_rows(bot, REASSESS)
    assert first.status == "cancelled" and second.status == "pending"


async def test_invitation_while_another_practice_is_being_measured(bot: BotHarness) -> None:
    await start_round(bot)  # Recovery-forløb, Monday 2 March 2026
    await bot.say("Anna", "luk")
    await bot.say("Anna", "luk")  # the gaps first, then closing
    bot.clock.set(utc(2027, 2, 1, 9, 0))
    await start_round(bot, practice="Netværksmøder")
    out = await run_at(bot, utc(2027, 3, 2, 7, 0))
    assert "Tid til at måle igen: Recovery-forløb" in fallbacks(out)
    action = invitation_action(bot)
    busy = texts(await bot.click("Bo", action))
    assert "allerede en måling af Netværksmøder i gang" in busy
    await bot.say("Anna", "luk")
    await bot.say("Anna", "luk")  # the gaps first, then closing
    started = texts(await bot.click("Bo", action))
    assert "Måling af praksis: Recovery-forløb (runde 2)" in started
