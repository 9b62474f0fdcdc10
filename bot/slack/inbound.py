"""Translators from Slack payloads to the neutral model: pure functions over the request body.

Each returns an `Incoming` (where, who, what) or None when the payload carries nothing for the
engine (a check box being ticked, a message from a bot, an edit). Ids from a payload are only
claims: the engine checks them against the workspace and channel they came from.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from bot.ports import Conversation
from bot.slack.blocks import CHECKBOX_TAG, strip_tag
from bot.slack.modals import FormMeta, submitted_values
from bot.slack.mrkdwn import command_text
from bot.slack.origin import ORIGIN_KEY, clicked_in_dm, is_dm, split_value
from bot.slack.settings import COMMAND
from dialogs.events import Command, Event, Interaction
from dialogs.turn import Surface

PLATFORM = "slack"
Body = dict[str, Any]


@dataclass(frozen=True)
class Clicked:
    """The message a button was clicked on: where it is, and whether it is ephemeral (only
    the person sees it: a reply only they see, which Slack lets us replace through the
    click's `response_url`)."""

    channel: str
    ts: str
    ephemeral: bool = False


@dataclass(frozen=True)
class Incoming:
    conv: Conversation
    event: Event
    event_id: str | None = None  # Events API id: the engine deduplicates retries on it
    channel_name: str | None = None
    trigger_id: str | None = None
    in_dm: bool = False
    clicked: Clicked | None = None  # (a button click)


def workspace_of(body: Body) -> str | None:
    team = body.get("team")
    user: dict[str, Any] = body["user"] if isinstance(body.get("user"), dict) else {}
    enterprise = body.get("enterprise") or {}
    return (
        body.get("team_id")
        or (team.get("id") if isinstance(team, dict) else None)
        or user.get("team_id")
        or body.get("enterprise_id")
        or (enterprise.get("id") if isinstance(enterprise, dict) else None)
    )


def _conv(workspace: str | None, channel: str | None, user: str | None) -> Conversation | None:
    if not workspace or not channel or not user:
        return None
    return Conversation(PLATFORM, workspace, channel, user, surface_of(channel))


# A channel: commands are `/lovende …` and elements get threads; the bot's DM with a person:
# plain commands, one flat conversation, private.
CHANNEL = Surface(prefix=f"{COMMAND} ")
DM = Surface(prefix="", threads=False, private=True)


def surface_of(channel: str) -> Surface:
    return DM if is_dm(channel) else CHANNEL


def from_command(body: Body) -> Incoming | None:
    """`/lovende <text>` (form fields of a slash command)."""
    conv = _conv(workspace_of(body), body.get("channel_id"), body.get("user_id"))
    if conv is None:
        return None
    in_dm = str(body.get("channel_name")) == "directmessage"
    return Incoming(
        conv,
        Command(command_text(str(body.get("text") or ""))),
        channel_name=body.get("channel_name"),
        trigger_id=body.get("trigger_id"),
        in_dm=in_dm,
    )


def from_message_event(body: Body, bot_user_id: str | None) -> Incoming | None:
    """`app_mention` anywhere, or a message in the bot's DM (`message.im`)."""
    event = body.get("event") or {}
    if event.get("bot_id") or event.get("subtype"):
        return None  # bots (ourselves included), edits, joins…
    in_dm = event.get("channel_type") == "im"
    if event.get("type") == "message" and not in_dm:
        return None
    conv = _conv(workspace_of(body), event.get("channel"), event.get("user"))
    if conv is None:
        return None
    text = command_text(str(event.get("text") or ""), bot_user_id)
    return Incoming(conv, Command(text), event_id=body.get("event_id"), in_dm=in_dm)


def from_block_actions(body: Body) -> Incoming | None:
    """A button click. Ticking a check box only acks; its submit button sends the selection.

    A button in the bot's DM about a channel carries that channel, signed; the click runs in
    the channel when `OriginKey.middleware` verified it, else in the DM (`bot.slack.origin`)."""
    clicked = (body.get("actions") or [{}])[0]
    if clicked.get("type") != "button":
        return None
    value = str(clicked.get("value") or strip_tag(str(clicked.get("action_id", ""))))
    action, _claimed, _sig = split_value(value)
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get(
        "channel_id"
    )
    in_dm = clicked_in_dm(body)
    origin = body.get(ORIGIN_KEY) if in_dm else None
    routed = isinstance(origin, str) and bool(origin) and not is_dm(origin)
    if routed:
        channel = origin
    conv = _conv(workspace_of(body), channel, (body.get("user") or {}).get("id"))
    if conv is None:
        return None
    if routed:  # it acts on the channel, but the person is in the DM
        conv = replace(conv, surface=DM)
    state = (body.get("state") or {}).get("values") or {}
    values = submitted_values(state)
    # A form shown inline (a message with inputs) stays on screen after "Gem": it is saved once.
    container = body.get("container") or {}
    shown = container.get("message_ts")
    where = container.get("channel_id") or (body.get("channel") or {}).get("id")
    clicked = (
        Clicked(str(where), str(shown), bool(container.get("is_ephemeral")))
        if shown and where
        else None
    )
    form = f"{channel}:{shown}" if values and shown else None
    selected = _selected(state, action)
    if selected is not None:
        values["selected"] = selected
    return Incoming(
        conv,
        Interaction(action, values, form),
        channel_name=None if routed else (body.get("channel") or {}).get("name"),
        trigger_id=body.get("trigger_id"),
        in_dm=in_dm,
        clicked=clicked,
    )


def _selected(state: dict[str, Any], action: str) -> str | None:
    """The ticked options of the check boxes that belong to `action`, as "a,c"."""
    found: list[str] | None = None
    for elements in state.values():
        for action_id, element in (elements or {}).items():
            if element.get("type") != "checkboxes" or strip_tag(action_id) != action:
                continue
            if not action_id.rpartition("#")[2].startswith(CHECKBOX_TAG):
                continue
            found = (found or []) + [o["value"] for o in element.get("selected_options") or []]
    return ",".join(found) if found is not None else None


def from_view_submission(body: Body) -> Incoming | None:
    view = body.get("view") or {}
    meta = FormMeta.load(str(view.get("private_metadata") or ""))
    if meta is None:
        return None
    conv = _conv(workspace_of(body), meta.channel, (body.get("user") or {}).get("id"))
    if conv is None:
        return None
    values = submitted_values((view.get("state") or {}).get("values") or {})
    in_dm = meta.dm or is_dm(meta.channel)
    return Incoming(conv, Interaction(meta.action, values), in_dm=in_dm)
