"""Web API calls for one workspace's client: post, update, ephemeral, DM, upload, modal.

Channel posts and uploads are paced per channel; a public channel the bot is not in is joined
once and the post tried again; failures become DeliveryError (retryable or not) for the engine.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.ports import DeliveryError
from bot.slack.blocks import Json, Rendered, render_message
from bot.slack.client import api_error, delivery_error
from bot.slack.modals import form_view, inline_form
from bot.slack.mrkdwn import mrkdwn
from bot.slack.pacing import Pacer
from bot.slack.refs import Ref
from dialogs.messages import File, Form, Message

Call = Callable[..., Awaitable[AsyncSlackResponse]]


async def call(method: Call, **kwargs: Any) -> AsyncSlackResponse:
    try:
        return await method(**kwargs)
    except Exception as exc:
        raise delivery_error(exc) from exc


@dataclass
class Sender:
    client: AsyncWebClient
    pacer: Pacer
    close_label: str
    dm_cache: dict[str, str] = field(default_factory=dict)  # user id -> DM channel id

    # ---- messages ----
    async def post(self, channel: str, message: Message, thread_ts: str | None = None) -> Ref:
        rendered = render_message(message)
        stamps: list[str] = []
        for blocks in rendered.chunks:
            resp = await self.post_blocks(channel, blocks, rendered.text, thread_ts)
            stamps.append(str(resp["ts"]))
            channel = str(resp["channel"])
        await self.upload(channel, rendered, thread_ts)
        return Ref(channel, tuple(stamps))

    async def post_blocks(
        self, channel: str, blocks: list[Json], text: str, thread_ts: str | None
    ) -> AsyncSlackResponse:
        await self.pacer.wait(channel)
        args = {"channel": channel, "text": text, "blocks": blocks, "unfurl_links": False}
        return await self.joining(
            channel, self.client.chat_postMessage, **args, thread_ts=thread_ts
        )

    async def ephemeral(self, channel: str, user: str, message: Message) -> Ref:
        rendered = render_message(message)
        stamp = ""
        for blocks in rendered.chunks:
            stamp = await self.ephemeral_blocks(channel, user, blocks, rendered.text)
        if rendered.uploads:  # files cannot be ephemeral: they go to the person's DM
            await self.upload(await self.dm(user), rendered, None)
        return Ref(channel, (stamp,) if stamp else (), user)

    async def ephemeral_blocks(self, channel: str, user: str, blocks: list[Json], text: str) -> str:
        # Not paced: ephemeral replies have their own, higher limit and must not queue behind
        # a long run of channel posts (e.g. the 70 question messages after "all elements").
        resp = await self.joining(
            channel,
            self.client.chat_postEphemeral,
            channel=channel,
            user=user,
            text=text,
            blocks=blocks,
        )
        return str(resp.get("message_ts") or "")

    async def update(self, ref: Ref, message: Message) -> None:
        rendered = render_message(message)
        if ref.user is not None:  # Slack cannot update an ephemeral message: send it again
            await self.ephemeral(ref.channel, ref.user, message)
            return
        for i, blocks in enumerate(rendered.chunks):
            if i < len(ref.stamps):
                await call(
                    self.client.chat_update,
                    channel=ref.channel,
                    ts=ref.stamps[i],
                    text=rendered.text,
                    blocks=blocks,
                )
            else:  # the message grew past one Slack message: the rest follows it
                await self.post_blocks(ref.channel, blocks, rendered.text, None)
        for stamp in ref.stamps[len(rendered.chunks) :]:
            await call(self.client.chat_delete, channel=ref.channel, ts=stamp)

    async def dm(self, user: str) -> str:
        """The bot's private conversation with a member (opened once, then remembered)."""
        if user not in self.dm_cache:
            resp = await call(self.client.conversations_open, users=user)
            self.dm_cache[user] = str(resp["channel"]["id"])
        return self.dm_cache[user]

    # ---- files ----
    async def upload(self, channel: str, rendered: Rendered, thread_ts: str | None) -> None:
        comment = rendered.text if not rendered.chunks else None
        for item in rendered.uploads:
            title = item.title if isinstance(item, File) else item.alt
            filename = item.filename if isinstance(item, File) else os.path.basename(item.path)
            extra = {} if isinstance(item, File) else {"alt_txt": item.alt[:1000]}
            await self.pacer.wait(channel)
            await self.joining(
                channel,
                self.client.files_upload_v2,
                channel=channel,
                thread_ts=thread_ts,
                file=item.path,
                filename=filename,
                title=title,
                initial_comment=comment,
                **extra,
            )
            comment = None

    # ---- forms ----
    async def open_modal(self, trigger_id: str, channel: str, form: Form) -> None:
        view = form_view(form, channel, self.close_label)
        await call(self.client.views_open, trigger_id=trigger_id, view=view)

    async def inline_form(self, channel: str, user: str, form: Form, private: bool) -> None:
        """Without a trigger id (typed commands in events) the form goes in a message only the
        user sees; its button submits the inputs like a modal would."""
        blocks, text = inline_form(form), mrkdwn(form.title)
        if private:
            await self.post_blocks(channel, blocks, text, None)
        else:
            await self.ephemeral_blocks(channel, user, blocks, text)

    # ---- helpers ----
    async def joining(self, where: str, method: Call, **kwargs: Any) -> AsyncSlackResponse:
        """Call; when the bot is not in the (public) channel, join it and call again."""
        try:
            return await method(**{k: v for k, v in kwargs.items() if v is not None})
        except Exception as exc:
            if api_error(exc) != "not_in_channel":
                raise delivery_error(exc) from exc
        await call(self.client.conversations_join, channel=where)
        return await call(method, **{k: v for k, v in kwargs.items() if v is not None})


def require_actor(actor: str | None) -> str:
    if actor is None:
        raise DeliveryError("an ephemeral message needs an acting user", retryable=False)
    return actor
