"""bot/teams/speedups.py: msrest's serialisation of a card, made directly, gives what msrest's
own gives — for the cards the bot really sends, and for values msrest treats specially."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

import botbuilder.schema as schema
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
