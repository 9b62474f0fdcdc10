"""The Slack ChatPort, in two shapes.

`SlackPort` serves proactive sends (reminders, nudges): it finds the workspace's token (the
bot token, or the installation in OAuth mode) for every send. `RequestPort` serves one inbound
request: it uses the request's client, opens modals with its trigger id, and acknowledges the
request just before its first send — so the engine's turn is committed when Slack hears "ok",
and slow sends happen after the acknowledgement. A form rejected in a modal submission is the
acknowledgement itself (`response_action: errors`), which keeps the modal and the draft open.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.ports import Conversation
from bot.slack.modals import field_errors, form_view
from bot.slack.pacing import Pacer
from bot.slack.refs import Ref
from bot.slack.sender import Sender, require_actor
from dialogs.messages import Form, Message, Target, ToActorOnly, ToMember

ClientFor = Callable[[str], Awaitable[AsyncWebClient]]  # workspace id -> client with its token


class Deliveries:
    """Target rules shared by both ports: DMs for ToMember, ephemeral for ToActorOnly."""

    in_dm = False  # the conversation is the bot's DM with the actor: no ephemeral needed
    trigger_id: str | None = None

    async def sender(self, conv: Conversation) -> Sender:
        raise NotImplementedError

    async def post(
        self, conv: Conversation, target: Target, message: Message, thread_ref: str | None
    ) -> str:
        sender = await self.sender(conv)
        if isinstance(target, ToMember):
            channel = await sender.dm(target.member_external_id)
            return (await sender.post(channel, message)).dump()
        if isinstance(target, ToActorOnly):
            user = require_actor(conv.actor)
            if self.in_dm:
                return (await sender.post(conv.channel, message)).dump()
            return (await sender.ephemeral(conv.channel, user, message)).dump()
        thread = Ref.load(thread_ref) if thread_ref else None
        channel = thread.channel if thread else conv.channel
        return (await sender.post(channel, message, thread.root if thread else None)).dump()

    async def update(self, conv: Conversation, ref: str, message: Message) -> None:
        await (await self.sender(conv)).update(Ref.load(ref), message)

    async def open_form(self, conv: Conversation, form: Form) -> None:
        sender = await self.sender(conv)
        trigger, self.trigger_id = self.trigger_id, None  # a trigger id works once
        if trigger:
            await sender.open_modal(trigger, conv.channel, form)
        else:
            await sender.inline_form(conv.channel, require_actor(conv.actor), form, self.in_dm)

    async def reject_form(self, conv: Conversation, form: Form) -> None:
        await self.open_form(conv, form)


class SlackPort(Deliveries):
    def __init__(self, client_for: ClientFor, pacer: Pacer, close_label: str) -> None:
        self.client_for, self.pacer, self.close_label = client_for, pacer, close_label
        self.dm_cache: dict[str, dict[str, str]] = {}  # workspace -> user -> DM channel

    def sender_for(self, workspace: str, client: AsyncWebClient) -> Sender:
        cache = self.dm_cache.setdefault(workspace, {})
        return Sender(client, self.pacer, self.close_label, cache)

    async def sender(self, conv: Conversation) -> Sender:
        return self.sender_for(conv.workspace, await self.client_for(conv.workspace))


class RequestPort(Deliveries):
    def __init__(
        self,
        base: SlackPort,
        client: AsyncWebClient,
        ack: AsyncAck | None,
        *,
        trigger_id: str | None = None,
        submission: bool = False,
        in_dm: bool = False,
    ) -> None:
        self.base, self.client, self.ack = base, client, ack
        self.trigger_id, self.submission, self.in_dm = trigger_id, submission, in_dm

    async def sender(self, conv: Conversation) -> Sender:
        await self.acknowledge()
        return self.base.sender_for(conv.workspace, self.client)

    async def acknowledge(self, **response: Any) -> None:
        """Answer Slack's request (once); further calls do nothing."""
        ack, self.ack = self.ack, None
        if ack is not None:
            await ack(**response)

    async def reject_form(self, conv: Conversation, form: Form) -> None:
        if self.submission and self.ack is not None:
            errors = field_errors(form)
            if errors is not None:
                await self.acknowledge(response_action="errors", errors=errors)
            else:
                view = form_view(form, conv.channel, self.base.close_label)
                await self.acknowledge(response_action="update", view=view)
            return
        await super().reject_form(conv, form)
