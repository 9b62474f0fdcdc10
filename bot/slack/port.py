"""The Slack ChatPort, in two shapes.

`SlackPort` serves proactive sends (reminders, nudges): it finds the workspace's token (the
bot token, or the installation in OAuth mode) for every send. `RequestPort` serves one inbound
request: it uses the request's client, opens modals with its trigger id, and acknowledges the
request just before its first send, when it was not acknowledged before its turn (commands,
mentions and clicks are kept in the inbox and acknowledged first: bot/slack/listeners.py).
A form rejected in a modal submission is the acknowledgement itself (`response_action:
errors`), which keeps the modal and the draft open.

A trigger id is good for 3 s from the person's action and once: a form is opened as a modal
only while the trigger is fresh (`TRIGGER_SECONDS`), else — a turn that waited for a slow
database — it comes inline, in a message only the person sees, as for typed commands in
events. When a send fails because the bot is not in the channel, the person is told once,
through the request's `response_url`, to invite it (bot/slack/respond.py).

Private messages about a channel (to a member's DM: `ToMember`, or the reply to a click in the
DM) carry the channel in their buttons, signed (`bot.slack.origin`), so that their clicks act
on the channel.

A person sees their own answer (bot/own_view.py). A click on the shared card in a channel
updates it for everyone — each person's ticks in its check boxes survive that update (see
`bot.slack.blocks.checkbox_block_id`) — and the dialog's private confirmation comes as an
ephemeral message. A click on a message only they see — their ephemeral copy in the channel
(replaced through the click's `response_url`) or a message in their DM (updated) — turns that
message into their own view: the button they chose marked, the confirmation under it, instead
of one more message.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.own_view import Click, OwnView, is_note
from bot.ports import Conversation
from bot.slack.blocks import Sign, render_message
from bot.slack.client import ApiFailure, not_a_member
from bot.slack.inbound import Clicked
from bot.slack.modals import field_errors, form_view
from bot.slack.origin import OriginKey, is_dm
from bot.slack.pacing import Pacer
from bot.slack.refs import Ref
from bot.slack.respond import Responder
from bot.slack.sender import FileSource, Outbox, Sender, Wall, require_actor
from dialogs.i18n import t
from dialogs.messages import Form, Message, Target, ToActorOnly, ToMember
from storage.slack_outbox import SentPartsStore

# Answers Slack's request: bolt's `ack` (wrapped by bot.slack.listeners.Acknowledgement).
Ack = Callable[..., Awaitable[object]]

ClientFor = Callable[[str], Awaitable[AsyncWebClient]]  # workspace id -> client with its token

TRIGGER_SECONDS = 2.5  # a trigger id lives 3 s from the person's action; views.open takes time
TRIGGER_GONE = frozenset({"expired_trigger_id", "invalid_trigger_id", "exchanged_trigger_id"})


class Deliveries:
    """Target rules shared by both ports: DMs for ToMember, ephemeral for ToActorOnly."""

    in_dm = False  # the actor is in the bot's DM: replies only they see go there, no ephemeral
    trigger_id: str | None = None

    def trigger_fresh(self) -> bool:
        """Whether the trigger id may still open a modal."""
        return True

    async def sender(self, conv: Conversation) -> Sender:
        raise NotImplementedError

    @property
    def origin_key(self) -> OriginKey | None:
        raise NotImplementedError

    def signer(self, conv: Conversation, member: str | None) -> Sign | None:
        """Signs the buttons of a message to `member`'s DM about the conversation's channel
        (nothing to sign when the conversation is a DM itself)."""
        key = self.origin_key
        if key is None or member is None or is_dm(conv.channel):
            return None
        return key.signer(conv.workspace, member, conv.channel)

    async def private(
        self, conv: Conversation, sender: Sender, member: str, message: Message, dm: str | None
    ) -> str:
        """A message in `member`'s DM with the bot (`dm`, or opened), its buttons signed for
        the conversation's channel."""
        channel = dm or await sender.dm(member)
        sign = self.signer(conv, member)
        ref = await sender.post(channel, message, sign=sign)
        return Ref(ref.channel, ref.stamps, member=member if sign else None).dump()

    async def post(
        self, conv: Conversation, target: Target, message: Message, thread_ref: str | None
    ) -> str:
        sender = await self.sender(conv)
        if isinstance(target, ToMember):
            return await self.private(conv, sender, target.member_external_id, message, None)
        if isinstance(target, ToActorOnly):
            user = require_actor(conv.actor)
            if self.in_dm:  # the actor's DM: this one, or the one the click came from
                dm = conv.channel if is_dm(conv.channel) else None
                return await self.private(conv, sender, user, message, dm)
            return (await sender.ephemeral(conv.channel, user, message)).dump()
        thread = Ref.load(thread_ref) if thread_ref else None
        channel = thread.channel if thread else conv.channel
        return (await sender.post(channel, message, thread.root if thread else None)).dump()

    async def find_posted(
        self, conv: Conversation, target: Target, message: Message, since: datetime
    ) -> str | None:
        """The message posted with `message.marker` (its first part) since `since`, looked up
        where `post` would have put it; None when it is not there (or has no marker)."""
        if message.marker is None or isinstance(target, ToActorOnly):
            return None  # an ephemeral message cannot be looked up
        sender = await self.sender(conv)
        member = target.member_external_id if isinstance(target, ToMember) else None
        channel = await sender.dm(member) if member else conv.channel
        found = await sender.find(channel, None, f"{message.marker}.0", since.timestamp())
        if found is None:
            return None
        signed = member if member and self.signer(conv, member) else None
        return Ref(found.channel, (found.ts,), member=signed).dump()

    async def update(self, conv: Conversation, ref: str, message: Message) -> None:
        old = Ref.load(ref)
        sign = self.signer(conv, old.member) if is_dm(old.channel) else None
        await (await self.sender(conv)).update(old, message, sign)

    async def open_form(self, conv: Conversation, form: Form) -> None:
        sender = await self.sender(conv)
        trigger, self.trigger_id = self.trigger_id, None  # a trigger id works once
        from_dm = self.in_dm and not is_dm(conv.channel)  # a DM click about a channel
        if trigger and self.trigger_fresh():
            try:
                await sender.open_modal(trigger, conv.channel, form, from_dm)
                return
            except ApiFailure as exc:
                if exc.code not in TRIGGER_GONE:
                    raise
                # it ran out on the way (a slow turn): the form comes inline instead
        user = require_actor(conv.actor)
        if self.in_dm:
            channel = conv.channel if not from_dm else await sender.dm(user)
            sign = self.signer(conv, user)
            await sender.inline_form(channel, user, form, True, sign)
        else:
            await sender.inline_form(conv.channel, user, form, False)

    async def reject_form(self, conv: Conversation, form: Form) -> None:
        await self.open_form(conv, form)


class SlackPort(Deliveries):
    def __init__(
        self,
        client_for: ClientFor,
        pacer: Pacer,
        close_label: str,
        files: FileSource,
        sent_parts: SentPartsStore,
        origin_key: OriginKey | None = None,
        wall: Wall = time.time,
    ) -> None:
        self.client_for, self.pacer, self.close_label = client_for, pacer, close_label
        self.files, self.sent_parts = files, sent_parts  # in the database: any replica's
        self._origin_key, self.wall = origin_key, wall
        # A cache only: conversations.open gives every replica the same DM channel.
        self.dm_cache: dict[str, dict[str, str]] = {}  # workspace -> user -> DM channel

    @property
    def origin_key(self) -> OriginKey | None:
        return self._origin_key

    def sender_for(self, workspace: str, client: AsyncWebClient) -> Sender:
        cache = self.dm_cache.setdefault(workspace, {})
        outbox = Outbox(self.sent_parts, workspace)
        return Sender(client, self.pacer, self.close_label, self.files, outbox, cache, self.wall)

    async def sender(self, conv: Conversation) -> Sender:
        return self.sender_for(conv.workspace, await self.client_for(conv.workspace))


class RequestPort(Deliveries):
    def __init__(
        self,
        base: SlackPort,
        client: AsyncWebClient,
        ack: Ack | None,
        *,
        trigger_id: str | None = None,
        submission: bool = False,
        in_dm: bool = False,
        received: float | None = None,  # monotonic time the request came (base's pacer clock)
        response_url: str | None = None,
        responder: Responder | None = None,
        lang: str = "da",
        clicked: Clicked | None = None,
        click: Click | None = None,
    ) -> None:
        self.base, self.client, self.ack = base, client, ack
        self.trigger_id, self.submission, self.in_dm = trigger_id, submission, in_dm
        self.monotonic = base.pacer.timing.monotonic
        self.received = self.monotonic() if received is None else received
        self.response_url, self.responder, self.lang = response_url, responder, lang
        self.told = False  # the person was told to invite the bot
        # The clicked message, when only the person sees it: it becomes their own view.
        private = clicked is not None and (clicked.ephemeral or is_dm(clicked.channel))
        self.clicked = clicked if private else None
        self.own = OwnView(click) if click is not None and private else None

    def trigger_fresh(self) -> bool:
        return self.monotonic() - self.received < TRIGGER_SECONDS

    async def sender(self, conv: Conversation) -> Sender:
        await self.acknowledge()
        return self.base.sender_for(conv.workspace, self.client)

    @property
    def origin_key(self) -> OriginKey | None:
        return self.base.origin_key

    async def acknowledge(self, **response: Any) -> None:
        """Answer Slack's request (once); further calls do nothing."""
        ack, self.ack = self.ack, None
        if ack is not None:
            await ack(**response)

    async def post(
        self, conv: Conversation, target: Target, message: Message, thread_ref: str | None
    ) -> str:
        own = self.own
        if (
            isinstance(target, ToActorOnly)
            and own
            and own.source is not None
            and is_note(message, own.click)
        ):
            own.notes.append(message)  # under their answer, in the message they clicked
            if await self.show_own(conv):
                return self.clicked_ref(conv)
            own.notes.pop()
        try:
            return await super().post(conv, target, message, thread_ref)
        except ApiFailure as exc:
            await self.invite_first(exc)
            raise  # the engine records the failure too

    async def update(self, conv: Conversation, ref: str, message: Message) -> None:
        try:
            if self.own is not None and self.own.saw(message):
                if self.is_clicked(ref):  # (in their DM: theirs alone)
                    await super().update(conv, ref, self.own.view or message)
                    return
                await super().update(conv, ref, message)
                await self.show_own(conv)
                return
            if self.is_clicked(ref) and await self.replace_clicked(message):
                return  # the ephemeral message clicked on is changed, not sent again
            await super().update(conv, ref, message)
        except ApiFailure as exc:
            await self.invite_first(exc)
            raise

    def is_clicked(self, ref: str) -> bool:
        old, clicked = Ref.load(ref), self.clicked
        return clicked is not None and old.channel == clicked.channel and clicked.ts in old.stamps

    def clicked_ref(self, conv: Conversation) -> str:
        assert self.clicked is not None
        user = conv.actor if self.clicked.ephemeral else None
        return Ref(self.clicked.channel, (self.clicked.ts,), user).dump()

    async def replace_clicked(self, message: Message) -> bool:
        """The ephemeral message the person clicked on, replaced through the click's
        `response_url` (a message in their DM is updated as usual); False when it cannot be."""
        clicked = self.clicked
        if clicked is None or not clicked.ephemeral:
            return False
        if self.response_url is None or self.responder is None:
            return False
        rendered = render_message(message)
        if len(rendered.chunks) != 1 or rendered.uploads:
            return False
        return await self.responder.replace(self.response_url, rendered.chunks[0], rendered.text)

    async def show_own(self, conv: Conversation) -> bool:
        """The clicked message as the person's own view of it; False when it could not be."""
        view, clicked = self.own.view if self.own else None, self.clicked
        if view is None or clicked is None:
            return False
        if clicked.ephemeral:
            if self.response_url is None or self.responder is None:
                return False
            rendered = render_message(view)
            if len(rendered.chunks) != 1 or rendered.uploads:
                return False
            return await self.responder.replace(
                self.response_url, rendered.chunks[0], rendered.text
            )
        member = conv.actor if self.signer(conv, conv.actor) else None
        await super().update(conv, Ref(clicked.channel, (clicked.ts,), member=member).dump(), view)
        return True

    async def open_form(self, conv: Conversation, form: Form) -> None:
        try:
            await super().open_form(conv, form)
        except ApiFailure as exc:
            await self.invite_first(exc)
            raise

    async def invite_first(self, exc: ApiFailure) -> None:
        """The bot is not in the channel: tell the person how to invite it (once)."""
        if self.told or not not_a_member(exc):
            return
        self.told = True
        if self.response_url is None or self.responder is None:
            return  # (Socket Mode commands carry none: the failure is recorded all the same)
        await self.responder.say(self.response_url, t(self.lang, "slack.invite_first"))

    async def reject_form(self, conv: Conversation, form: Form) -> None:
        if self.submission and self.ack is not None:
            errors = field_errors(form)
            if errors is not None:
                await self.acknowledge(response_action="errors", errors=errors)
            else:
                from_dm = self.in_dm and not is_dm(conv.channel)
                view = form_view(form, conv.channel, self.base.close_label, from_dm)
                await self.acknowledge(response_action="update", view=view)
            return
        await super().reject_form(conv, form)
