"""Findings of the fuzzing, fixed in the core and kept as regression tests.

1. A control character (NUL, vertical tab…) in free text used to be stored. On SQLite the Word
   report of that round could never be produced again ("All strings must be XML compatible");
   on PostgreSQL a NUL byte made the turn raise. `check_text` now refuses them (input.control).
2. A lone surrogate (JSON `"\\ud800"` decodes to one) made the turn raise on both databases;
   the engine now replaces lone surrogates in every inbound string."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.testing import BotHarness, texts
from dialogs.text_input import check_text
from storage.models import DeliveryFailure


async def open_round(bot: BotHarness) -> None:
    await bot.start_assessment("Praksis")


@pytest.mark.parametrize("char", ["\x00", "\x0b", "\x1b"])
def test_control_characters_are_refused_with_a_danish_message(char: str) -> None:
    assert check_text(f"vi gør{char}sådan", "comment", "da") is not None


@pytest.mark.parametrize("char", ["\x0b", "\x00"])
async def test_a_comment_with_a_control_character_leaves_the_report_working(
    bot: BotHarness, char: str
) -> None:
    await open_round(bot)
    await bot.say("Anna", f"svar 1.1 ja: vi gør{char}sådan")
    await bot.say("Anna", "eksport word")
    async with bot.runtime.sessions() as session:
        failed = await session.scalar(select(func.count()).select_from(DeliveryFailure))
    assert failed == 0


async def test_a_lone_surrogate_is_answered_not_raised(bot: BotHarness) -> None:
    await open_round(bot)
    answer = texts(await bot.say("Anna", "svar 1.1 ja: a\ud800b"))
    assert answer
