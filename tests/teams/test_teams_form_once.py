"""A saved form is saved once (issue 15.7): a Teams form card stays on screen after "Gem", so
pressing it again must not store a second row; once saved, the card becomes a read-only
confirmation of what was entered."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from bot.teams.testing import TeamsBot, bot_added, buttons_in
from dialogs import actions
from storage.selfeval_models import SelfEvalPoint


async def points(bot: TeamsBot) -> int:
    async with bot.runtime.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(SelfEvalPoint)) or 0)


def facts(card: dict[str, Any]) -> dict[str, str]:
    return {
        f["title"]: f["value"]
        for element in card["body"]
        if element.get("type") == "FactSet"
        for f in element["facts"]
    }


async def point_form(teams_bot: TeamsBot) -> None:
    """A self-evaluation in the channel, all dimensions posted, the point form on screen."""
    await teams_bot.client.post("/api/messages", json=bot_added(teams_bot.connector.url))
    anna = teams_bot.user("Anna")
    assert await anna.say("<at>Lovende praksis</at> selvevaluering start") == 201
    assert await anna.press("lp:se-pace:", {}) == 200  # (a shared card: Action.Execute)
    _call, action = teams_bot.connector.find_submit("lp:se-pace:")
    sid = int(actions.decode(action["data"]["lp"]).args[0])
    assert await anna.say("<at>Lovende praksis</at> selvevaluering punkt ledelse") == 201
    teams_bot.connector.find_submit(f"lp:se-f-pt:{sid}:")  # the form card is there


async def test_a_form_card_pressed_twice_stores_one_row_and_becomes_read_only(
    teams_bot: TeamsBot,
) -> None:
    await point_form(teams_bot)
    anna = teams_bot.user("Anna")
    values = {"text": "Ledelsen efterspørger data i hverdagen"}
    before = len(teams_bot.connector.sent())
    assert await anna.press("lp:se-f-pt:", values) == 201
    assert await points(teams_bot) == 1
    # The form card itself now shows what was saved, read-only: no input, no button.
    updates = [c for c in teams_bot.connector.sent()[before:] if c.method == "PUT"]
    confirmation = updates[-1].cards[0]
    assert facts(confirmation) == {"Udviklingspunkt": values["text"]}
    assert "✓ Gemt." in str(confirmation)
    assert not [e for e in confirmation["body"] if str(e.get("type", "")).startswith("Input.")]
    assert "Action.Submit" not in str(confirmation)

    # "Gem" again on the very same card (a second click, or a client that kept the old card):
    # nothing new is stored, and the person is told.
    _call, action = teams_bot.connector.find_submit("lp:se-f-pt:")  # the original form card
    form_call = next(c for c in teams_bot.connector.sent() if action in buttons_in(c.cards))
    assert await anna.press_on(form_call, action["data"]["lp"], values, action["data"]) == 201
    assert await points(teams_bot) == 1
    assert "Den formular er allerede gemt" in teams_bot.connector.text(before)


async def test_two_presses_at_once_store_one_row(teams_bot: TeamsBot) -> None:
    await point_form(teams_bot)
    call, action = teams_bot.connector.find_submit("lp:se-f-pt:")
    anna = teams_bot.user("Anna")
    anna.settle = None  # both presses are answered before either turn runs
    values = {"text": "Kompetencer til dataarbejde"}
    first = anna.press_on(call, action["data"]["lp"], values, action["data"])
    second = anna.press_on(call, action["data"]["lp"], values, action["data"])
    assert [await first, await second] == [201, 201]
    await teams_bot.teams.settle()
    assert await points(teams_bot) == 1


async def test_a_rejected_form_can_be_saved_after_correcting_it(teams_bot: TeamsBot) -> None:
    """The key is taken by a save, not by a submit that came back with errors."""
    await point_form(teams_bot)
    anna = teams_bot.user("Anna")
    assert await anna.press("lp:se-f-pt:", {"text": ""}) == 201  # empty: the form again
    assert await points(teams_bot) == 0
    assert await anna.press("lp:se-f-pt:", {"text": "Nu med indhold"}) == 201
    assert await points(teams_bot) == 1
