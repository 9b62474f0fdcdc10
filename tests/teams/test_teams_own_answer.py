"""Each person sees their own answer on a Teams card, and only they see it.

In a channel the question card is everyone's: a click is an Action.Execute, answered with the
person's own view of the card (the button they chose marked, 2.2's ticks as they saved them)
that Teams shows to them alone; the card, updated for everyone, names them in its refresh so
their view comes back after later updates. In a 1:1 chat the card is the person's own and shows
their answer itself. All through `/api/messages` (CloudAdapter) and the fake connector."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from bot.teams import handler
from bot.teams.testing import (
    CHANNEL,
    GROUP_CHAT,
    USERS,
    Call,
    TeamsBot,
    actions_in,
    bot_added,
    buttons_in,
)
from dialogs import actions

CardCheck = Callable[[dict[str, dict[str, Any]]], None]
CARD = "application/vnd.microsoft.card.adaptive"
MESSAGE = "application/vnd.microsoft.activity.message"


def buttons(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The card's buttons by action id."""
    return {button["data"]["lp"]: button for button in buttons_in(card)}


def question_card(bot: TeamsBot, aid: int, qid: str) -> Call:
    """The newest post or update of a question's card in the channel."""
    action = actions.encode("cmt", aid, qid)
    for call in reversed(bot.connector.sent()):
        if call.cards and action in buttons(call.cards[0]):
            return call
    raise LookupError(qid)


async def started(bot: TeamsBot, pace: str = "all") -> int:
    anna = bot.user("Anna")
    await bot.client.post("/api/messages", json=bot_added(bot.connector.url))
    assert await anna.say("start Recovery-forløb") == 201
    call, action = bot.connector.find_submit("lp:pace:")
    aid = int(actions.decode(action["data"]["lp"]).args[0])
    assert await anna.press_on(call, actions.encode("pace", aid, pace)) == 200
    return aid


async def test_a_click_in_a_channel_shows_the_person_their_answer_and_only_them(
    teams_bot: TeamsBot, card_check: CardCheck
) -> None:
    bot, fake = teams_bot, teams_bot.connector
    aid = await started(bot)
    anna, bo = bot.user("Anna"), bot.user("Bo")
    card = question_card(bot, aid, "1.1")
    ja, nej = actions.encode("ans", aid, "1.1", "ja"), actions.encode("ans", aid, "1.1", "nej")
    assert buttons(card.cards[0])[ja]["type"] == "Action.Execute"

    mark = len(fake.sent())
    assert await anna.press_on(card, ja) == 200
    answer = anna.answers[-1]
    assert answer["statusCode"] == 200 and answer["type"] == CARD
    mine = buttons(answer["value"])
    assert mine[ja]["title"] == "✓ Ja" and mine[ja]["style"] == "positive"
    assert mine[nej]["title"] == "Nej" and "style" not in mine[nej]
    # Everyone else sees the shared card: counted, nobody's answer marked, nothing posted.
    sent = fake.sent()[mark:]
    assert all(c.method == "PUT" for c in sent)
    shared = next(c for c in sent if c.activity_id == fake.message_id(card))
    assert "1 har svaret" in shared.text and "✓" not in shared.text
    assert shared.cards[0]["refresh"]["userIds"] == [USERS["Anna"][0]]

    # Bo answers differently: the card names both; each one's refresh shows their own answer
    # on the card as it is now.
    assert await bo.press_on(shared, nej) == 200
    assert buttons(bo.answers[-1]["value"])[nej]["title"] == "✓ Nej"
    shared = question_card(bot, aid, "1.1")
    assert shared.cards[0]["refresh"]["userIds"] == [USERS["Anna"][0], USERS["Bo"][0]]
    again = await anna.refresh(shared)
    assert again["type"] == CARD and "2 har svaret" in str(again["value"])
    assert buttons(again["value"])[ja]["title"] == "✓ Ja"
    assert buttons(again["value"])[nej]["title"] == "Nej"
    carla = await bot.user("Carla").refresh(shared)  # no view of hers: the shared card stays
    assert carla["statusCode"] == 404
    card_check({"shared": shared.cards[0], "anna": again["value"], "bo": bo.answers[-1]["value"]})


async def test_saving_2_2_keeps_the_persons_ticks(teams_bot: TeamsBot) -> None:
    bot = teams_bot
    aid = await started(bot)
    anna = bot.user("Anna")
    card = question_card(bot, aid, "2.2")
    assert (
        await anna.press_on(card, actions.encode("multi", aid, "2.2"), {"selected": "a,c"}) == 200
    )
    (choices,) = [
        e for e in anna.answers[-1]["value"]["body"] if e.get("type") == "Input.ChoiceSet"
    ]
    assert choices["value"] == "a,c"
    shared = question_card(bot, aid, "2.2")
    (everyone,) = [e for e in shared.cards[0]["body"] if e.get("type") == "Input.ChoiceSet"]
    assert everyone["value"] == ""  # the shared card holds nobody's ticks


async def test_a_refused_click_is_told_to_the_person_alone(teams_bot: TeamsBot) -> None:
    bot, fake = teams_bot, teams_bot.connector
    aid = await started(bot)
    card = question_card(bot, aid, "1.1")
    assert await bot.user("Anna").say("luk") == 201
    assert await bot.user("Anna").say("luk") == 201  # the gaps first, then closing
    mark = len(fake.sent())
    bo = bot.user("Bo")
    assert await bo.press_on(card, actions.encode("ans", aid, "1.1", "ja")) == 200
    assert bo.answers[-1]["type"] == MESSAGE and "lukket" in bo.answers[-1]["value"]
    assert "«praksis»" in bo.answers[-1]["value"] or "praksis" in bo.answers[-1]["value"]
    assert fake.sent()[mark:] == []  # nothing the channel sees


async def test_a_typed_answer_takes_back_the_clicked_view(teams_bot: TeamsBot) -> None:
    bot = teams_bot
    aid = await started(bot)
    anna = bot.user("Anna")
    card = question_card(bot, aid, "1.1")
    await anna.press_on(card, actions.encode("ans", aid, "1.1", "ja"))
    with_view = question_card(bot, aid, "1.1")
    assert with_view.cards[0]["refresh"]["userIds"] == [USERS["Anna"][0]]
    assert await anna.say("svar 1.1 nej") == 201  # "ja" is no longer her answer
    shared = question_card(bot, aid, "1.1")
    assert "refresh" not in shared.cards[0]
    assert (await anna.refresh(with_view))["statusCode"] == 404


async def test_a_slow_turn_answers_the_click_and_its_words_follow_as_replies(
    teams_bot: TeamsBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot, fake = teams_bot, teams_bot.connector
    aid = await started(bot)
    card = question_card(bot, aid, "1.1")
    assert await bot.user("Anna").say("luk") == 201
    assert await bot.user("Anna").say("luk") == 201  # the gaps first, then closing
    monkeypatch.setattr(handler, "ANSWER_SECONDS", 0.0)  # the answer cannot wait for the turn
    bo = bot.user("Bo")
    assert await bo.press_on(card, actions.encode("ans", aid, "1.1", "ja")) == 200
    assert bo.answers[-1] == {"statusCode": 200, "type": MESSAGE, "value": "✓"}
    reply = fake.sent()[-1]
    assert reply.method == "POST" and "lukket" in reply.text
    assert reply.conversation_id == card.conversation_id  # in the card's thread


async def test_in_a_one_to_one_chat_the_card_shows_the_answer(teams_bot: TeamsBot) -> None:
    bot, fake = teams_bot, teams_bot.connector
    dm = "a:1anna-dm"
    anna = bot.user("Anna")
    assert (
        await anna.say("start Recovery", kind="personal", conversation_id=dm, mention=False) == 201
    )
    call, action = fake.find_submit("lp:pace:")
    aid = int(actions.decode(action["data"]["lp"]).args[0])
    assert buttons(call.cards[0])[action["data"]["lp"]]["type"] == "Action.Submit"
    await anna.press_on(call, actions.encode("pace", aid, "one"))
    card = question_card(bot, aid, "1.1")
    mark = len(fake.sent())
    assert await anna.press_on(card, actions.encode("ans", aid, "1.1", "delvist")) == 201
    own = [c for c in fake.sent()[mark:] if c.activity_id == fake.message_id(card)]
    assert (
        own
        and buttons(own[-1].cards[0])[actions.encode("ans", aid, "1.1", "delvist")]["title"]
        == "✓ Delvist"
    )
    assert "refresh" not in own[-1].cards[0]
    assert not [c for c in fake.sent()[mark:] if c.method == "POST"]


async def test_a_private_copy_in_a_thread_shows_the_answer_to_its_owner(
    teams_bot: TeamsBot,
) -> None:
    """`spørgsmål` in a channel: the person's questions in the thread of their message; a
    click on a copy counts on the shared card, and the copy shows them their answer."""
    bot, fake = teams_bot, teams_bot.connector
    aid = await started(bot)
    bo = bot.user("Bo")
    assert await bo.say("spørgsmål") == 201
    copy = next(c for c in reversed(fake.posts()) if "1.1" in c.text)
    ja = actions.encode("ans", aid, "1.1", "ja")
    assert await bo.press_on(copy, ja) == 200
    assert buttons(bo.answers[-1]["value"])[ja]["title"] == "✓ Ja"
    assert "1 har svaret" in question_card(bot, aid, "1.1").text
    assert CHANNEL in (copy.conversation_id or "")


async def test_on_a_card_of_several_questions_the_person_sees_all_their_answers(
    teams_bot: TeamsBot, card_check: CardCheck
) -> None:
    """In a group chat an element's card holds all its questions: each click marks that
    question's button in the person's view and keeps the answers they clicked before marked —
    not only the latest (seen in an earlier Agents Playground walkthrough)."""
    fake, anna = teams_bot.connector, teams_bot.user("Anna")
    said: dict[str, Any] = {"kind": "groupChat", "conversation_id": GROUP_CHAT}
    await anna.say("start Recovery-forløb", **said)
    await anna.say("tempo ét", **said)

    def marked(view: dict[str, Any]) -> dict[str, str]:
        return {
            action.split(":")[3]: button["title"]
            for action, button in buttons(view).items()
            if button["title"].startswith("✓")
        }

    def card_of(qid: str) -> Call:
        return next(c for c in reversed(fake.sent()) if f":{qid}:ja" in str(c.cards))

    card = card_of("1.1")
    assert card is card_of("1.2")  # one card for the element
    aid = int(actions.decode(actions_in(card.cards)[0]).args[0])
    await anna.press_on(card, actions.encode("ans", aid, "1.1", "ja"))
    await anna.press_on(card, actions.encode("ans", aid, "1.2", "nej"))
    assert marked(anna.answers[-1]["value"]) == {"1.1": "✓ Ja", "1.2": "✓ Nej"}
    shared = card_of("1.1")
    assert marked((await anna.refresh(shared))["value"]) == {"1.1": "✓ Ja", "1.2": "✓ Nej"}
    # A new answer to a question moves that question's mark only.
    await anna.press_on(shared, actions.encode("ans", aid, "1.1", "delvist"))
    assert marked(anna.answers[-1]["value"]) == {"1.1": "✓ Delvist", "1.2": "✓ Nej"}
    assert "✓" not in card_of("1.1").text  # the shared card marks nobody's answer
    card_check({"anna": anna.answers[-1]["value"]})
