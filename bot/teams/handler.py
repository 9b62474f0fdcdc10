"""The Teams activity handler: activities in (translated by inbound.py), engine turns out.

- A message for the bot becomes a turn (see inbound.py for which). A submit in a 1:1 chat on a
  card the bot sent there on behalf of a channel (a nudge, a reminder) acts on that channel.
- conversationUpdate with the bot among membersAdded (installation in a team, group chat or for
  one person) stores the reference and posts the welcome with the help text.
Every activity refreshes the stored ConversationReference of its conversation and of its
sender, so proactive sends keep working.
"""

from __future__ import annotations

import logging
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.core.teams import TeamsActivityHandler
from botbuilder.schema import Activity, ChannelAccount, ConversationReference

from bot.engine import Engine, Inbound
from bot.ports import Conversation
from bot.teams.inbound import (
    PLATFORM,
    channel_name,
    conversation_type,
    event_of,
    member_key,
    reply_place,
    tenant_of,
)
from bot.teams.port import TeamsPort
from bot.teams.refs import base_id
from bot.teams.turn import TurnPort
from dialogs.effects import Outcome, Post
from dialogs.events import Command, Interaction
from dialogs.i18n import t
from dialogs.messages import Message, Text, ToChannel
from dialogs.model import Turn
from dialogs.views import help_message

log = logging.getLogger(__name__)


def welcome_step(turn: Turn) -> Outcome:
    help_blocks = help_message(turn.lang).blocks
    blocks = (
        Text(t(turn.lang, "teams.welcome.title"), "header"),
        Text(t(turn.lang, "teams.welcome.body")),
        *help_blocks[1:],
    )
    message = Message(blocks, t(turn.lang, "teams.welcome.title"))
    return Outcome(out=(Post(message, ToChannel()),))


class LovendeTeamsBot(TeamsActivityHandler):  # type: ignore[misc]
    def __init__(self, engine: Engine, port: TeamsPort) -> None:
        super().__init__()
        self.engine, self.port = engine, port

    # ---- references ----
    async def remember(self, activity: Activity) -> None:
        """Store the conversation's reference and the sender's (for 1:1 chats later)."""
        tenant, kind = tenant_of(activity), conversation_type(activity)
        cid = base_id(activity.conversation.id)
        reference = TurnContext.get_conversation_reference(activity)
        reference.activity_id = None
        reference.conversation.id = cid
        if reference.conversation.tenant_id is None and tenant != "default":
            reference.conversation.tenant_id = tenant
        now = self.port.clock.now()
        store = self.port.store
        await store.remember_conversation(tenant, cid, kind, _plain(reference), now)
        sender = activity.from_property
        key = member_key(sender)
        if key and sender is not None and sender.id != getattr(activity.recipient, "id", None):
            personal = cid if kind == "personal" else None
            await store.remember_member(
                tenant, key, sender.id, sender.name, _plain(reference), now, personal
            )

    async def remember_members(self, activity: Activity, members: list[ChannelAccount]) -> None:
        tenant = tenant_of(activity)
        reference = TurnContext.get_conversation_reference(activity)
        reference.activity_id = None
        reference.conversation.id = base_id(activity.conversation.id)
        now = self.port.clock.now()
        for member in members:
            key = member_key(member)
            if key:
                reference.user = member
                await self.port.store.remember_member(
                    tenant, key, member.id, member.name, _plain(reference), now
                )

    # ---- messages and card submits ----
    async def on_message_activity(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        await self.remember(activity)
        actor = member_key(activity.from_property)
        if actor is None:
            return
        event = event_of(activity)
        if event is None:
            return
        kind, tenant = conversation_type(activity), tenant_of(activity)
        cid = base_id(activity.conversation.id)
        origin = None
        if kind == "personal" and isinstance(event, Interaction) and activity.reply_to_id:
            origin = await self.port.store.dm_origin(tenant, cid, activity.reply_to_id)
        conv = Conversation(PLATFORM, tenant, origin or cid, actor)
        inbound = Inbound(
            conv,
            event,
            user_name=activity.from_property.name,
            channel_name=None if origin else channel_name(activity),
            event_id=activity.id,
        )
        # A card submit is kept first: should the answer to Teams go out before the turn ends
        # (a slow turn gets 202 after REPLY_BUDGET) and the process die, a replay applies it.
        if isinstance(event, Interaction):
            inbound = await self.engine.accept(inbound)
        await self.engine.handle(inbound, TurnPort(self.port, reply_place(activity, origin)))

    # ---- installation and membership ----
    async def on_conversation_update_activity(self, turn_context: TurnContext) -> None:
        # Handled here instead of TeamsActivityHandler's dispatch, which fetches every added
        # member from the connector (a network call per member) before it tells us anything.
        activity = turn_context.activity
        bot_id = getattr(activity.recipient, "id", None)
        added = list(activity.members_added or [])
        removed = list(activity.members_removed or [])
        if any(m.id == bot_id for m in removed):
            await self.forget(activity, "removed")
            return
        await self.remember(activity)
        people = [m for m in added if m.id != bot_id]
        if people:
            await self.remember_members(activity, people)
        if any(m.id == bot_id for m in added):
            await self.welcome(activity)

    async def on_installation_update_add(self, turn_context: TurnContext) -> None:
        await self.remember(turn_context.activity)

    async def on_installation_update_remove(self, turn_context: TurnContext) -> None:
        await self.forget(turn_context.activity, "uninstalled")

    async def forget(self, activity: Activity, reason: str) -> None:
        """The bot was removed: nothing more is sent there until it is added again."""
        cid = base_id(activity.conversation.id)
        now = self.port.clock.now()
        await self.port.store.block_conversation(tenant_of(activity), cid, reason, now)

    async def welcome(self, activity: Activity) -> None:
        cid = base_id(activity.conversation.id)
        conv = Conversation(PLATFORM, tenant_of(activity), cid, None)
        event_id = f"welcome:{activity.id}" if activity.id else None
        inbound = Inbound(
            conv, Command("hjælp"), channel_name=channel_name(activity), event_id=event_id
        )
        await self.engine.act(inbound, welcome_step, self.port)


def _plain(reference: ConversationReference) -> dict[str, Any]:
    data: dict[str, Any] = reference.serialize()
    return data
