"""A form that stays on screen after "Gem" is saved once (issue 15.7), at the engine: its
identity (`Interaction.form_key`) is recorded with the turn that saves it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.testing import BotHarness, texts
from dialogs import actions
from storage import turns
from storage.selfeval_models import SelfEvalPoint

FORM = "card-17"


async def points(bot: BotHarness) -> int:
    async with bot.runtime.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(SelfEvalPoint)) or 0)


async def save_point(bot: BotHarness, sid: int, text: str) -> str:
    action = actions.encode("se-f-pt", sid, "L")
    return texts(await bot.click("Anna", action, {"text": text}, form=FORM))


async def start(bot: BotHarness) -> int:
    sid = await bot.start_selfeval()
    return sid


async def test_the_second_save_of_one_form_stores_nothing(bot: BotHarness) -> None:
    sid = await start(bot)
    assert "Gemt" in await save_point(bot, sid, "Ledelsen efterspørger data")
    said = await save_point(bot, sid, "Ledelsen efterspørger data")
    assert await points(bot) == 1
    assert "allerede gemt" in said


async def test_a_save_that_finds_the_form_saved_meanwhile_is_dropped(
    bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second submit looked before the first had committed, and only meets its key when
    it comes to record its own: it must not store its row all the same."""
    sid = await start(bot)
    await save_point(bot, sid, "Første gang")

    real = turns.was_processed
    looked: list[str] = []

    async def not_yet(session: AsyncSession, key: str) -> bool:
        if key.startswith("form:") and not looked:
            looked.append(key)
            return False  # the engine's first look, before the first save committed
        return await real(session, key)

    monkeypatch.setattr(turns, "was_processed", not_yet)
    said = await save_point(bot, sid, "Anden gang, samtidig")
    assert await points(bot) == 1
    assert "allerede gemt" in said
