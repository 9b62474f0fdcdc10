"""Reflection meetings on the scheduler: a preparation reminder to the participants who have
not prepared, and an async meeting's step windows closed by the clock (the meetings feature's
`due_step_advances`, run from a reminder row) — across a restart."""

from __future__ import annotations

from datetime import UTC, datetime

from reminder_helpers import fallbacks, private_to, reminder_rows, run_at

from bot.testing import BotHarness, texts
from dialogs import actions
from dialogs.meetings.reminders import MEETING_PREP_MEMBER, MEETING_STEP


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


async def plan(bot: BotHarness, **changes: str) -> int:
    for person in ("Anna", "Bo", "Carla"):
        await bot.say(person, "status")
    return await bot.plan_meeting(**{"when": "07.04.2026 13:00", "focus": "", **changes})


async def test_participants_who_have_not_prepared_are_reminded_the_working_day_before(
    bot: BotHarness,
) -> None:
    bot.clock.set(utc(2026, 3, 20, 9, 0))
    mid = await plan(bot)  # Tuesday 7 April 13:00; Easter is 2–6 April
    await bot.press(
        "Carla",
        "mtf-prep",
        mid,
        values={"positive": "Vi bruger data", "improvement": "Mere opfølgning", "question": ""},
    )
    assert await run_at(bot, utc(2026, 4, 1, 5, 59)) == []
    out = await run_at(bot, utc(2026, 4, 1, 6, 0))  # Wednesday 1 April, 08:00 CEST
    assert sorted(r.target.member_external_id for r in out) == ["anna", "bo"]  # type: ignore[union-attr]
    text = fallbacks(private_to(out, "bo"))
    assert "Husk forberedelsen til læringsdialog 1 – 07.04.2026 13:00" in text
    assert "1 af 3 deltagere har forberedt sig" in text
    assert bot.button("lp:mt-prep:") == actions.encode("mt-prep", mid)
    assert await run_at(bot, utc(2026, 4, 7, 6, 0)) == []
    assert {r.status for r in await reminder_rows(bot, MEETING_PREP_MEMBER)} == {"sent"}


async def test_an_async_meeting_moves_on_when_its_windows_end(bot: BotHarness) -> None:
    # planned Monday 2 March for Tuesday 3 March 10:00 local, two working days per step
    mid = await plan(bot, mode="async", when="03.03.2026 10:00")
    assert await run_at(bot, utc(2026, 3, 3, 8, 59)) == []
    started = texts(await run_at(bot, utc(2026, 3, 3, 9, 0)))
    assert "Trin 1 af 4: Siden sidst" in started
    assert await run_at(bot, utc(2026, 3, 3, 9, 1)) == []  # once

    await bot.restart()  # nothing lives only in memory
    assert await run_at(bot, utc(2026, 3, 5, 8, 59)) == []
    explore = texts(await run_at(bot, utc(2026, 3, 5, 9, 0)))  # Thursday 10:00 local
    assert "Trin 2 af 4: Udforsk" in explore

    interpret = texts(await run_at(bot, utc(2026, 3, 9, 9, 0)))  # Monday: Udforsk closes
    assert "Trin 3 af 4: Fortolk" in interpret

    # The facilitator moves on early; the later windows keep their schedule, and the
    # reminder for the window that was cut short comes to nothing.
    assert "Trin 4 af 4" in texts(await bot.say("Anna", "møde næste"))
    assert await run_at(bot, utc(2026, 3, 11, 9, 0)) == []
    finished = await run_at(bot, utc(2026, 3, 13, 9, 0))  # Friday: Forbered handling closes
    assert finished
    steps = await reminder_rows(bot, MEETING_STEP)
    assert [r.status for r in steps] == ["sent", "sent", "sent", "cancelled", "sent"]
    assert mid > 0 and await run_at(bot, utc(2026, 3, 20, 9, 0)) == []
