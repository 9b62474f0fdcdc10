"""bot/teams/speedups.py: msrest's serialisation of a card, made directly, gives what msrest's
own gives — for the cards the bot really sends, and for values msrest treats specially."""

from __future__ import annotations

import copy
import enum
from datetime import UTC, datetime
from typing import Any

import botbuilder.schema as schema
import pytest
from botbuilder.schema import Activity, Attachment
from msrest.serialization import Serializer

from bot.teams import speedups
from bot.teams.cards import CONTENT_TYPE
from bot.teams.testing import TeamsBot


class Colour(enum.StrEnum):  # msrest writes str(value) of it in a card: kept
    RED = "rød"


def serializer() -> Serializer:
    return Serializer({k: v for k, v in vars(schema).items() if isinstance(v, type)})


def msrest_way(value: Any) -> Any:
    return speedups.MSREST_SERIALIZE_OBJECT(serializer(), value)


async def test_the_cards_the_bot_sends_serialise_as_msrest_would(teams_bot: TeamsBot) -> None:
    assert getattr(Serializer.serialize_object, "fast", False)  # mounting Teams applied it
    anna = teams_bot.user("Anna")
    await anna.say("start Recovery-forløb")
    await anna.press("lp:pace:")  # every element's question cards
    cards = [card for call in teams_bot.connector.calls for card in call.cards]
    assert len(cards) >= 5
    for card in cards:
        activity = Activity(
            type="message", attachments=[Attachment(content_type=CONTENT_TYPE, content=card)]
        )
        body = serializer().body(activity, "Activity")
        assert body["attachments"][0]["content"] == msrest_way(card) == card


def test_values_msrest_treats_specially_still_go_its_way() -> None:
    speedups.apply()
    when = datetime(2026, 12, 6, 9, 30, tzinfo=UTC)
    for value in (
        {"colour": Colour.RED, "n": [1, 2.5, True, None]},
        {"when": when},
        [{"nested": [when, Colour.RED]}],
        {1: "a number as key"},
    ):
        assert serializer().serialize_object(value) == msrest_way(value)


async def test_the_activities_the_bot_sends_serialise_as_msrest_would(
    teams_bot: TeamsBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every activity a round sends — posts, card updates, quiet replies in a thread, 1:1
    messages, the closing summary with its chart — serialised directly gives msrest's own
    result; and the direct way is the one taken for them."""
    assert getattr(Serializer.body, "fast", False)  # mounting Teams applied it
    sent: list[Any] = []
    fast_body = Serializer.body

    def recording(self: Serializer, data: Any, data_type: str, **kwargs: Any) -> Any:
        if data_type == "Activity":
            sent.append(copy.deepcopy(data))
        return fast_body(self, data, data_type, **kwargs)

    monkeypatch.setattr(Serializer, "body", recording)
    anna, bo = await teams_bot.start_round("Anna", "Bo")
    await anna.press("lp:pace:")
    await anna.press("lp:ans:1:1.1:")
    await bo.press("lp:ans:1:1.2:")
    await anna.say("svar 1.3 nej")
    await bo.say("status")
    await bo.say("hjælp", kind="personal", conversation_id="a:1bo-personlig", mention=False)
    await anna.say("luk")
    await anna.press("lp:close-ok:")
    assert len(sent) >= 10 and any(a.attachments for a in sent)
    direct = 0
    for activity in sent:
        ours = fast_body(serializer(), copy.deepcopy(activity), "Activity")
        assert ours == speedups.MSREST_BODY(serializer(), copy.deepcopy(activity), "Activity")
        try:
            speedups._model_json(activity, serializer().dependencies)
            direct += 1
        except speedups._NotPlain:
            pass
    assert direct == len(sent)


def test_activities_msrest_treats_specially_serialise_as_msrest_would() -> None:
    speedups.apply()
    when = datetime(2026, 12, 6, 9, 30, tzinfo=UTC)
    for activity in (
        Activity(type=schema.ActivityTypes.message, text="en enum (its value)"),
        Activity(type="message", timestamp=when),
        Activity(type="message", recipient={"id": "29:1", "name": "Anna"}),  # a dict for a model
        Activity(type="message", entities=[schema.Mention(text="<at>Anna</at>")]),  # a subclass
        Activity(type="message", text="æøå", attachments=[Attachment(content={"n": Colour.RED})]),
    ):
        ours = serializer().body(copy.deepcopy(activity), "Activity")
        assert ours == speedups.MSREST_BODY(serializer(), copy.deepcopy(activity), "Activity")
