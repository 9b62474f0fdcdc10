"""The Teams ChatPort: every send is proactive, through a stored ConversationReference.

The engine delivers after its transaction, outside the inbound request, and reminders have no
request at all; so all sends use `adapter.continue_conversation(reference, …)` with the
reference stored when the bot met the conversation (see handler.py), and 1:1 chats are created
with `create_conversation` when none exists yet.

Message refs (what `post` returns) are described in refs.py.

The calls themselves — paced, bounded by our deadline, failures classified and acted on as
failures.py describes — are connector_calls.py's. Every connector client is tuned (client.py):
our timeout, no hidden retries of msrest's.

ToActorOnly has no Teams equivalent outside the answer to a click. Decision: after a click on
a card, the turn's short private words go into the person's own view of the card (turn.py,
views.py); otherwise it is a normal, visible reply without any @mention — in a channel in the
thread of the actor's own message (or of the card they used), so the channel's main view stays
clean; in group and 1:1 chats a plain message. Without an inbound message (reminders, replayed
turns) it goes to the conversation itself.

Cards in channels and group chats are shared: their buttons are Action.Execute, and an updated
card names the people who have their own view of it (`refresh.userIds`, views.py). In a 1:1
chat the card is the person's own: an update shows their view of it straight away.
"""

from __future__ import annotations

import logging
from copy import deepcopy
from typing import Any

from botbuilder.core import BotAdapter, CloudAdapterBase, TurnContext
from botbuilder.schema import (
    Activity,
    ActivityTypes,
    Attachment,
    ChannelAccount,
    ConversationParameters,
    ConversationReference,
)

from bot.clock import Clock
from bot.ports import Conversation, DeliveryError
from bot.teams.cards import (
    CONTENT_TYPE,
    Card,
    form_card,
    message_cards,
    refresh_clause,
    saved_card,
)
from bot.teams.connector_calls import CREATE, SEND_TIMEOUT, ConnectorCalls, fingerprint
from bot.teams.files import FileLinks, UnservableFile
from bot.teams.pacing import Pacer
from bot.teams.refs import THREAD, Ref, ReplyPlace, base_id
from bot.teams.rows import ConversationRow, Where
from bot.teams.store import TeamsStore
from bot.teams.views import CardKey, OwnViews
from dialogs.messages import File, Form, Image, Message, Target, ToActorOnly, ToMember

log = logging.getLogger(__name__)


def card_activity(card: Card, summary: str) -> Activity:
    return Activity(
        type=ActivityTypes.message,
        summary=summary[:200] or None,
        attachments=[Attachment(content_type=CONTENT_TYPE, content=card)],
    )


def _shared(row: ConversationRow) -> bool:
    """Channels and group chats: many people see each card (see cards.py)."""
    return row.conversation_type != "personal"


class TeamsPort(ConnectorCalls):
    def __init__(
        self,
        adapter: BotAdapter,
        app_id: str,
        store: TeamsStore,
        clock: Clock,
        files: FileLinks,
        pacer: Pacer | None = None,
        *,
        timeout: float = SEND_TIMEOUT,
    ) -> None:
        super().__init__(adapter, app_id, store, clock, pacer, timeout=timeout)
        self.files = files
        self.views = OwnViews()  # people's own views of shared cards (views.py)

    # ---- ChatPort ----
    async def post(
        self, conv: Conversation, target: Target, message: Message, thread_ref: str | None
    ) -> str:
        if isinstance(target, ToMember):
            return await self.to_member(conv, target.member_external_id, message)
        row = await self._conversation(conv.workspace, conv.channel)
        conversation_id = row.conversation_id
        threaded = not isinstance(target, ToActorOnly) and row.conversation_type == "channel"
        if thread_ref and threaded:
            root = Ref.loads(thread_ref)
            if root.activity_ids and base_id(root.conversation_id) == row.conversation_id:
                conversation_id = f"{row.conversation_id}{THREAD}{root.activity_ids[0]}"
        cards = await self._cards(message, shared=_shared(row))
        activities = [card_activity(c, message.fallback) for c in cards]
        ids = await self._send(row, conversation_id, activities)
        return Ref(conversation_id, tuple(ids)).dumps()

    async def update(self, conv: Conversation, ref: str, message: Message) -> None:
        old = Ref.loads(ref)
        row = await self._conversation(conv.workspace, base_id(old.conversation_id))
        cards = await self._cards(message, shared=_shared(row))
        if len(cards) == 1 and old.activity_ids:
            cards = [await self._with_views(row, old.activity_ids[0], message, cards[0])]
        # Updates (PUT) first: they are idempotent, so the engine may repeat all of this call
        # until one of the new parts below has been posted.
        for activity_id, card in zip(old.activity_ids, cards, strict=False):
            activity = card_activity(card, message.fallback)
            await self._update(row, old.conversation_id, activity_id, activity)
        grown = [card_activity(c, message.fallback) for c in cards[len(old.activity_ids) :]]
        if grown:  # grew beyond its parts: the rest is posted after it
            await self._send(row, old.conversation_id, grown)
        for extra in old.activity_ids[len(cards) :]:
            blank = card_activity({**cards[-1], "body": [{"type": "TextBlock", "text": "…"}]}, "")
            await self._update(row, old.conversation_id, extra, blank)

    async def _with_views(
        self, row: ConversationRow, activity_id: str, message: Message, card: Card
    ) -> Card:
        """The card of an update, as the people with their own view of it will see it: in a
        1:1 chat the person's view itself; in a shared place the shared card, refreshed to
        each person's view (`refresh.userIds`)."""
        key = (row.conversation_id, activity_id)
        self.views.updated(key, message)
        if not _shared(row):
            own = self.views.only_view(key)
            return (await self._cards(own))[0] if own is not None else card
        users = self.views.users(key)
        return {**card, "refresh": refresh_clause(activity_id, users)} if users else card

    def own_card(self, key: CardKey, view: Message) -> Card | None:
        """A person's view as the card that answers their click or refresh (one card, shared
        buttons, the card's refresh clause kept); None when it does not fit one card."""
        cards = message_cards(view, shared=True)
        if len(cards) != 1:
            return None
        return {**cards[0], "refresh": refresh_clause(key[1], self.views.users(key))}

    async def show_own(self, place: ReplyPlace, view: Message) -> None:
        """The clicked card, in a 1:1 chat, as the person's own view of it."""
        if not (place.submitted_card and place.card_conversation_id):
            return
        row = await self._conversation(place.tenant, base_id(place.card_conversation_id))
        (card, *rest) = await self._cards(view, shared=_shared(row))
        if rest:  # a view too large for one card is not worth splitting a card for
            return
        activity = card_activity(card, view.fallback)
        await self._update(row, place.card_conversation_id, place.submitted_card, activity)

    async def open_form(self, conv: Conversation, form: Form) -> None:
        row = await self._conversation(conv.workspace, conv.channel)
        await self._send(row, row.conversation_id, [card_activity(form_card(form), form.title)])

    async def reject_form(self, conv: Conversation, form: Form) -> None:
        await self.open_form(conv, form)

    # ---- replies within an inbound turn ----
    async def reply(self, place: ReplyPlace, message: Message) -> str:
        row = await self._conversation(place.tenant, base_id(place.conversation_id))
        cards = await self._cards(message, shared=_shared(row))
        activities = [card_activity(c, message.fallback) for c in cards]
        ids = await self._send(row, place.conversation_id, activities, origin=place.origin)
        return Ref(place.conversation_id, tuple(ids)).dumps()

    async def reply_text(self, place: ReplyPlace, text: str) -> None:
        """A plain message (no card) where the turn's quiet replies go."""
        row = await self._conversation(place.tenant, base_id(place.conversation_id))
        activity = Activity(type=ActivityTypes.message, text=text)
        await self._send(row, place.conversation_id, [activity], origin=place.origin)

    async def reply_form(self, place: ReplyPlace, form: Form, *, replace: bool) -> None:
        row = await self._conversation(place.tenant, base_id(place.conversation_id))
        activity = card_activity(form_card(form), form.title)
        if replace and place.submitted_card and place.card_conversation_id:
            await self._update(row, place.card_conversation_id, place.submitted_card, activity)
            return
        await self._send(row, place.conversation_id, [activity], origin=place.origin)

    async def replace_form(self, place: ReplyPlace, message: Message) -> str | None:
        """The submitted form card, saved, as a read-only confirmation headed by `message`;
        None when this turn did not come from a form card (the message goes elsewhere)."""
        values = place.submitted_values
        if not (values and place.submitted_card and place.card_conversation_id):
            return None
        confirmation = saved_card(values, message.fallback)
        if confirmation is None:
            return None
        row = await self._conversation(place.tenant, base_id(place.conversation_id))
        activity = card_activity(confirmation, message.fallback)
        await self._update(row, place.card_conversation_id, place.submitted_card, activity)
        return Ref(place.card_conversation_id, (place.submitted_card,)).dumps()

    # ---- 1:1 chats ----
    async def to_member(self, conv: Conversation, member_key: str, message: Message) -> str:
        tenant = conv.workspace
        member = await self.store.member(tenant, member_key)
        if member is None:
            raise DeliveryError("no Teams reference for this member", retryable=False)
        if member.blocked:
            raise DeliveryError("the member's 1:1 chat is blocked", retryable=False)
        row = None
        if member.personal_conversation_id:
            row = await self.store.conversation(tenant, member.personal_conversation_id)
        if row is None:
            row = await self._create_personal(tenant, member_key, member.user_id, member.reference)
        if row.blocked_reason:
            raise DeliveryError(f"1:1 chat blocked ({row.blocked_reason})", retryable=False)
        cards = await self._cards(message)
        activities = [card_activity(c, message.fallback) for c in cards]
        origin = conv.channel if conv.channel != row.conversation_id else None
        ids = await self._send(row, row.conversation_id, activities, origin=origin)
        return Ref(row.conversation_id, tuple(ids)).dumps()

    async def _create_personal(
        self, tenant: str, member_key: str, user_id: str, met_in: dict[str, Any]
    ) -> ConversationRow:
        if not isinstance(self.adapter, CloudAdapterBase):
            raise DeliveryError("1:1 chats need the CloudAdapter", retryable=False)
        adapter = self.adapter
        where = ConversationReference.deserialize(deepcopy(met_in))
        user = ChannelAccount(id=user_id, aad_object_id=member_key)
        params = ConversationParameters(
            is_group=False,
            bot=where.bot,
            members=[ChannelAccount(id=user_id)],
            tenant_id=tenant,
            channel_data={"tenant": {"id": tenant}},
        )
        created: list[ConversationReference] = []

        async def capture(context: TurnContext) -> None:
            created.append(TurnContext.get_conversation_reference(context.activity))

        async def create() -> None:
            created.clear()
            await adapter.create_conversation(
                self.app_id, capture, params, where.channel_id, where.service_url
            )

        # Creating a 1:1 chat is idempotent (Teams answers with the existing chat of this bot
        # and user), so it is retried even when an answer was lost.
        key = f"{tenant}|new-1:1|{member_key}"
        call = fingerprint(CREATE, tenant, member_key)
        blocker = self._block_member(tenant, member_key)
        await self._call(CREATE, key, call, create, idempotent=True, on_forbidden=blocker)
        if not created:
            raise DeliveryError("no 1:1 chat was created", retryable=True)
        reference = created[0]
        reference.activity_id = None
        reference.user = user
        reference.conversation.conversation_type = "personal"
        reference.conversation.tenant_id = tenant
        cid = reference.conversation.id
        now = self.clock.now()
        data = reference.serialize()
        await self.store.remember_conversation(tenant, Where(cid, "personal"), data, now)
        await self.store.set_personal(tenant, member_key, cid, now)
        return ConversationRow(tenant, cid, "personal", data, None)

    # ---- sending ----
    async def _conversation(self, tenant: str, conversation_id: str) -> ConversationRow:
        row = await self.store.conversation(tenant, conversation_id)
        if row is None:
            raise DeliveryError("no Teams reference for this conversation", retryable=False)
        if row.blocked_reason:
            raise DeliveryError(f"conversation blocked ({row.blocked_reason})", retryable=False)
        return row

    async def _cards(self, message: Message, *, shared: bool = False) -> list[Card]:
        urls: dict[str, str] = {}  # file id -> link
        for block in message.blocks:
            if isinstance(block, Image | File):
                try:
                    url = await self.files.url_for(block.file_id)
                except UnservableFile:
                    log.warning("not served to Teams: a %s file", type(block).__name__)
                    url = None
                if url:
                    urls[block.file_id] = url
        return message_cards(message, urls, shared=shared)
