"""Leaders and staff in the self-evaluation through the Teams adapter (CloudAdapter behind
aiohttp, a fake connector): the intro's role buttons, the role question that comes with a first
answer, the dimension card's "Min vurdering" button and its form, and the summary with both
perspectives side by side — every Adaptive Card validated with the official package."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from bot.teams.testing import TeamsBot

CardCheck = Callable[[dict[str, dict[str, Any]]], None]


async def test_roles_and_own_ratings_through_teams(
    teams_bot: TeamsBot, card_check: CardCheck
) -> None:
    fake = teams_bot.connector
    anna, bo = teams_bot.user("Anna"), teams_bot.user("Bo")
    assert await anna.say("selvevaluering start Bostedet") == 201
    await anna.press("lp:se-pace:")
    call, button = fake.find_submit("lp:se-role:")
    assert button["data"]["lp"].endswith(":leader") and "Jeg svarer som leder" in call.text
    await anna.press("lp:se-role:1:leader")
    assert "du svarer som leder" in json.dumps(anna.answers, ensure_ascii=False) + fake.text()

    # Bo's first reflection: the role question with its two buttons, which work.
    mark = len(fake.sent())
    assert await bo.say("selvevaluering refleksion L1 Det hører vi sjældent.") == 201
    asked = fake.text(mark)
    assert "Svarer du som leder eller som medarbejder?" in asked and "lp:se-role:1:staff" in asked
    await bo.press("lp:se-role:1:staff")
    assert "du svarer som medarbejder" in json.dumps(bo.answers, ensure_ascii=False) + fake.text()

    # Own ratings through the dimension card's button and its form.
    for person, rating in ((anna, "5"), (bo, "2")):
        await person.press("lp:se-own:1:L")
        form, save = fake.find_submit("lp:se-f-own:1:L")
        assert "Min vurdering" in form.text
        await person.press_on(form, save["data"]["lp"], {"rating": rating}, save["data"])
    assert "Din egen vurdering af Ledelse er gemt: 2/5" in (
        json.dumps(bo.answers, ensure_ascii=False) + fake.text()
    )

    assert await anna.say("selvevaluering luk") == 201
    summaries = [c for c in fake.sent() if "Selvevaluering – opsummering" in c.text]
    assert summaries
    facts = [
        f
        for card in summaries[-1].cards
        for block in card["body"]
        if block.get("type") == "FactSet"
        for f in block["facts"]
    ]
    assert facts[0]["title"] == "Ledere" and "5,0" in facts[0]["value"]
    assert facts[1]["title"] == "Medarbejdere" and "2,0" in facts[1]["value"]
    assert "ser Ledelse forskelligt – 5,0 mod 2,0 i snit" in summaries[-1].text

    cards = {f"card-{i}": card for i, card in enumerate(fake.all_cards())}
    cards |= {f"answer-{i}": a for i, a in enumerate(_answer_cards(anna.answers + bo.answers))}
    assert len(cards) > 20
    card_check(cards)


def _answer_cards(answers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The cards Teams shows the clicker alone (an Action.Execute's answer: a card, or a short
    message as text)."""
    found = []
    for a in answers:
        if a.get("type") == "application/vnd.microsoft.card.adaptive":
            found.append(a["value"])
    return found
