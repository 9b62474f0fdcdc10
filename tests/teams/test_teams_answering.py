"""Answering through the Teams adapter (issue 17): a group chat and a 1:1 chat have no threads,
so each element is one card holding its questions ("Alle elementer nu" posts 11 cards, never
73); in a 1:1 chat the card marks the person's own answer and keeps 2.2's selection; a click in
a group chat is not answered by a message everyone would see. The cards of every element in
both layouts, one question at a time and the private confirmation are valid Adaptive Cards
(the official `adaptivecards` package) under 28 KB."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from bot.teams.cards import MAX_CARD_BYTES, card_size, message_cards
from bot.teams.testing import TeamsBot, buttons_in
from dialogs.assessment.model import AssessmentView, MemberAnswerView
from dialogs.assessment.pace import Pace
from dialogs.assessment.views import (
    asked_questions,
    element_message,
    guided_message,
    own_answer_message,
)
from dialogs.turn import Surface
from scoring.catalogue import load_catalogue

GROUP = "19:gruppechat-recovery@thread.v2"
PERSONAL = "a:1anna-personlig"
CardCheck = Callable[[dict[str, dict[str, Any]]], None]


def actions_of(card: dict[str, Any]) -> dict[str, str]:
    """Each button's action id (Action.Submit, or Action.Execute on a shared card), and its
    style."""
    return {str(b["data"]["lp"]): str(b.get("style", "default")) for b in buttons_in(card)}


async def test_a_group_chat_gets_eleven_cards_and_no_public_confirmation(
    teams_bot: TeamsBot, card_check: CardCheck
) -> None:
    fake = teams_bot.connector
    anna, bo = teams_bot.user("Anna"), teams_bot.user("Bo")
    assert await anna.say("start Recovery-forløb", kind="groupChat", conversation_id=GROUP) == 201
    intro = next(c for c in fake.posts() if "Måling af praksis" in c.text)
    assert "Her i chatten kommer hvert element som ét kort" in intro.text
    mark = len(fake.calls)
    await anna.press_on(intro, "lp:pace:1:all")
    cards = [c for c in fake.calls[mark:] if c.method == "POST" and "Element " in c.text]
    assert len(cards) == 11  # one card per element, holding its questions
    assert all(c.conversation_id == GROUP for c in fake.calls[mark:])
    assert "lp:ans:1:4.9:ja" in actions_of(cards[3].cards[0])

    mark = len(fake.calls)
    await bo.press_on(cards[0], "lp:ans:1:1.1:ja")
    calls = fake.calls[mark:]
    (update,) = [c for c in calls if c.method == "PUT" and "Element 1" in c.text]
    assert update.activity_id == fake.message_id(cards[0]) and "1 har svaret." in update.text
    assert not [c for c in calls if c.method == "POST"]  # "Dit svar …" would reach everyone
    card_check({f"group-{i}": c.cards[0] for i, c in enumerate(cards)})


async def test_a_one_to_one_chat_marks_the_persons_answer_in_the_card(
    teams_bot: TeamsBot, card_check: CardCheck
) -> None:
    fake = teams_bot.connector
    anna = teams_bot.user("Anna")
    chat = {"kind": "personal", "conversation_id": PERSONAL, "mention": False}
    await anna.say("start Recovery-forløb", **chat)
    await anna.say("svar 1.1 ja", **chat)  # no pace chosen: the default brings element 1
    (card,) = [c for c in fake.posts() if "Element 1:" in c.text]
    assert actions_of(card.cards[0])["lp:ans:1:1.1:ja"] == "positive"
    assert "Gemt: 1.1 Ja." in fake.text()  # the typed answer's reply

    mark = len(fake.calls)
    await anna.press_on(card, "lp:ans:1:1.2:nej")
    calls = fake.calls[mark:]
    (update,) = [c for c in calls if c.method == "PUT" and "Element 1" in c.text]
    styles = actions_of(update.cards[0])
    assert styles["lp:ans:1:1.2:nej"] == "positive" and styles["lp:ans:1:1.2:ja"] == "default"
    assert "Dit svar: Nej" in update.text
    assert not [c for c in calls if c.method == "POST"]  # the card shows it

    await anna.say("næste", **chat)
    (card_2,) = [c for c in fake.posts() if "Element 2:" in c.text]
    mark = len(fake.calls)
    await anna.press_on(card_2, "lp:multi:1:2.2", {"selected": "a,c"})
    (update,) = [c for c in fake.calls[mark:] if c.method == "PUT" and "Element 2:" in c.text]
    (boxes,) = [
        b
        for card in update.cards
        for b in card["body"]
        if b.get("type") == "Input.ChoiceSet" and b.get("isMultiSelect")
    ]
    assert boxes.get("value") == "a,c"  # 2.2's selection is kept
    card_check({"solo-1": update.cards[0]})


def answered_view(pacing: str) -> AssessmentView:
    """A round where one person answered everything (2.2 with a and c), in a reassessment."""
    catalogue = load_catalogue()
    started = datetime(2026, 3, 2, tzinfo=UTC)
    answers = {
        q.id: (
            MemberAnswerView(
                "aad-anna",
                "Anna",
                {"multi": "a,c", "single": "universitet"}.get(q.type, "ja"),
                None,
            ),
        )
        for q in catalogue.questions
    }
    last = AssessmentView(1, "Recovery", "Unge", 1, "closed", pacing, 11, started, answers=answers)
    return AssessmentView(
        2, "Recovery", None, 2, "open", pacing, 11, started, answers=answers, previous=last
    )


def test_every_card_of_the_flat_layouts_is_valid_and_small_enough(card_check: CardCheck) -> None:
    catalogue = load_catalogue()
    cards: dict[str, dict[str, Any]] = {}
    for pacing in ("one-flat", "all-solo"):
        view = answered_view(pacing)
        pace = Pace.of(pacing, Surface())
        for e in catalogue.elements:
            msg = element_message(
                "da", view, e, pace, asked_questions(view, catalogue, e), last=e.number == 11
            )
            (card,) = message_cards(msg)  # one card each, even element 4's nine questions
            assert card_size(card) <= MAX_CARD_BYTES
            cards[f"{pacing}-{e.number}"] = card
    view = answered_view("all")
    q22 = catalogue.question("2.2")
    guided = guided_message("da", view, q22, catalogue.element(2), 3, "a,c", Surface())
    mine = own_answer_message("da", view, [(q22, "a,c")], typed=False)
    for name, message in (("guided-2.2", guided), ("own-2.2", mine)):
        (card,) = message_cards(message)
        cards[name] = card
    card_check(cards)
