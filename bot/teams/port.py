"""The Teams ChatPort: every send is proactive, through a stored ConversationReference.

The engine delivers after its transaction, outside the inbound request, and reminders have no
request at all; so all sends use `adapter.continue_conversation(reference, …)` with the
reference stored when the bot met the conversation (see handler.py), and 1:1 chats are created
with `create_conversation` when none exists yet.

Message refs (what `post` returns) are JSON: {"c": conversation id as posted (with
";messageid=<root>" for a channel thread reply), "a": [activity ids]} — a long message may be
split over several activities and is updated part by part.

Failures: 403 (the user blocked the bot, the bot is not in the conversation, writes blocked)
marks the conversation (or the member's 1:1) blocked and is not retried — sends to it then fail
at once until the bot hears from it again; 429/412/502/504 (and 500/503, network errors) hold
the conversation in the pacer for Retry-After (or a growing backoff) and are retried by the
engine (DeliveryError(retryable=True)).

ToActorOnly has no Teams equivalent. Decision: it is a normal, visible reply without any
@mention — in a channel in the thread of the actor's own message (or of the card they used),
so the channel's main view stays clean; in group and 1:1 chats a plain message. Without an
inbound message (reminders) it goes to the conversation itself.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from copy import deepcopy
from dataclasses import dataclass
from typing import Any

import aiohttp
from botbuilder.core import BotAdapter, CloudAdapterBase, TurnContext
from botbuilder.schema import (
    Activity,
    ActivityTypes,
    Attachment,
    ChannelAccount,
    ConversationParameters,
    ConversationReference,
    ErrorResponseException,
)
from msrest.exceptions import ClientRequestError

from bot.clock import Clock
from bot.ports import Conversation, DeliveryError
from bot.teams.cards import CONTENT_TYPE, Card, form_card, message_cards
from bot.teams.files import FileLinks, UnservableFile
from bot.teams.pacer import Pacer
from bot.teams.store import ConversationRow, TeamsStore
from dialogs.messages import File, Form, Image, Message, Target, ToActorOnly, ToMember

log = logging.getLogger(__name__)

RETRYABLE = frozenset({412, 429, 500, 502, 503, 504})
MAX_BACKOFF = 60.0
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


def card_activity(card: Card, summary: str) -> Activity:
    return Activity(
        type=ActivityTypes.message,
        summary=summary[:200] or None,
        attachments=[Attachment(content_type=CONTENT_TYPE, content=card)],
    )


class TeamsPort:
    def __init__(
        self,
        adapter: BotAdapter,
        app_id: str,
        store: TeamsStore,
        clock: Clock,
        files: FileLinks,
        pacer: Pacer | None = None,
    ) -> None:
        self.adapter, self.app_id, self.store, self.clock = adapter, app_id, store, clock
        self.files = files
        self.pacer = pacer or Pacer()
        self._failures: dict[str, int] = {}

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
        cards = await self._cards(message)
        activities = [card_activity(c, message.fallback) for c in cards]
        ids = await self._send(row, conversation_id, activities)
        return Ref(conversation_id, tuple(ids)).dumps()

    async def update(self, conv: Conversation, ref: str, message: Message) -> None:
        old = Ref.loads(ref)
        row = await self._conversation(conv.workspace, base_id(old.conversation_id))
        cards = await self._cards(message)
        for i, card in enumerate(cards):
            activity = card_activity(card, message.fallback)
            if i < len(old.activity_ids):
                await self._update(row, old.conversation_id, old.activity_ids[i], activity)
            else:  # grew beyond its parts: the rest is posted after it
                await self._send(row, old.conversation_id, [activity])
        for extra in old.activity_ids[len(cards):]:
            blank = card_activity({**cards[-1], "body": [{"type": "TextBlock", "text": "…"}]}, "")
            await self._update(row, old.conversation_id, extra, blank)

    async def open_form(self, conv: Conversation, form: Form) -> None:
        row = await self._conversation(conv.workspace, conv.channel)
        await self._send(row, row.conversation_id, [card_activity(form_card(form), form.title)])

    async def reject_form(self, conv: Conversation, form: Form) -> None:
        await self.open_form(conv, form)

    # ---- replies within an inbound turn ----
    async def reply(self, place: ReplyPlace, message: Message) -> str:
        row = await self._conversation(place.tenant, base_id(place.conversation_id))
        cards = await self._cards(message)
        activities = [card_activity(c, message.fallback) for c in cards]
        ids = await self._send(row, place.conversation_id, activities, origin=place.origin)
        return Ref(place.conversation_id, tuple(ids)).dumps()

    async def reply_form(self, place: ReplyPlace, form: Form, *, replace: bool) -> None:
        row = await self._conversation(place.tenant, base_id(place.conversation_id))
        activity = card_activity(form_card(form), form.title)
        if replace and place.submitted_card and place.card_conversation_id:
            await self._update(row, place.card_conversation_id, place.submitted_card, activity)
            return
        await self._send(row, place.conversation_id, [activity], origin=place.origin)

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

        key = f"{tenant}|new-1:1|{member_key}"
        await self.pacer.wait(key)
        try:
            await self.adapter.create_conversation(
                self.app_id, capture, params, where.channel_id, where.service_url
            )
        except Exception as exc:
            blocker = self._block_member(tenant, member_key)
            raise await self._failure(exc, key, on_forbidden=blocker) from exc
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

    async def _cards(self, message: Message) -> list[Card]:
        urls: dict[str, str] = {}
        for block in message.blocks:
            if isinstance(block, Image | File):
                name = block.filename if isinstance(block, File) else None
                try:
                    url = await self.files.url_for(block.path, name)
                except UnservableFile:
                    log.warning("not served to Teams: a %s file", type(block).__name__)
                    url = None
                if url:
                    urls[block.path] = url
        return message_cards(message, urls)

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
        reference = self._reference(row, conversation_id)
        ids = []
        for activity in activities:

            async def send(context: TurnContext, activity: Activity = activity) -> str:
                response = await context.send_activity(activity)
                return response.id if response and response.id else ""

            activity_id = await self._proactive(row, reference, send)
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

        await self._proactive(row, reference, update)

    async def _proactive(
        self,
        row: ConversationRow,
        reference: ConversationReference,
        work: Callable[[TurnContext], Awaitable[str]],
    ) -> str:
        key = f"{row.tenant_id}|{row.conversation_id}"
        await self.pacer.wait(key)
        result: list[str] = []
        errors: list[BaseException] = []

        async def callback(context: TurnContext) -> None:
            context.activity.id = None  # a new message, not a reply to the continuation event
            try:
                result.append(await work(context))
            except Exception as exc:  # raised below, outside botbuilder's on_turn_error
                errors.append(exc)

        try:
            await self.adapter.continue_conversation(reference, callback, self.app_id)
        except Exception as exc:
            errors.append(exc)
        if errors:
            blocker = self._block_conversation(row)
            raise await self._failure(errors[0], key, on_forbidden=blocker) from errors[0]
        self._failures.pop(key, None)
        return result[0] if result else ""

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
        self, exc: BaseException, key: str, *, on_forbidden: Callable[[str], Awaitable[None]]
    ) -> DeliveryError:
        status, code, retry_after = _describe(exc)
        if status == 403:
            await on_forbidden(code or "Forbidden")
            log.warning("Teams refused a send with 403 %s: marked blocked", code)
            return DeliveryError(f"403 {code}: blocked, not retried", retryable=False)
        what = f"{status or type(exc).__name__} {code}".strip()
        if status in RETRYABLE or (status is None and _transient(exc)):
            failures = self._failures[key] = self._failures.get(key, 0) + 1
            wait = retry_after if retry_after is not None else min(2.0**failures, MAX_BACKOFF)
            self.pacer.hold(key, wait)
            log.info("Teams send failed with %s; retry in %.1f s", what, wait)
            return DeliveryError(what, retryable=True)
        return DeliveryError(what, retryable=False)


def _describe(exc: BaseException) -> tuple[int | None, str, float | None]:
    """(HTTP status, error code, Retry-After seconds) of a connector failure."""
    if not isinstance(exc, ErrorResponseException):
        return None, "", None
    response = getattr(exc, "response", None)
    status = getattr(response, "status_code", None)
    error = getattr(getattr(exc, "error", None), "error", None)
    code = str(getattr(error, "code", "") or "")
    retry_after = None
    headers = getattr(response, "headers", None) or {}
    try:
        value = headers.get("Retry-After")
        retry_after = min(float(value), MAX_BACKOFF * 10) if value is not None else None
    except (TypeError, ValueError):
        retry_after = None
    return (int(status) if status is not None else None), code, retry_after


def _transient(exc: BaseException) -> bool:
    return isinstance(exc, ClientRequestError | aiohttp.ClientError | asyncio.TimeoutError)
