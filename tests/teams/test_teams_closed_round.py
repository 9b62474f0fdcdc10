"""A closed round looks closed in Teams (issue 17, the Agents Playground walkthrough): after
`luk` and its confirmation the element cards, the progress card and the gaps card are updated
in place — no answer buttons, no "Gem valg", no "Luk målingen / Fortsæt målingen", a line that
the round is closed — and `genåbn` brings the buttons back. In a group chat the element card
shows the team answers, and the words say "i chatten", never "i kanalen". Every card is
validated with the official `adaptivecards` package."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.teams.testing import GROUP_CHAT, Call, TeamsBot, actions_in

Check = Callable[[dict[str, dict[str, Any]]], None]
ANSWERING = ("lp:ans:", "lp:multi:", "lp:next-el:", "lp:scope:", "lp:notes:", "lp:close-")


def updated(calls: list[Call], words: str) -> list[Call]:
    return [c for c in calls if c.method == "PUT" and words in c.text]


async def test_closing_updates_the_cards_in_a_channel(
    teams_bot: TeamsBot, card_check: Check
) -> None:
    fake = teams_bot.connector
    anna, bo = await teams_bot.start_round("Anna", "Bo")
    await anna.say("tempo ét")
    await anna.say("svar 1.1 ja")
    await bo.say("svar 1.1 ja")
    await anna.say("luk")

    mark = len(fake.sent())
    await anna.press("lp:close-ok:")
    after = fake.sent()[mark:]
    (root,) = updated(after, "Element 1: ")
    assert "Målingen er lukket" in root.text and "indtil målingen lukkes" not in root.text
    assert "Afgrænsningen mangler" not in root.text and "Næste element" not in root.text
    assert not [a for a in actions_in(root.cards) if a.startswith(ANSWERING)]
    (gaps,) = updated(after, "Før målingen af Recovery-forløb lukkes")
    assert not actions_in(gaps.cards) and "resultatet blev vist i kanalen" in gaps.text
    (progress,) = updated(after, "runde 1 (lukket)")
    card_check({"root": root.cards[0], "gaps": gaps.cards[0], "progress": progress.cards[0]})

    mark = len(fake.sent())
    await anna.say("genåbn")
    (again,) = updated(fake.sent()[mark:], "Element 1: ")
    assert any(a.startswith("lp:next-el:") for a in actions_in(again.cards))


async def test_a_group_chats_card_shows_the_team_answer_once_closed(
    teams_bot: TeamsBot, card_check: Check
) -> None:
    fake = teams_bot.connector
    anna, bo = teams_bot.user("Anna"), teams_bot.user("Bo")
    said: dict[str, Any] = {"kind": "groupChat", "conversation_id": GROUP_CHAT}
    await anna.say("start Recovery-forløb", **said)
    await anna.say("tempo ét", **said)
    await anna.say("svar 1.1 ja", **said)
    await bo.say("svar 1.1 ja", **said)
    mark = len(fake.sent())
    await anna.say("luk", **said)
    asked = fake.text(mark)
    assert "resultatet bliver vist i chatten" in asked and "i kanalen" not in asked

    mark = len(fake.sent())
    await anna.say("luk", **said)
    after = fake.sent()[mark:]
    (card,) = updated(after, "Element 1: ")
    assert "Teamsvar: Ja" in card.text and "Ikke besvaret" in card.text
    assert "Gem valg" not in card.text and "Du kan ændre" not in card.text
    assert not [a for a in actions_in(card.cards) if a.startswith(ANSWERING)]
    (gaps,) = updated(after, "Før målingen af Recovery-forløb lukkes")
    assert not actions_in(gaps.cards)
    card_check({"card": card.cards[0], "gaps": gaps.cards[0]})


async def test_a_clicks_private_words_in_its_pop_up_are_sentences_of_their_own(
    teams_bot: TeamsBot,
) -> None:
    """The pop-up that answers a click on a guided question in a channel (a shared card that
    the click does not change): "Dit svar på 1.6: Ja." and "Du har
    svaret på alle …" are two sentences, not one run-on line."""
    fake = teams_bot.connector
    anna = teams_bot.user("Anna")
    await anna.say("start Recovery-forløb")
    await anna.say("tempo ét")
    for i in range(1, 6):
        await anna.say(f"svar 1.{i} ja")
    await anna.say("næste spørgsmål")
    call, _action = fake.find_submit("lp:ans:")
    (ja,) = [a for a in actions_in(call.cards) if a.startswith("lp:ans:") and ":1.6:ja:g" in a]
    await anna.press_on(call, ja)
    answer = anna.answers[-1]
    assert answer["type"] == "application/vnd.microsoft.activity.message"
    popup = str(answer["value"])
    assert "Dit svar på 1.6: Ja.\nDu har svaret på alle" in popup, popup


async def test_status_is_one_card(teams_bot: TeamsBot, card_check: Check) -> None:
    """`status`: the progress, the pace and the delimitation on one card (not three)."""
    fake = teams_bot.connector
    anna = teams_bot.user("Anna")
    await anna.say("start Recovery-forløb")
    await anna.say("tempo ét")
    mark = len(fake.sent())
    await anna.say("status")
    (card,) = [c for c in fake.sent()[mark:] if c.method == "POST"]
    assert "Tempo: ét element ad gangen" in card.text and "Husk at afgrænse" in card.text
    assert card.text.count("Besvaret") == 1
    assert [a.split(":")[1] for a in actions_in(card.cards)] == ["pace", "guide", "scope"]
    card_check({"status": card.cards[0]})


async def test_guided_questions_in_a_group_chat_go_to_the_persons_1_1_chat(
    teams_bot: TeamsBot, card_check: Check
) -> None:
    """`næste spørgsmål` in a group chat: one line there, the question in Bo's 1:1 chat with
    the bot; its button answers in the group chat's round, and the next question follows in
    the 1:1 chat."""
    fake = teams_bot.connector
    anna, bo = teams_bot.user("Anna"), teams_bot.user("Bo")
    said: dict[str, Any] = {"kind": "groupChat", "conversation_id": GROUP_CHAT}
    await anna.say("start Recovery-forløb", **said)
    await anna.say("tempo ét", **said)
    mark = len(fake.sent())
    await bo.say("næste spørgsmål", **said)
    sent = fake.sent()[mark:]
    in_chat = [c for c in sent if (c.conversation_id or "").startswith(GROUP_CHAT)]
    assert len(in_chat) == 1 and "i din chat med mig" in in_chat[0].text
    (question,) = [c for c in sent if (c.conversation_id or "").startswith("a:")]
    assert "1.1" in question.text and "lp:ans:" in question.text
    card_check({"guided": question.cards[0]})

    (ja,) = [a for a in actions_in(question.cards) if ":1.1:ja:g" in a]
    mark = len(fake.sent())
    await bo.press_on(question, ja)
    after = fake.sent()[mark:]
    assert [c for c in after if c.method == "PUT" and (c.conversation_id or "") == GROUP_CHAT]
    assert not [
        c for c in after if c.method == "POST" and (c.conversation_id or "").startswith(GROUP_CHAT)
    ]
    (following,) = [c for c in after if c.method == "POST" and "1.2" in c.text]
    assert following.conversation_id == question.conversation_id
