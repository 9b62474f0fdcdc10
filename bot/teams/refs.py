"""Message references and reply places of the Teams adapter.

A message ref (what the port's `post` returns, stored by the engine) is JSON: {"c":
conversation id as posted (with ";messageid=<root>" for a channel thread reply), "a": [activity
ids]} — a long message may be split over several activities and is updated part by part.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from bot.ports import DeliveryError

MAX_REF_CHARS = 500  # posted_messages.ref is String(512)
THREAD = ";messageid="


def base_id(conversation_id: str) -> str:
    """A channel thread's conversation id without the thread part."""
    return conversation_id.split(THREAD, 1)[0]


@dataclass(frozen=True)
class Ref:
    conversation_id: str
    activity_ids: tuple[str, ...]

    def dumps(self) -> str:
        ids = list(self.activity_ids)
        while True:
            text = json.dumps({"c": self.conversation_id, "a": ids}, separators=(",", ":"))
            if len(text) <= MAX_REF_CHARS or len(ids) <= 1:
                return text
            ids.pop()  # later parts of a huge message are then not updated in place

    @classmethod
    def loads(cls, text: str) -> Ref:
        try:
            data = json.loads(text)
            return cls(str(data["c"]), tuple(str(a) for a in data["a"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise DeliveryError("not a Teams message ref", retryable=False) from exc


@dataclass(frozen=True)
class ReplyPlace:
    """Where the quiet replies of one inbound turn go (see the module doc)."""

    tenant: str
    conversation_id: str  # the reply target, maybe "<channel>;messageid=<root>"
    origin: str | None = None  # the channel this turn acts on, when it is not this chat
    card_conversation_id: str | None = None  # the submitted card's conversation id
    submitted_card: str | None = None  # the id of the card whose Action.Submit started it
    submitted_values: dict[str, object] | None = None  # that Action.Submit's data
    personal: bool = False  # the activity came from a 1:1 chat (its cards are the person's)
