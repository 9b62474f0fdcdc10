"""Reading the cards the bot sent, for the Teams tests."""

from __future__ import annotations

from typing import Any

from bot.teams.testing import buttons_in


def actions_in(node: Any) -> list[str]:
    """The action ids of every button of ours in a card (or in several), in order."""
    return [str(button["data"]["lp"]) for button in buttons_in(node)]
