"""The Teams activity handler: activities in (translated by inbound.py), engine turns out.

- A message for the bot becomes a turn (see inbound.py for which), kept in the engine's inbox
  before Teams is answered and run after the answer (acknowledge first, durably, as Slack
  clicks). A submit in a 1:1 chat on a card the bot sent there on behalf of a channel (a nudge,
  a reminder) acts on that channel.
- A click on a shared card (Action.Execute: an `adaptiveCard/action` invoke) is kept the same
  way, and its turn runs at once; the invoke is answered when the turn is done, or after
  `ANSWER_SECONDS` at the latest: with the person's own view of the card (their choice marked,
  the turn's private words below it) or those words alone, which Teams shows to that person
  only (turn.py). A card's refresh asks for a person's view of it: answered from memory
  (views.py), or with an error that leaves the shared card in place.
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

from botbuilder.core import InvokeResponse, TurnContext
from botbuilder.core.teams import TeamsActivityHandler
from botbuilder.schema import Activity, ChannelAccount, ConversationReference
from msrest.serialization import Model

from bot.engine import Engine
from bot.inbound import Inbound
from bot.own_view import Click, note_text
from bot.ports import Conversation
from bot.teams.cards import CARD_KEY, CONTENT_TYPE, REFRESH_VERB, execute_data
from bot.teams.inbound import (
    PLATFORM,
    channel_name,
    conversation_type,
    event_of,
    is_card_action,
    member_key,
    reply_place,
    surface_of,
    tenant_of,
)
from bot.teams.port import TeamsPort
from bot.teams.refs import ReplyPlace, base_id
from bot.teams.rows import Sender, Where
from bot.teams.turn import TurnPort
from dialogs.effects import Outcome, Post
from dialogs.events import Command, Interaction
from dialogs.i18n import t
from dialogs.messages import ToChannel
from dialogs.replies import welcome_message
from dialogs.turn import Turn

log = logging.getLogger(__name__)

# How long a click on a shared card may take before its invoke is answered without the turn's
# result (Teams gives up on an invoke after about 15 s; a turn takes milliseconds).
ANSWER_SECONDS = 5.0
MESSAGE_TYPE = "application/vnd.microsoft.activity.message"
ERROR_TYPE = "application/vnd.microsoft.error"
DONE = "✓"  # the answer to a click whose turn had nothing to say to the person alone


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
        sender = activity.from_property
        key = member_key(sender)
        who = None
        if key and sender is not None and sender.id != getattr(activity.recipient, "id", None):
            personal = cid if kind == "personal" else None
            who = Sender(key, sender.id, sender.name, personal)
        now = self.port.clock.now()
        await self.port.store.remember_activity(
            tenant, Where(cid, kind), _plain(reference), now, who
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
                who = Sender(key, member.id, member.name)
                await self.port.store.remember_member(tenant, who, _plain(reference), now)

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

    # ---- clicks on shared cards (Action.Execute) and their refreshes ----
    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse | None:
        activity = turn_context.activity
        if not is_card_action(activity):
            return await super().on_invoke_activity(turn_context)
        action = activity.value.get("action") if isinstance(activity.value, dict) else None
        if execute_data(activity.value) is None:
            return _answer(400, ERROR_TYPE, {"code": "BadRequest", "message": "not our card"})
        if isinstance(action, dict) and action.get("verb") == REFRESH_VERB:
            return self.own_view(activity)
        return await self.click(activity)

    async def click(self, activity: Activity) -> InvokeResponse:
        """Keep the click, run its turn, answer with what the person alone should see."""
        kept = await self.keep(activity)
        if kept is None:
            return _answer(200, MESSAGE_TYPE, DONE)
        inbound, place = kept
        inbound = replace(inbound, answered=False)  # someone waits for this one: no lull
        values = {k: str(v) for k, v in (place.submitted_values or {}).items() if k != "lp"}
        sender = activity.from_property
        click = Click(getattr(inbound.event, "action", ""), values)
        port = TurnPort(self.port, place, click, user_id=sender.id, answering=True)
        task = asyncio.ensure_future(self.run(activity, (inbound, place), port))
        self.later.add(task)
        task.add_done_callback(self.later.discard)
        await asyncio.wait({task}, timeout=ANSWER_SECONDS)
        if not task.done():  # the answer goes now; the turn's words follow as replies
            await port.release()
            return _answer(200, MESSAGE_TYPE, DONE)
        return self.answer_click(port, member_key(sender))

    def answer_click(self, port: TurnPort, member: str | None) -> InvokeResponse:
        """The person's view of the card: every answer of theirs on it marked (views.py), the
        turn's words below; or those words alone."""
        view = None
        if port.own is not None and port.own.source is not None:
            mine = self.port.views.view(port.card, member) if member else None
            view = mine or port.own.view
        card = self.port.own_card(port.card, view) if view is not None else None
        if card is not None:
            return _answer(200, CONTENT_TYPE, card)
        if port.held:
            return _answer(200, MESSAGE_TYPE, note_text(port.held))
        return _answer(200, MESSAGE_TYPE, DONE)

    def own_view(self, activity: Activity) -> InvokeResponse:
        """A shared card's refresh for one person: their view of it, if this process has it."""
        data = execute_data(activity.value) or {}
        card_id = str(data.get(CARD_KEY) or activity.reply_to_id or "")
        member = member_key(activity.from_property)
        key = (base_id(activity.conversation.id), card_id)
        view = self.port.views.view(key, member) if member else None
        card = self.port.own_card(key, view) if view is not None else None
        if card is None:  # Teams keeps showing the shared card
            return _answer(404, ERROR_TYPE, {"code": "NotFound", "message": "no own view"})
        return _answer(200, CONTENT_TYPE, card)

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

    async def run(
        self,
        activity: Activity,
        kept: tuple[Inbound, ReplyPlace] | None,
        port: TurnPort | None = None,
    ) -> None:
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
            await self.engine.handle(inbound, port or self.turn_port(activity, inbound, place))
        except Exception as exc:
            log.error("Teams turn failed after the answer: %s at %s", *described(exc))
            try:
                await self.port.reply_text(place, t("da", "teams.retrying"))
            except Exception as again:  # the database or Teams is away: the replay will tell
                log.error("could not report the failure: %s", type(again).__name__)

    def turn_port(self, activity: Activity, inbound: Inbound, place: ReplyPlace) -> TurnPort:
        """The turn's port; a click in a 1:1 chat shows the person their answer in the card."""
        action = getattr(inbound.event, "action", None)
        if not (place.personal and isinstance(action, str) and place.submitted_card):
            return TurnPort(self.port, place)
        values = {k: str(v) for k, v in (place.submitted_values or {}).items() if k != "lp"}
        sender = activity.from_property
        return TurnPort(self.port, place, Click(action, values), user_id=sender.id)

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


class CardActionAnswer(Model):
    """An `adaptiveCard/action` invoke's answer (Universal Actions' response format).
    botbuilder's own AdaptiveCardInvokeResponse cannot carry the text of a "message" answer
    (its value must be a mapping), and the adapter serializes bodies with msrest."""

    _attribute_map = {  # noqa: RUF012 (msrest's class-level map)
        "status_code": {"key": "statusCode", "type": "int"},
        "type": {"key": "type", "type": "str"},
        "value": {"key": "value", "type": "object"},
    }

    def __init__(self, *, status_code: int, type: str, value: object) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.status_code, self.type, self.value = status_code, type, value


def _answer(status: int, kind: str, value: object) -> InvokeResponse:
    body = CardActionAnswer(status_code=status, type=kind, value=value)
    return InvokeResponse(status=200, body=body)


def _plain(reference: ConversationReference) -> dict[str, Any]:
    data: dict[str, Any] = reference.serialize()
    return data


def described(error: BaseException) -> tuple[str, str]:
    """The type and the place of a failure — never its message: the activity, and the
    messages of many exceptions (SQL parameters, values), may hold what a team wrote."""
    frames = traceback.extract_tb(error.__traceback__)
    where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "?"
    return type(error).__name__, where
