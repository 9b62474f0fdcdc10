"""Agreement reminders through the whole bot: privately to the owner before and on the due date,
to the follow-up person when overdue, with the status buttons of the meetings feature; a
completed, dropped or deleted agreement is reminded of no more."""

from __future__ import annotations

from datetime import UTC, date, datetime

from reminder_helpers import (
    fallbacks,
    in_channel,
    make_agreement,
    private_to,
    reminder_rows,
    run_at,
)
from sqlalchemy import delete, update

from bot.reminders import ReminderWorker
from bot.testing import BotHarness, button_actions
from dialogs import actions
from dialogs.meetings.reminders import AGREEMENT_BEFORE, AGREEMENT_DUE, AGREEMENT_OVERDUE
from dialogs.messages import ToMember
from storage.meeting_models import Agreement, AgreementStatusChange


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


async def team(bot: BotHarness) -> None:
    for person in ("Anna", "Bo", "Carla"):
        await bot.say(person, "status")


async def test_owner_before_and_on_the_due_date_follow_up_when_overdue_around_easter(
    bot: BotHarness,
) -> None:
    await team(bot)
    aid = await make_agreement(
        bot, "Introducér metoden for nye kolleger", "Bo", "Carla", date(2026, 4, 7)
    )
    # Two working days before Tuesday 7 April is Tuesday 31 March (Easter: 2, 3, 6 April).
    assert await run_at(bot, utc(2026, 3, 31, 5, 59)) == []  # 07:59 CEST
    before = await run_at(bot, utc(2026, 3, 31, 6, 0))
    assert [r.target for r in before] == [ToMember("bo")]
    text = fallbacks(before)
    assert "Påmindelse: aftale 1 har frist 07.04.2026" in text
    assert "Introducér metoden for nye kolleger" in text
    assert actions.encode("ag-st", aid, "done") in button_actions(before)
    assert in_channel(before) == []

    assert await run_at(bot, utc(2026, 4, 6, 6, 0)) == []  # Anden påskedag
    due = await run_at(bot, utc(2026, 4, 7, 6, 0))
    assert [r.target for r in due] == [ToMember("bo")]
    assert "Aftale 1 har frist nu (07.04.2026)" in fallbacks(due)

    overdue = await run_at(bot, utc(2026, 4, 8, 6, 0))
    assert [r.target for r in overdue] == [ToMember("carla")]
    assert "Aftale 1 har overskredet fristen (07.04.2026)" in fallbacks(overdue)
    assert await run_at(bot, utc(2026, 4, 20, 6, 0)) == []
    rows = await reminder_rows(bot)
    assert sorted((r.kind, r.status) for r in rows if r.subject_type == "agreement") == [
        (AGREEMENT_BEFORE, "sent"),
        (AGREEMENT_DUE, "sent"),
        (AGREEMENT_OVERDUE, "sent"),
    ]


async def test_completing_it_from_the_reminder_cancels_the_rest(bot: BotHarness) -> None:
    await team(bot)
    aid = await make_agreement(bot, "Opdatér beskrivelsen", "Bo", "Carla", date(2026, 3, 20))
    before = await run_at(bot, utc(2026, 3, 18, 7, 0))  # Wednesday 08:00 CET
    assert private_to(before, "bo")
    done = actions.encode("ag-st", aid, "done")
    assert done in button_actions(before)
    await bot.click("Bo", done)
    assert await run_at(bot, utc(2026, 3, 20, 7, 0)) == []
    assert await run_at(bot, utc(2026, 3, 23, 7, 0)) == []
    statuses = sorted((r.kind, r.status) for r in await reminder_rows(bot))
    assert statuses == [
        (AGREEMENT_BEFORE, "sent"),
        (AGREEMENT_DUE, "cancelled"),
        (AGREEMENT_OVERDUE, "cancelled"),
    ]


async def test_a_deleted_agreement_is_not_reminded_of(bot: BotHarness) -> None:
    await team(bot)
    aid = await make_agreement(bot, "Skriv til kommunen", "Anna", "Bo", date(2026, 3, 20))
    await bot.run_due()
    async with bot.runtime.sessions() as session, session.begin():
        await session.execute(
            delete(AgreementStatusChange).where(AgreementStatusChange.agreement_id == aid)
        )
        await session.execute(delete(Agreement).where(Agreement.id == aid))
    assert await run_at(bot, utc(2026, 3, 18, 7, 0)) == []
    assert await run_at(bot, utc(2026, 3, 25, 7, 0)) == []
    assert {r.status for r in await reminder_rows(bot)} == {"cancelled"}


async def test_dropping_it_between_plan_and_send_cancels_at_send_time(bot: BotHarness) -> None:
    """Even without a planning sweep in between, a reminder checks its reason when it is due
    (dropping it through the bot cancels its rows at once: tests/reminders/test_at_once.py;
    here the status changes behind the bot's back)."""
    await team(bot)
    aid = await make_agreement(bot, "Følg op på temaet", "Bo", "Carla", date(2026, 3, 20))
    await bot.run_due()
    async with bot.runtime.sessions() as session, session.begin():
        await session.execute(update(Agreement).where(Agreement.id == aid).values(status="dropped"))
    bot.clock.set(utc(2026, 3, 18, 7, 0))
    stats = await ReminderWorker(bot.runtime).run_due(reconcile=False)
    assert stats.cancelled == 1 and stats.sent == 0


async def test_agreement_reminders_across_the_autumn_change(bot: BotHarness) -> None:
    bot.clock.set(utc(2026, 10, 1, 9, 0))
    await team(bot)
    await make_agreement(bot, "Evaluer forløbet", "Bo", "Carla", date(2026, 10, 26))
    # two working days before Monday 26 October: Thursday 22 October, 08:00 CEST = 06:00 UTC
    assert await run_at(bot, utc(2026, 10, 22, 5, 59)) == []
    assert len(await run_at(bot, utc(2026, 10, 22, 6, 0))) == 1
    # the due date is after the change: 08:00 CET = 07:00 UTC
    assert await run_at(bot, utc(2026, 10, 26, 6, 59)) == []
    assert len(await run_at(bot, utc(2026, 10, 26, 7, 0))) == 1
