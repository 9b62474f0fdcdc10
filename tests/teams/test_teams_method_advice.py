"""The method's element advice (seed 001: brainstorm on the element first; comments a new
colleague would understand) is on every element card in a Teams group chat too, where there are
no threads and each element is one card with its questions; the cards pass Adaptive Card
validation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.teams.testing import GROUP_CHAT, TeamsBot
from dialogs.i18n import t

CardCheck = Callable[[dict[str, dict[str, Any]]], None]


async def test_element_cards_in_a_group_chat_carry_the_element_advice(
    teams_bot: TeamsBot, card_check: CardCheck
) -> None:
    """Without threads each element is one card with its questions: the advice is on it too."""
    fake, anna = teams_bot.connector, teams_bot.user("Anna")
    said = {"kind": "groupChat", "conversation_id": GROUP_CHAT}
    assert await anna.say("start Recovery-forløb", **said) == 201
    assert await anna.say("tempo alle", **said) == 201
    cards = [c for c in fake.posts() if '"Element ' in c.text]
    assert len(cards) == 11
    advice = t("da", "advice.brainstorm") + " " + t("da", "advice.comments")
    assert all(advice in c.text for c in cards)
    card_check({f"element-{i}": card for i, c in enumerate(cards) for card in c.cards})
