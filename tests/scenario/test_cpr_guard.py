"""The CPR guard through the bot (issue 17): a CPR number with its date's parts apart
(`01-01-90-1234`) or named and spaced (`cpr: 01 01 90 12 34`) is refused like `010190-1234`,
and nothing of the text is stored."""

from __future__ import annotations

import pytest

from bot.inbound import Inbound
from bot.testing import BotHarness, texts
from dialogs.assessment import assessment_of
from dialogs.effects import Outcome
from dialogs.events import Command
from dialogs.turn import Turn

REFUSED = "ser ud til at indeholde et CPR-nummer"


async def stored_comment(bot: BotHarness, qid: str) -> str | None:
    seen: list[str | None] = []

    def look(turn: Turn) -> Outcome:
        view = assessment_of(turn)
        rows = view.answers.get(qid, ()) if view else ()
        seen.extend(a.comment for a in rows)
        return Outcome()

    inbound = Inbound(bot.conv("Anna"), Command(""), user_name="Anna", channel_name="team")
    await bot.runtime.engine.act(inbound, look, bot.channel)
    return seen[0] if seen else None


@pytest.mark.parametrize(
    "number", ["01-01-90-1234", "cpr: 01 01 90 12 34", "CPR-nr. 01.01.90-1234", "010190-1234"]
)
async def test_a_cpr_number_in_a_comment_is_refused_however_it_is_written(
    bot: BotHarness, number: str
) -> None:
    await bot.start_assessment()
    refused = texts(await bot.say("Anna", f"svar 1.1 ja: Borgeren med {number} har haft gavn"))
    assert REFUSED in refused
    assert await stored_comment(bot, "1.1") is None
    kept = texts(await bot.say("Anna", "svar 1.1 ja: Mødet 10.03.2026 10:00 gav et godt overblik"))
    assert REFUSED not in kept
    assert await stored_comment(bot, "1.1") == "Mødet 10.03.2026 10:00 gav et godt overblik"
