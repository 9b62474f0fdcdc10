"""The Teams ChatPort: every send is proactive, through a stored ConversationReference.

The engine delivers after its transaction, outside the inbound request, and reminders have no
request at all; so all sends use `adapter.continue_conversation(reference, …)` with the
reference stored when the bot met the conversation (see handler.py), and 1:1 chats are created
with `create_conversation` when none exists yet.

Message refs (what `post` returns) are described in refs.py.

Failures are classified and acted on as failures.py describes (retried with backoff through
the pacer, marked blocked, or reported as possibly delivered — never sent twice).
Every connector client is tuned (client.py): our timeout, no hidden retries of msrest's.

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

import asyncio
import hashlib
import json
import logging
from collections.abc import Awaitable, Callable
from copy import deepcopy
from typing import Any, TypeVar

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
from bot.metrics import PLATFORM_API_ERRORS, PLATFORM_API_RETRIES
from bot.ports import Conversation, DeliveryError
from bot.teams.cards import (
    CONTENT_TYPE,
    Card,
    form_card,
    message_cards,
    refresh_clause,
    saved_card,
)
from bot.teams.client import TunedAuthentication
from bot.teams.failures import MAX_BACKOFF, NoAnswer, classify
from bot.teams.files import FileLinks, UnservableFile
from bot.teams.pacing import Pacer
from bot.teams.refs import THREAD, Ref, ReplyPlace, base_id
from bot.teams.store import ConversationRow, TeamsStore
from bot.teams.views import CardKey, OwnViews
from dialogs.messages import File, Form, Image, Message, Target, ToActorOnly, ToMember

log = logging.getLogger(__name__)

# How long one call to the Bot Connector may take before we stop waiting for its answer.
SEND_TIMEOUT = 20.0
# Tries of a later part of a split message, here in the port (see `_send`).
PART_ATTEMPTS = 3
# API method names, the `method` label of the metrics.
SEND, UPDATE, CREATE = "send_activity", "update_activity", "create_conversation"
# Why a new message that got no answer is not sent again: the Bot Framework has no idempotency
# key for POST /v3/conversations/{id}/activities, and a bot cannot list a conversation's
# messages to look. A client-chosen activity `id` is not kept by the Teams connector (it
# assigns its own), so it protects nothing outside a fake. The request may have been stored
# before the connection or our patience ran out; a second POST would then show the team the
# message twice. So the send is reported as failed-uncertain (a delivery_failures row that says
# it may have arrived, and a warning in the log) — a possibly missing message, visible to the
# operator, rather than a possible duplicate in the team's channel.
UNCERTAIN = "no answer from Teams; the message may have arrived, so it is not sent again"


def card_activity(card: Card, summary: str) -> Activity:
    return Activity(
        type=ActivityTypes.message,
        summary=summary[:200] or None,
        attachments=[Attachment(content_type=CONTENT_TYPE, content=card)],
    )


T = TypeVar("T")


def _shared(row: ConversationRow) -> bool:
    """Channels and group chats: many people see each card (see cards.py)."""
    return row.conversation_type != "personal"


def _fingerprint(*parts: object) -> str:
    text = json.dumps(parts, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _activity_fingerprint(kind: str, conversation_id: str, activity: Activity) -> str:
    return _fingerprint(kind, conversation_id, activity.id, activity.serialize())


class TeamsPort:
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
        self.adapter, self.app_id, self.store, self.clock = adapter, app_id, store, clock
        self.files = files
        self.pacer = pacer or Pacer()
        self.timeout = timeout
        # Called for each call to the connector; when it returns first, we stop waiting for the
        # answer (tests replace it to time out deterministically, see testing.FakeConnector).
        self.deadline: Callable[[], Awaitable[None]] = lambda: asyncio.sleep(self.timeout)
        self.views = OwnViews()  # people's own views of shared cards (views.py)
        self._failures: dict[str, int] = {}  # conversation → failures in a row (the backoff)
        self._failed_call: dict[str, str] = {}  # conversation → the call that may be retried
        if isinstance(adapter, CloudAdapterBase) and not isinstance(
            adapter.bot_framework_authentication, TunedAuthentication
        ):
            adapter.bot_framework_authentication = TunedAuthentication(
                adapter.bot_framework_authentication, timeout
            )

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
        where = ConversationReference.deserialize(met_in)
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
        call = _fingerprint(CREATE, tenant, member_key)
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
        await self.store.remember_conversation(tenant, cid, "personal", data, now)
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

    def _reference(self, row: ConversationRow, conversation_id: str) -> ConversationReference:
        reference = ConversationReference.deserialize(deepcopy(row.reference))
        reference.conversation.id = conversation_id
        reference.activity_id = None
        return reference

    async def _send(
        self,
        row: ConversationRow,
        conversation_id: str,
        activities: list[Activity],
        origin: str | None = None,
    ) -> list[str]:
        """Post new activities in order and return their ids.

        While nothing has gone out, a failure goes to the engine as it is (it may try the
        whole send again). Once a part has been posted, the engine must not: it would post
        that part again. Later parts are therefore retried here (paced, backed off) and a
        final failure is not retryable and says how many parts arrived.
        """
        reference = self._reference(row, conversation_id)
        ids: list[str] = []
        for activity in activities:

            async def send(context: TurnContext, activity: Activity = activity) -> str:
                response = await context.send_activity(activity)
                return response.id if response and response.id else ""

            call = _activity_fingerprint(SEND, conversation_id, activity)
            tries = PART_ATTEMPTS if ids else 1
            for attempt in range(tries):
                try:
                    activity_id = await self._proactive(
                        SEND, row, reference, send, call, idempotent=False
                    )
                    break
                except DeliveryError as exc:
                    if not ids:
                        raise
                    if not exc.retryable or attempt == tries - 1:
                        sent = f"{len(ids)} of {len(activities)} parts were sent"
                        raise DeliveryError(f"{sent}; then: {exc}", retryable=False) from exc
            ids.append(activity_id)
            if origin and activity_id and row.conversation_type == "personal":
                await self.store.save_dm_origin(
                    row.tenant_id, row.conversation_id, activity_id, origin, self.clock.now()
                )
        return ids

    async def _update(
        self, row: ConversationRow, conversation_id: str, activity_id: str, activity: Activity
    ) -> None:
        reference = self._reference(row, conversation_id)
        activity.id = activity_id

        async def update(context: TurnContext) -> str:
            await context.update_activity(activity)
            return activity_id

        call = _activity_fingerprint(UPDATE, conversation_id, activity)
        await self._proactive(UPDATE, row, reference, update, call, idempotent=True)

    async def _proactive(
        self,
        method: str,
        row: ConversationRow,
        reference: ConversationReference,
        work: Callable[[TurnContext], Awaitable[str]],
        call: str,
        *,
        idempotent: bool,
    ) -> str:
        result: list[str] = []
        errors: list[BaseException] = []

        async def callback(context: TurnContext) -> None:
            context.activity.id = None  # a new message, not a reply to the continuation event
            try:
                result.append(await work(context))
            except Exception as exc:  # raised below, outside botbuilder's on_turn_error
                errors.append(exc)

        async def run() -> None:
            await self.adapter.continue_conversation(reference, callback, self.app_id)
            if errors:
                raise errors[0]

        key = f"{row.tenant_id}|{row.conversation_id}"
        blocker = self._block_conversation(row)
        await self._call(method, key, call, run, idempotent=idempotent, on_forbidden=blocker)
        return result[0] if result else ""

    async def _call(
        self,
        method: str,
        key: str,
        call: str,
        run: Callable[[], Awaitable[None]],
        *,
        idempotent: bool,
        on_forbidden: Callable[[str], Awaitable[None]],
    ) -> None:
        """One call to the connector for conversation `key`: paced, bounded by the deadline,
        counted, and on failure turned into the DeliveryError the engine acts on."""
        await self.pacer.wait(key)
        if self._failed_call.get(key) == call:
            PLATFORM_API_RETRIES.labels("teams", method).inc()
        try:
            await self._answer_in_time(run())
        except Exception as exc:
            raise await self._failure(exc, method, key, call, idempotent, on_forbidden) from exc
        self._failures.pop(key, None)
        if self._failed_call.get(key) == call:
            del self._failed_call[key]

    async def _answer_in_time(self, work: Awaitable[T]) -> T:
        """`work`, unless `deadline()` comes first: then NoAnswer (and `work` is cancelled;
        msrest's worker thread may still finish its request — its answer is dropped)."""
        task = asyncio.ensure_future(work)
        timer = asyncio.ensure_future(self.deadline())
        try:
            await asyncio.wait({task, timer}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            timer.cancel()
            if not task.done():
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
        if task.cancelled():
            raise NoAnswer(f"no answer within the deadline ({self.timeout:g} s)")
        return task.result()

    # ---- failures ----
    def _block_conversation(self, row: ConversationRow) -> Callable[[str], Awaitable[None]]:
        async def block(reason: str) -> None:
            now = self.clock.now()
            await self.store.block_conversation(row.tenant_id, row.conversation_id, reason, now)

        return block

    def _block_member(self, tenant: str, member_key: str) -> Callable[[str], Awaitable[None]]:
        async def block(_reason: str) -> None:
            await self.store.block_member(tenant, member_key, self.clock.now())

        return block

    async def _failure(
        self,
        exc: BaseException,
        method: str,
        key: str,
        call: str,
        idempotent: bool,
        on_forbidden: Callable[[str], Awaitable[None]],
    ) -> DeliveryError:
        failure = classify(exc)
        PLATFORM_API_ERRORS.labels("teams", method, failure.kind).inc()
        self._failed_call.pop(key, None)
        if failure.kind == "blocked":
            await on_forbidden(failure.code or "Forbidden")
            log.warning("Teams refused a send with 403 %s: marked blocked", failure.code)
            return DeliveryError(f"403 {failure.code}: blocked, not retried", retryable=False)
        if not failure.transient:
            log.warning("Teams %s failed with %s: not retried", method, failure.what)
            return DeliveryError(failure.what, retryable=False)
        failures = self._failures[key] = self._failures.get(key, 0) + 1
        wait = failure.retry_after
        if wait is None:
            wait = min(2.0**failures, MAX_BACKOFF)
        self.pacer.hold(key, wait)  # the next call to this conversation waits in the pacer
        if failure.maybe_delivered and not idempotent:
            log.warning("Teams %s got no answer (%s): not sent again", method, failure.what)
            return DeliveryError(f"{failure.what}: {UNCERTAIN}", retryable=False)
        self._remember_failed(key, call)
        log.info("Teams %s failed with %s; retry in %.1f s", method, failure.what, wait)
        return DeliveryError(failure.what, retryable=True)

    def _remember_failed(self, key: str, call: str) -> None:
        if len(self._failed_call) >= 10_000:  # calls never tried again: forget them
            self._failed_call.clear()
            self._failures.clear()
        self._failed_call[key] = call
