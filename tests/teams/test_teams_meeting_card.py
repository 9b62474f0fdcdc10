"""`møde planlæg` in Teams (issue 17, the Agents Playground walkthrough): the time picker's
time part has its own label ("Klokkeslæt", not a blank one showing a lone red "*"), an empty
picker says what to pick, a refused time shows its reason on the card, and the meeting card
in a channel says that "Deltag" is for those not on the list yet. Cards validated with the
official `adaptivecards` package."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.teams.cards import TIME_SUFFIX
from bot.teams.testing import TeamsBot, inputs_in, meeting_plan_inputs

CardCheck = Callable[[dict[str, dict[str, Any]]], None]


async def test_the_plan_card_labels_the_time_and_shows_errors(
    teams_bot: TeamsBot, card_check: CardCheck
) -> None:
    fake, anna = teams_bot.connector, teams_bot.user("Anna")
    await anna.say("møde planlæg")
    form_call, button = fake.find_submit("lp:mtf-plan")
    (card,) = form_call.cards
    fields = inputs_in(card)
    assert fields["when" + TIME_SUFFIX]["label"] == "Klokkeslæt"
    assert fields["when"]["errorMessage"] == "Vælg både dato og klokkeslæt."
    card_check({"plan": card})

    values = meeting_plan_inputs(when="2026-13-45")  # what no picker sends: refused, with why
    mark = len(fake.sent())
    await anna.press_on(form_call, button["data"]["lp"], values, button["data"])
    (rejected,) = [c for c in fake.sent()[mark:] if c.cards]
    errors = [e["text"] for e in rejected.cards[0]["body"] if e.get("color") == "Attention"]
    assert errors and all(len(e) > len("Tidspunkt ⚠") for e in errors), errors
    card_check({"rejected": rejected.cards[0]})


async def test_the_meeting_card_says_whom_join_is_for(
    teams_bot: TeamsBot, card_check: CardCheck
) -> None:
    fake, anna = teams_bot.connector, teams_bot.user("Anna")
    await anna.say("møde planlæg")
    mark = len(fake.sent())
    await anna.press("lp:mtf-plan", meeting_plan_inputs())
    (root,) = [c for c in fake.sent()[mark:] if "Læringsdialog 1" in c.text and "Deltag" in c.text]
    assert "Ikke på listen endnu? Tryk på Deltag" in root.text
    card_check({"root": root.cards[0]})
