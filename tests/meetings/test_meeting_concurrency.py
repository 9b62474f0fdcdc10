"""Two turns racing for the same step (a double click, two replicas waking for the same
deadline): the step advances once; the loser is told, nothing is posted twice."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from meeting_helpers import closed_assessment, plan, prepare_all
from sqlalchemy import select

from bot.inbound import Inbound
from bot.testing import BotHarness, texts
from dialogs import actions
from dialogs.events import Command
from dialogs.meetings import due_step_advances
from storage.meeting_models import Meeting


async def step_of(bot: BotHarness, mid: int) -> tuple[str, int]:
    async with bot.runtime.sessions() as session:
        m = (await session.scalars(select(Meeting).where(Meeting.id == mid))).one()
        return m.status, m.step


def headers(bot: BotHarness, title: str) -> int:
    return sum(
        1
        for r in bot.channel.records
        if r.kind == "post" and r.message and r.message.fallback == title
    )


async def test_double_click_on_next_advances_once(bot: BotHarness) -> None:
    await closed_assessment(bot)
    mid = await plan(bot)
    await prepare_all(bot, mid)
    await bot.say("Anna", "møde start")
    button = actions.encode("mt-next", mid, 1)
    first, second = await asyncio.gather(bot.click("Anna", button), bot.click("Anna", button))
    assert await step_of(bot, mid) == ("running", 2)
    assert headers(bot, "Trin 2 af 4: Udforsk") == 1
    assert "Dialogen er allerede gået videre" in texts(first) + texts(second)


async def test_two_schedulers_close_a_window_once(bot: BotHarness) -> None:
    mid = await plan(
        bot, mode="async", window="1", when="03.03.2026 10:00", focus="", participants="Anna"
    )
    bot.clock.set(datetime(2026, 3, 3, 9, 0, tzinfo=UTC))

    async def tick() -> None:
        await bot.runtime.engine.act(
            Inbound(bot.conv(None), Command(""), channel_name=bot.default_channel),
            lambda turn: due_step_advances(turn, turn.now),
            bot.channel,
        )

    await asyncio.gather(tick(), tick(), tick())
    assert await step_of(bot, mid) == ("running", 1)
    assert headers(bot, "Trin 1 af 4: Siden sidst") == 1
