"""Downtime and faults: what came due while the bot was down goes out once after the start,
marked late; a worker that dies after claiming is replaced when its lease runs out; failed
sends are retried with backoff; nothing due is dropped and nothing is sent twice."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from reminder_helpers import Flaky, fallbacks, private_to, reminder_rows, run_at, start_round
from sqlalchemy import func, select

from bot.reminders import LEASE, ReminderWorker
from bot.testing import BotHarness
from dialogs.assessment.reminders import NUDGE, NUDGE_ROUND
from dialogs.messages import Text, ToMember
from storage import reminder_claims as claims
from storage.models import DeliveryFailure

THURSDAY_10 = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)  # the first nudge round, 10:00 CET


async def two_members_behind(bot: BotHarness) -> None:
    await start_round(bot)  # Monday 2 March 2026, 10:00 CET
    await bot.say("Bo", "status")
    await bot.run_due()  # planned while the bot was up


async def test_reminders_due_during_downtime_go_out_once_after_start_marked_late(
    bot: BotHarness,
) -> None:
    await two_members_behind(bot)
    await bot.close()  # the bot is down from here …
    bot.clock.set(THURSDAY_10 + timedelta(hours=4))  # … until 14:00 local
    await bot.restart()
    mark = len(bot.channel.records)
    stats = await bot.run_due()
    out = bot.channel.records[mark:]
    assert stats.sent == 3  # the round and the two nudges
    assert len(private_to(out, "anna")) == 1 and len(private_to(out, "bo")) == 1
    text = fallbacks(out)
    assert text.count("Denne påmindelse kommer forsinket.") == 2
    first = out[0].message
    assert first is not None and first.blocks[0] == Text(
        "Denne påmindelse kommer forsinket.", "muted"
    )
    assert all(r.late and r.status == "sent" for r in await reminder_rows(bot, NUDGE))
    await bot.restart()
    assert await run_at(bot, THURSDAY_10 + timedelta(hours=5)) == []


async def test_a_late_reminder_at_night_waits_for_the_morning(bot: BotHarness) -> None:
    await two_members_behind(bot)
    await bot.restart()
    evening = datetime(2026, 3, 5, 19, 0, tzinfo=UTC)  # 20:00 local, after the window
    assert await run_at(bot, evening) == []
    round_row = (await reminder_rows(bot, NUDGE_ROUND))[0]
    assert round_row.status == "pending" and round_row.late
    assert round_row.attempts == 0  # waiting is not a failed attempt
    out = await run_at(bot, datetime(2026, 3, 6, 7, 0, tzinfo=UTC))  # Friday 08:00 local
    assert len(out) == 2
    assert fallbacks(out).count("Denne påmindelse kommer forsinket.") == 2


async def test_a_worker_that_dies_after_claiming_is_replaced_when_its_lease_runs_out(
    bot: BotHarness,
) -> None:
    await two_members_behind(bot)
    bot.clock.set(THURSDAY_10)
    claimed = await claims.claim(bot.runtime.sessions, "dead-worker", THURSDAY_10, 10, LEASE)
    assert [c.view.kind for c in claimed] == [NUDGE_ROUND]  # … and it dies here
    assert await run_at(bot, THURSDAY_10 + LEASE - timedelta(seconds=1)) == []
    out = await run_at(bot, THURSDAY_10 + LEASE)
    assert len(out) == 2
    assert "forsinket" not in fallbacks(out)  # five minutes is not late
    round_row = (await reminder_rows(bot, NUDGE_ROUND))[0]
    assert round_row.status == "sent" and round_row.attempts == 2
    # The dead worker wakes up and tries to mark its old claim: refused, nothing doubles.
    async with bot.runtime.sessions() as session, session.begin():
        assert not await claims.finish(
            session, round_row.id, "dead-worker", "sent", THURSDAY_10 + LEASE
        )


async def no_sleep(_seconds: float) -> None:
    return None


async def failures(bot: BotHarness) -> int:
    async with bot.runtime.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(DeliveryFailure)) or 0)


async def test_a_failed_send_is_retried_later_and_then_sent_once(bot: BotHarness) -> None:
    await start_round(bot)
    await bot.run_due()
    bot.runtime.engine.delivery.sleep = no_sleep
    flaky = Flaky(bot.channel, failures=3)  # the engine's three quick tries all fail
    bot.runtime.ports["console"] = flaky  # type: ignore[assignment]
    assert await run_at(bot, THURSDAY_10) == []
    (nudge,) = await reminder_rows(bot, NUDGE)
    assert nudge.status == "pending" and nudge.last_error == "DeliveryError"
    assert nudge.due_at.replace(tzinfo=UTC) == THURSDAY_10 + timedelta(minutes=2)
    assert await failures(bot) == 1  # reported, never swallowed
    assert await run_at(bot, THURSDAY_10 + timedelta(minutes=1)) == []
    out = await run_at(bot, THURSDAY_10 + timedelta(minutes=2))
    assert len(out) == 1 and flaky.calls == 4
    (nudge,) = await reminder_rows(bot, NUDGE)
    assert nudge.status == "sent" and nudge.message_ref == out[0].ref


async def test_a_send_the_platform_refuses_for_good_fails_without_retrying(
    bot: BotHarness,
) -> None:
    await start_round(bot)
    await bot.run_due()
    bot.runtime.ports["console"] = Flaky(bot.channel, failures=1, retryable=False)  # type: ignore[assignment]
    assert await run_at(bot, THURSDAY_10) == []
    (nudge,) = await reminder_rows(bot, NUDGE)
    assert nudge.status == "failed"
    assert await run_at(bot, THURSDAY_10 + timedelta(days=1)) == []


async def test_a_process_without_the_platform_hands_the_row_back(bot: BotHarness) -> None:
    await start_round(bot)
    await bot.run_due()
    del bot.runtime.ports["console"]
    assert await run_at(bot, THURSDAY_10) == []
    (nudge,) = await reminder_rows(bot, NUDGE)
    assert nudge.status == "pending" and nudge.attempts == 0
    bot.runtime.ports["console"] = bot.channel
    assert len(await run_at(bot, THURSDAY_10 + timedelta(minutes=1))) == 1


async def test_two_runs_at_once_in_one_process_send_each_reminder_once(bot: BotHarness) -> None:
    """The wake-up and the sweep may fire together: they share the worker's lock."""
    await two_members_behind(bot)
    bot.clock.set(THURSDAY_10)
    worker = ReminderWorker(bot.runtime)
    first, second = await asyncio.gather(worker.run_due(), worker.run_due())
    assert first.sent + second.sent == 3
    private = [r.target for r in bot.channel.posts() if isinstance(r.target, ToMember)]
    assert sorted(t.member_external_id for t in private) == ["anna", "bo"]
