"""The round's picture and end through the Teams adapter (issue 17): activities through
CloudAdapter to a fake connector, every card validated by the official `adaptivecards` package.
The welcome greets with three first steps written as they are typed there (@-mentioning the bot
in a channel, plainly in a 1:1 chat); `luk` shows the gaps with the buttons that close or keep
the round open; the facilitator's disagreement card is updated in place without the decided
question's button; a 1:1 chat says "her", never "i kanalen"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.teams.testing import TeamsBot, actions_in, bot_added

Check = Callable[[dict[str, dict[str, Any]]], None]
DM = "a:1anna-dm"


async def test_the_welcome_is_a_greeting_and_three_first_steps(
    teams_bot: TeamsBot, card_check: Check
) -> None:
    fake = teams_bot.connector
    await teams_bot.client.post("/api/messages", json=bot_added(fake.url))
    channel = fake.text()
    assert "Hej – jeg er Lovende praksis" in channel and "Tre første skridt" in channel
    assert "@Lovende praksis start «praksis»" in channel  # a channel: the bot is mentioned
    assert "<" not in channel.replace("<at>", "")  # no <placeholders> for Teams to swallow
    mark = len(fake.sent())
    await teams_bot.client.post(
        "/api/messages", json=bot_added(fake.url, kind="personal", conversation_id=DM)
    )
    personal = fake.text(mark)
    assert "Tre første skridt" in personal
    assert "start «praksis»" in personal and "@Lovende praksis" not in personal
    card_check({f"welcome{i}": card for i, card in enumerate(fake.all_cards())})


async def test_closing_shows_the_gaps_and_the_buttons_decide(
    teams_bot: TeamsBot, card_check: Check
) -> None:
    fake = teams_bot.connector
    anna, bo = await teams_bot.start_round("Anna", "Bo")
    await anna.say("svar 1.1 ja")
    await bo.say("svar 1.1 nej")

    mark = len(fake.sent())
    await anna.say("luk")
    (gaps,) = fake.sent()[mark:]
    assert ";messageid=" in (gaps.conversation_id or "")  # a quiet reply in her thread
    assert "Før målingen af Recovery-forløb lukkes" in gaps.text
    assert "1 uenighed (1.1)" in gaps.text
    assert "@Lovende praksis luk" in gaps.text and "@Lovende praksis genåbn" in gaps.text
    assert [a.split(":")[1] for a in actions_in(gaps.cards)] == ["close-ok", "close-no"]
    card_check({"gaps": gaps.cards[0]})

    mark = len(fake.sent())
    await anna.press("lp:close-ok:")
    closing = fake.text(mark)
    assert "Anna har lukket målingen af Recovery-forløb" in closing
    assert "Resultat: Recovery-forløb – runde 1" in closing

    mark = len(fake.sent())
    await anna.say("genåbn")
    reopened = fake.text(mark)
    assert "Anna har genåbnet målingen" in reopened
    assert any(c.method == "PUT" and "(i gang)" in c.text for c in fake.sent()[mark:])


async def test_the_disagreement_card_loses_the_decided_questions_button(
    teams_bot: TeamsBot, card_check: Check
) -> None:
    fake = teams_bot.connector
    anna, bo = await teams_bot.start_round("Anna", "Bo")
    for qid in ("1.1", "1.2"):
        await anna.say(f"svar {qid} ja")
        await bo.say(f"svar {qid} nej")
    mark = len(fake.sent())
    await anna.say("uenighed")
    (listed,) = fake.sent()[mark:]
    assert [a.split(":")[3] for a in actions_in(listed.cards)] == ["1.1", "1.2"]

    await anna.press("lp:dec:1:1.1:")
    form_call, form = fake.find_submit("lp:f-dec:1:1.1:")
    mark = len(fake.sent())
    await anna.press_on(
        form_call, form["data"]["lp"], {"value": "delvist", "justification": "Begge dele."}
    )
    updated = [c for c in fake.sent()[mark:] if c.activity_id == fake.message_id(listed)]
    assert updated and updated[-1].method == "PUT"  # the same card, changed in place
    assert [a.split(":")[3] for a in actions_in(updated[-1].cards)] == ["1.2"]
    assert "(1 uenighed)" in updated[-1].text
    card_check({"listed": listed.cards[0], "updated": updated[-1].cards[0]})


async def test_a_one_to_one_chat_says_here_and_names_commands_plainly(
    teams_bot: TeamsBot, card_check: Check
) -> None:
    fake = teams_bot.connector
    anna = teams_bot.user("Anna")
    await anna.say("status", kind="personal", conversation_id=DM, mention=False)
    said = fake.text()
    assert "Der er ingen måling her endnu" in said and "i kanalen" not in said
    assert "start «praksis»" in said and "@Lovende" not in said
    mark = len(fake.sent())
    await anna.say("hjælp", kind="personal", conversation_id=DM, mention=False)
    short = fake.text(mark)
    assert "Lovende praksis – hjælp" in short and "hjælp «emne»" in short
    mark = len(fake.sent())
    await anna.say("hvad nu")  # in the channel: one line, the hint mentions the bot
    assert "Skriv **@Lovende praksis hjælp** for at se, hvad jeg kan." in fake.text(mark)
    assert {c.conversation_id for c in fake.sent()[:mark]} == {DM}
    card_check({f"c{i}": card for i, card in enumerate(fake.all_cards())})
