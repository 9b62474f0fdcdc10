"""The Teams activity handler: activities in (translated by inbound.py), engine turns out.

- A message for the bot becomes a turn (see inbound.py for which), kept in the engine's inbox
  before Teams is answered and run after the answer (acknowledge first, durably, as Slack
  clicks). A submit in a 1:1 chat on a card the bot sent there on behalf of a channel (a nudge,
  a reminder) acts on that channel.
- conversationUpdate with the bot among membersAdded (installation in a team, group chat or for
  one person) stores the reference and posts the welcome with the help text.
Every activity refreshes the stored ConversationReference of its conversation and of its
sender, so proactive sends keep working (for a message, after the answer, before its turn).
"""

from __future__ import annotations

import asyncio
import logging
import traceback
from dataclasses import replace
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
    surface_of,
    tenant_of,
)
from bot.teams.port import TeamsPort
from bot.teams.refs import ReplyPlace, base_id
from bot.teams.turn import TurnPort
from dialogs.effects import Outcome, Post
from dialogs.events import Command, Interaction
from dialogs.i18n import t
from dialogs.messages import ToChannel
from dialogs.replies import welcome_message
from dialogs.turn import Turn

log = logging.getLogger(__name__)


def welcome_step(turn: Turn) -> Outcome:
    """A greeting and three first steps, the commands written as they are typed there."""
    return Outcome(out=(Post(welcome_message(turn.lang, turn.surface), ToChannel()),))


class LovendeTeamsBot(TeamsActivityHandler):  # type: ignore[misc]
    def __init__(self, engine: Engine, port: TeamsPort) -> None:
        super().__init__()
        self.engine, self.port = engine, port
        self.later: set[asyncio.Task[None]] = set()  # turns running after their answer

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

    # ---- messages and card submits: kept, answered, then run ----
    async def on_message_activity(self, turn_context: TurnContext) -> None:
        """Keep the activity's turn in the inbox and return: CloudAdapter answers Teams (201)
        at once, and the turn runs after (`run`), its replies going out proactively. Should
        it fail, or the process die, the inbox's replay runs it (Teams never sends an
        activity again after a 2xx)."""
        activity = turn_context.activity
        kept = await self.keep(activity)
        task = asyncio.ensure_future(self.run(activity, kept))
        self.later.add(task)
        task.add_done_callback(self.later.discard)

    async def keep(self, activity: Activity) -> tuple[Inbound, ReplyPlace] | None:
        """The activity's turn as kept in the inbox, and where its quiet replies go; None
        when the activity is not for the engine."""
        actor = member_key(activity.from_property)
        event = event_of(activity) if actor is not None else None
        if actor is None or event is None:
            return None
        kind, tenant = conversation_type(activity), tenant_of(activity)
        cid = base_id(activity.conversation.id)
        origin = None
        if kind == "personal" and isinstance(event, Interaction) and activity.reply_to_id:
            origin = await self.port.store.dm_origin(tenant, cid, activity.reply_to_id)
        conv = Conversation(PLATFORM, tenant, origin or cid, actor, surface_of(activity))
        inbound = Inbound(
            conv,
            event,
            user_name=activity.from_property.name,
            channel_name=None if origin else channel_name(activity),
            event_id=activity.id,
        )
        kept = await self.engine.accept(inbound)
        return replace(kept, answered=True), reply_place(activity, origin)

    async def run(self, activity: Activity, kept: tuple[Inbound, ReplyPlace] | None) -> None:
        """After the answer: refresh the references, then the kept turn. A turn that fails
        stays in the inbox for the replay; the person is told it will be tried again."""
        try:
            await self.remember(activity)
        except Exception as exc:  # the turn may still run (with the reference stored before)
            log.warning("Teams reference not refreshed: %s", type(exc).__name__)
        if kept is None:
            return
        inbound, place = kept
        try:
            await self.engine.handle(inbound, TurnPort(self.port, place))
        except Exception as exc:
            log.error("Teams turn failed after the answer: %s at %s", *described(exc))
            try:
                await self.port.reply_text(place, t("da", "teams.retrying"))
            except Exception as again:  # the database or Teams is away: the replay will tell
                log.error("could not report the failure: %s", type(again).__name__)

    async def settle(self) -> None:
        """Wait until the turns started so far (and any they led to) have run."""
        while self.later:
            await asyncio.gather(*self.later, return_exceptions=True)

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
        conv = Conversation(PLATFORM, tenant_of(activity), cid, None, surface_of(activity))
        event_id = f"welcome:{activity.id}" if activity.id else None
        inbound = Inbound(
            conv, Command("hjælp"), channel_name=channel_name(activity), event_id=event_id
        )
        await self.engine.act(inbound, welcome_step, self.port)


def _plain(reference: ConversationReference) -> dict[str, Any]:
    data: dict[str, Any] = reference.serialize()
    return data


def described(error: BaseException) -> tuple[str, str]:
    """The type and the place of a failure — never its message: the activity, and the
    messages of many exceptions (SQL parameters, values), may hold what a team wrote."""
    frames = traceback.extract_tb(error.__traceback__)
    where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "?"
    return type(error).__name__, where
