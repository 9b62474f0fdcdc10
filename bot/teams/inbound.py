"""Translators from Teams activities to the neutral model: pure functions over an Activity.

Who and where (`tenant_of`, `conversation_type`, `member_key`, `channel_name`), what
(`event_of`: a Command, an Interaction, or nothing for the engine) and where the quiet replies
of the turn go (`reply_place`). Ids from an activity are only claims: the engine checks them
against the tenant and conversation they came from.

- A message that @mentions the bot in a channel or group chat, and any message in a 1:1 chat,
  becomes `Command(text)` with the mention removed. Messages in channels that do not mention the
  bot (possible with resource-specific consent) are ignored.
- An `Action.Submit` arrives as a message with empty text and `value` = {"lp": action id, input
  values…}: it becomes `Interaction(action, values)`.
"""

from __future__ import annotations

import html
import re

from botbuilder.core import TurnContext
from botbuilder.schema import Activity, ChannelAccount

from bot.teams.cards import FORM_KEY, parse_submit
from bot.teams.refs import THREAD, ReplyPlace, base_id
from dialogs.events import Command, Event, Interaction

PLATFORM = "teams"
_AT_TAG = re.compile(r"</?at[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")


def tenant_of(activity: Activity) -> str:
    conversation = activity.conversation
    tenant = getattr(conversation, "tenant_id", None) if conversation else None
    if not tenant and isinstance(activity.channel_data, dict):
        tenant = (activity.channel_data.get("tenant") or {}).get("id")
    return str(tenant or "default")


def conversation_type(activity: Activity) -> str:
    conversation = activity.conversation
    kind = getattr(conversation, "conversation_type", None)
    if kind in ("personal", "groupChat", "channel"):
        return str(kind)
    return "groupChat" if getattr(conversation, "is_group", False) else "personal"


def member_key(account: ChannelAccount | None) -> str | None:
    if account is None or not account.id:
        return None
    return str(account.aad_object_id or account.id)


def channel_name(activity: Activity) -> str | None:
    data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    team = (data.get("team") or {}).get("name")
    channel = (data.get("channel") or {}).get("name")
    name = " / ".join(n for n in (team, channel) if n) or getattr(
        activity.conversation, "name", None
    )
    return str(name)[:200] if name else None


def mentions_bot(activity: Activity) -> bool:
    bot_id = activity.recipient.id if activity.recipient else None
    for mention in TurnContext.get_mentions(activity):
        mentioned = (mention.additional_properties or {}).get("mentioned") or {}
        if bot_id and mentioned.get("id") == bot_id:
            return True
    return False


def command_text(activity: Activity) -> str:
    """The text of a message with the bot's mention (and any other markup) removed."""
    text = activity.text or ""
    if mentions_bot(activity):
        try:
            text = TurnContext.remove_recipient_mention(activity) or ""
        except (KeyError, TypeError, AttributeError):  # a malformed mention entity
            name = getattr(activity.recipient, "name", None) or ""
            text = text.replace(f"<at>{name}</at>", "")
    text = _TAG.sub(" ", _AT_TAG.sub("", text))
    return " ".join(html.unescape(text).replace("\xa0", " ").split())


def event_of(activity: Activity) -> Event | None:
    """The engine's event for a message activity, or None when it is not for the bot."""
    submitted = parse_submit(activity.value)
    if submitted is not None:
        action, values = submitted
        return Interaction(action, values, form_key(activity))
    if conversation_type(activity) != "personal" and not mentions_bot(activity):
        return None  # in channels and group chats the bot listens only when mentioned
    text = command_text(activity)
    if not text and not activity.value:
        text = "hjælp"
    return Command(text) if text else None


def form_key(activity: Activity) -> str | None:
    """The identity of the form card this submit came from (its conversation and activity
    id): a form card stays on screen after "Gem", and is saved once."""
    value = activity.value
    if not isinstance(value, dict) or FORM_KEY not in value or not activity.reply_to_id:
        return None
    return f"{base_id(activity.conversation.id)}:{activity.reply_to_id}"


def reply_place(activity: Activity, origin: str | None) -> ReplyPlace:
    """Where the quiet replies of this activity's turn go (see turn.py); `origin`: the channel
    a submit in a 1:1 chat acts on."""
    conversation_id = activity.conversation.id
    if conversation_type(activity) == "channel" and THREAD not in conversation_id:
        # a root post (a mention, or a card posted at the top): answer in its thread
        root = activity.reply_to_id or activity.id
        if root:
            conversation_id = f"{conversation_id}{THREAD}{root}"
    submitted = activity.reply_to_id if isinstance(activity.value, dict) else None
    return ReplyPlace(
        tenant=tenant_of(activity),
        conversation_id=conversation_id,
        origin=origin,
        card_conversation_id=activity.conversation.id,
        submitted_card=submitted,
        submitted_values=dict(activity.value) if isinstance(activity.value, dict) else None,
    )
