"""In a Teams 1:1 chat the element card is the person's own and always shows their answers
(issue 17: after a typed answer redrew the card, the ✓ of the answer clicked before was lost
and the answers showed as plain highlighted buttons)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.teams.testing import TeamsBot, actions_in, buttons_in

CardCheck = Callable[[dict[str, dict[str, Any]]], None]
DM = "a:1anna-dm"


async def test_click_then_type_keeps_both_answers_marked(
    teams_bot: TeamsBot, card_check: CardCheck
) -> None:
    fake, anna = teams_bot.connector, teams_bot.user("Anna")
    said: dict[str, Any] = {"kind": "personal", "conversation_id": DM, "mention": False}
    await anna.say("start Recovery-forløb", **said)
    await anna.say("tempo ét", **said)
    call, _ = fake.find_submit("lp:ans:")
    (ja,) = [a for a in actions_in(call.cards) if a.split(":")[3:5] == ["1.1", "ja"]]
    await anna.press_on(call, ja)
    mark = len(fake.sent())
    await anna.say("svar 1.2 nej", **said)
    (card,) = [c for c in fake.sent()[mark:] if c.method == "PUT" and "Element 1" in c.text]
    titles = {
        b["data"]["lp"].split(":")[3]: b["title"]
        for b in buttons_in(card.cards)
        if b["title"].startswith("✓")
    }
    assert titles == {"1.1": "✓ Ja", "1.2": "✓ Nej"}
    card_check({"solo": card.cards[0]})
