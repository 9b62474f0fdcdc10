"""Translators from Teams activities to the neutral model: pure functions over an Activity.

Who and where (`tenant_of`, `conversation_type`, `member_key`, `channel_name`), what
(`event_of`: a Command, an Interaction, or nothing for the engine) and where the quiet replies
of the turn go (`reply_place`). Ids from an activity are only claims: the engine checks them
against the tenant and conversation they came from.

- A message that @mentions the bot in a channel or group chat, and any message in a 1:1 chat,
  becomes `Command(text)` with the mention removed. A mention counts when Teams says so (a
  mention entity for the bot) and also when the text starts with the bot's name as a mention
  (`<at>Lovende praksis</at>`, from a client that sent no entity) or typed as one
  (`@Lovende praksis status`, as the welcome suggests, typed in a 1:1 chat where nothing
  becomes a mention). Messages in channels that do not mention the bot (possible with
  resource-specific consent) are ignored.
- An `Action.Submit` arrives as a message with empty text and `value` = {"lp": action id, input
  values…}: it becomes `Interaction(action, values)`; so does an `Action.Execute` (an
  `adaptiveCard/action` invoke whose action's data holds the same).
"""

from __future__ import annotations

import html
import re

from botbuilder.core import TurnContext
from botbuilder.schema import Activity, ChannelAccount

from bot.teams.cards import FORM_KEY, REFRESH_VERB, execute_data, parse_submit
from bot.teams.refs import THREAD, ReplyPlace, base_id
from dialogs.events import Command, Event, Interaction
from dialogs.turn import Surface

PLATFORM = "teams"
INVOKE = "adaptiveCard/action"
_AT_TAG = re.compile(r"</?at[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
_LEADING_AT = re.compile(r"\s*<at[^>]*>(.*?)</at>", re.IGNORECASE | re.DOTALL)


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
    """Whether the message addresses the bot: a mention entity for it, or the text starting
    with its name in a mention tag (a client that sent no entity)."""
    bot_id = activity.recipient.id if activity.recipient else None
    for mention in TurnContext.get_mentions(activity):
        mentioned = (mention.additional_properties or {}).get("mentioned") or {}
        if bot_id and mentioned.get("id") == bot_id:
            return True
    return _leading_name(activity.text or "", "<at>", activity) is not None


BOT_NAME = "Lovende praksis"  # the app's short name (deploy/teams/manifest.json)


def bot_names(activity: Activity) -> list[str]:
    """The names the bot goes by here, longest first (its name in this team, the app's)."""
    names = {BOT_NAME, getattr(activity.recipient, "name", None) or BOT_NAME}
    return sorted((n for n in names if n.strip()), key=len, reverse=True)


def _folded(text: str) -> str:
    return " ".join(html.unescape(text).replace("\xa0", " ").split()).casefold()


def _leading_name(text: str, how: str, activity: Activity) -> str | None:
    """The text after the bot's name at its start — `<at>Lovende praksis</at> status` (how
    "<at>") or `@Lovende praksis status` (how "@") —, or None when it does not start so."""
    if how == "<at>":
        m = _LEADING_AT.match(text)
        if m is None or _folded(m.group(1)).lstrip("@") not in map(_folded, bot_names(activity)):
            return None
        return text[m.end() :]
    plain = " ".join(html.unescape(text).replace("\xa0", " ").split())
    for name in bot_names(activity):
        word = f"@{name}"
        if plain.casefold().startswith(word.casefold()):
            rest = plain[len(word) :]
            if not rest or not (rest[0].isalnum() or rest[0] == "_"):
                return rest.lstrip(" ,:")
    return None


def command_text(activity: Activity) -> str:
    """The text of a message with the bot's mention (and any other markup) removed."""
    text = activity.text or ""
    rest = _leading_name(text, "<at>", activity)
    if rest is not None:
        while rest is not None:  # (mentioned twice: "@Lovende praksis @Lovende praksis luk")
            text, rest = rest, _leading_name(rest, "<at>", activity)
    elif mentions_bot(activity):
        try:
            text = TurnContext.remove_recipient_mention(activity) or ""
        except (KeyError, TypeError, AttributeError):  # a malformed mention entity
            name = getattr(activity.recipient, "name", None) or ""
            text = text.replace(f"<at>{name}</at>", "")
    text = _TAG.sub(" ", _AT_TAG.sub("", text))
    text = " ".join(html.unescape(text).replace("\xa0", " ").split())
    typed = _leading_name(text, "@", activity)  # "@Lovende praksis status", typed as text
    return typed if typed is not None else text


def surface_of(activity: Activity) -> Surface:
    """A channel: the bot is @-mentioned and elements get threads; a group chat: mentioned,
    one flat conversation; a 1:1 chat: plain commands, flat, private."""
    kind = conversation_type(activity)
    if kind == "personal":
        return Surface(prefix="", threads=False, private=True)
    name = getattr(activity.recipient, "name", None) or BOT_NAME
    return Surface(prefix=f"@{name} ", threads=kind == "channel")


def is_card_action(activity: Activity) -> bool:
    return bool(activity.type == "invoke" and activity.name == INVOKE)


def clicked_data(activity: Activity) -> dict[str, object] | None:
    """What a click sent: an Action.Submit's `value`, an Action.Execute's data (not a card's
    refresh, which asks for a view and changes nothing)."""
    if is_card_action(activity):
        data = execute_data(activity.value)
        action = activity.value.get("action") if isinstance(activity.value, dict) else None
        if data is None or (isinstance(action, dict) and action.get("verb") == REFRESH_VERB):
            return None
        return data
    return activity.value if isinstance(activity.value, dict) else None


def event_of(activity: Activity) -> Event | None:
    """The engine's event for a message activity or a card's Action.Execute, or None when it
    is not for the bot."""
    if is_card_action(activity):
        clicked = parse_submit(clicked_data(activity))
        return Interaction(*clicked) if clicked is not None else None
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
    data = clicked_data(activity)
    return ReplyPlace(
        tenant=tenant_of(activity),
        conversation_id=conversation_id,
        origin=origin,
        card_conversation_id=activity.conversation.id,
        submitted_card=activity.reply_to_id if data is not None else None,
        submitted_values=dict(data) if data is not None else None,
        personal=conversation_type(activity) == "personal",
    )
