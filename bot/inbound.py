"""What an adapter makes of a platform's request for the engine (`Inbound`), made safe to
store (`scrubbed`), and the processed-event keys that make a second delivery of it — or a
second press of a form that stays on screen — a duplicate."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from bot.ports import Conversation
from dialogs.events import Command, Event, Interaction


@dataclass(frozen=True)
class Inbound:
    """A request from a platform, already verified by its adapter."""

    conv: Conversation
    event: Event
    user_name: str | None = None
    channel_name: str | None = None
    event_id: str | None = None  # the platform's id for deduplication
    inbox_key: str | None = None  # set by `Engine.accept`: the turn runs once for this key
    # The platform has had its answer (a kept click, a replay): the turn waits for a lull
    # between the requests being answered (bot/priority.py).
    answered: bool = False
    # When the platform's request arrived, if before the turn (set by `accept`; a replay has
    # it from the inbox). None: received when the turn runs. Last received wins.
    received_at: datetime | None = None


def scrub(text: str) -> str:
    """Lone surrogates (JSON "\\ud800") can be neither stored nor encoded: replace them."""
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def scrubbed(inbound: Inbound) -> Inbound:
    """The inbound event with every user-supplied string made encodable."""
    event: Event = (
        Command(scrub(inbound.event.text))
        if isinstance(inbound.event, Command)
        else Interaction(
            scrub(inbound.event.action),
            {scrub(k): scrub(v) for k, v in inbound.event.values.items()},
            scrub(inbound.event.form_key) if inbound.event.form_key else None,
        )
    )
    return replace(
        inbound,
        event=event,
        user_name=scrub(inbound.user_name) if inbound.user_name else None,
        channel_name=scrub(inbound.channel_name) if inbound.channel_name else None,
    )


def form_key(inbound: Inbound) -> str | None:
    """The processed-event key of the form this interaction submits, if it names one."""
    event, conv = inbound.event, inbound.conv
    if not isinstance(event, Interaction) or event.form_key is None:
        return None
    return f"form:{conv.platform}:{conv.workspace}:{event.form_key}"


def event_keys(inbound: Inbound) -> list[str]:
    """The processed-event keys that make a delivery (or a replay) of this turn a duplicate."""
    conv = inbound.conv
    keys = [f"inbox:{inbound.inbox_key}"] if inbound.inbox_key else []
    if inbound.event_id:
        keys.append(f"{conv.platform}:{conv.workspace}:{inbound.event_id}")
    return keys
