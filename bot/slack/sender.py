"""Web API calls for one workspace's client: post, update, ephemeral, DM, upload, modal.

Channel posts and uploads are paced per channel; a public channel the bot is not in is joined
once and the post tried again; failures become DeliveryError (retryable or not) for the engine.

Nothing is posted twice. Each Slack message carries a unique marker in its metadata
(`{"event_type": "lovende_send", "event_payload": {"id": …}}`). When `chat.postMessage` got no
answer (a timeout, a dropped connection, a gateway error) Slack may have posted it all the
same: the message is looked up by its marker (`conversations.history`, or `.replies` in a
thread, from the time of the first attempt) and posted again only when it is not there. A
message whose sending failed part-way (a long message in several Slack messages, its files)
is remembered for an hour in the database (`Outbox`, storage/slack_outbox.py): when the engine
tries it again — on this replica or another — the parts already posted are skipped and a part
whose fate is unknown is looked up first. Ephemeral messages and file shares cannot be looked
up: without an answer they are not repeated, and the engine records the failure. Files are
uploaded from their bytes in the database (storage/files.py), so any replica shares any
generated file.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from hashlib import sha256
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.metrics import PLATFORM_API_RETRIES
from bot.ports import DeliveryError
from bot.slack.blocks import Json, Rendered, Sign, render_message
from bot.slack.client import PLATFORM, ApiFailure, UncertainDelivery, api_error, delivery_error
from bot.slack.modals import form_view, inline_form
from bot.slack.mrkdwn import mrkdwn
from bot.slack.pacing import Pacer
from bot.slack.refs import Ref
from dialogs.messages import File, Form, Image, Message
from storage.files import FileContent
from storage.slack_outbox import SentParts, SentPartsStore

log = logging.getLogger(__name__)

Call = Callable[..., Awaitable[AsyncSlackResponse]]
Wall = Callable[[], float]  # seconds since the epoch, as Slack's `ts`
# A generated file's bytes by its id (storage/files.py GeneratedFiles.read); None: gone.
FileSource = Callable[[str], Awaitable[FileContent | None]]

MARKER_EVENT = "lovende_send"
POST_ATTEMPTS = 3  # posts of one part within one send, each after a lookup found nothing
LOOKUP_DELAY = 1.0  # seconds before looking a message up (then doubled)
LOOKUP_LIMIT = 200
LOOKUP_PAGES = 5
CLOCK_SKEW = 120.0  # seconds our clock may be ahead of Slack's


async def call(method: Call, **kwargs: Any) -> AsyncSlackResponse:
    try:
        return await method(**kwargs)
    except Exception as exc:
        raise delivery_error(exc) from exc


@dataclass(frozen=True)
class Posted:
    channel: str
    ts: str


@dataclass
class Unfinished:
    """A message whose sending failed part-way: the parts known to be posted, and whether the
    next one may have been posted too (then it is looked up before it is posted again)."""

    id: str  # the markers of its parts are `<id>.<part>`
    since: float  # wall-clock time of the first attempt (it is forgotten an hour later)
    channel: str | None = None
    stamps: list[str] = field(default_factory=list)
    uploads: int = 0
    maybe: bool = False

    @property
    def started(self) -> bool:
        return bool(self.stamps or self.uploads or self.maybe)

    def marker(self, part: int) -> str:
        return f"{self.id}.{part}"


@dataclass
class Outbox:
    """One workspace's unfinished messages by their content and place, in the database for an
    hour (then a send of the same message starts afresh). When the database cannot be reached
    the send goes on without: a lookup that fails must not stop a message from going out."""

    store: SentPartsStore
    workspace: str

    async def take(self, key: str, now: float) -> Unfinished | None:
        try:
            parts = await self.store.take(self.workspace, key, now)
        except Exception as exc:
            log.warning("parts sent before could not be looked up: %s", type(exc).__name__)
            return None
        if parts is None:
            return None
        return Unfinished(
            parts.marker, parts.since, parts.channel, parts.stamps, parts.uploads, parts.maybe
        )

    async def keep(self, key: str, job: Unfinished, now: float) -> None:
        parts = SentParts(job.id, job.since, job.channel, job.stamps, job.uploads, job.maybe)
        try:
            await self.store.keep(self.workspace, key, parts, now)
        except Exception as exc:
            log.warning("parts sent could not be remembered: %s", type(exc).__name__)


def content_key(channel: str, thread_ts: str | None, rendered: Rendered) -> str:
    """The same message to the same place (a generated file's id differs per try)."""
    uploads = [u.filename if isinstance(u, File) else u.alt for u in rendered.uploads]
    text = repr((channel, thread_ts, rendered.chunks, rendered.text, uploads))
    return sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def has_marker(message: dict[str, Any], marker: str) -> bool:
    meta = message.get("metadata")
    if not isinstance(meta, dict) or meta.get("event_type") != MARKER_EVENT:
        return False
    payload = meta.get("event_payload")
    return isinstance(payload, dict) and payload.get("id") == marker


@dataclass
class Sender:
    client: AsyncWebClient
    pacer: Pacer
    close_label: str
    files: FileSource
    outbox: Outbox
    dm_cache: dict[str, str] = field(default_factory=dict)  # user id -> DM channel id
    wall: Wall = time.time

    # ---- messages ----
    async def post(
        self,
        channel: str,
        message: Message,
        thread_ts: str | None = None,
        sign: Sign | None = None,
    ) -> Ref:
        rendered = render_message(message, sign)
        key = content_key(channel, thread_ts, rendered)
        now = self.wall()
        # A reminder's message carries its marker (bot/reminders.py): a worker that takes the
        # reminder over looks it up by that.
        marker = message.marker or uuid.uuid4().hex
        job = await self.outbox.take(key, now) or Unfinished(marker, now)
        try:
            for part, blocks in enumerate(rendered.chunks):
                if part < len(job.stamps):
                    continue  # posted by an earlier attempt
                posted = await self.post_once(
                    job.channel or channel, blocks, rendered.text, thread_ts, job, part
                )
                job.stamps.append(posted.ts)
                job.channel = posted.channel
            await self.upload(job.channel or channel, rendered, thread_ts, job)
        except Exception:
            if job.started:
                await self.outbox.keep(key, job, self.wall())
            raise
        return Ref(job.channel or channel, tuple(job.stamps))

    async def post_blocks(
        self, channel: str, blocks: list[Json], text: str, thread_ts: str | None
    ) -> Posted:
        """One Slack message, posted once."""
        job = Unfinished(uuid.uuid4().hex, self.wall())
        return await self.post_once(channel, blocks, text, thread_ts, job, 0)

    async def post_once(
        self,
        channel: str,
        blocks: list[Json],
        text: str,
        thread_ts: str | None,
        job: Unfinished,
        part: int,
    ) -> Posted:
        """Post one part of a message; when Slack does not answer, look it up by its marker
        and post it again only when it is not there."""
        marker = job.marker(part)
        metadata = {"event_type": MARKER_EVENT, "event_payload": {"id": marker}}
        for attempt in range(POST_ATTEMPTS):
            if job.maybe:
                await self.pacer.timing.sleep(LOOKUP_DELAY * 2**attempt)
                found = await self.find(channel, thread_ts, marker, job.since)
                if found is not None:
                    job.maybe = False
                    return found
                PLATFORM_API_RETRIES.labels(PLATFORM, "chat.postMessage").inc()
            await self.pacer.wait(channel)
            try:
                resp = await self.joining(
                    channel,
                    self.client.chat_postMessage,
                    channel=channel,
                    text=text,
                    blocks=blocks,
                    unfurl_links=False,
                    thread_ts=thread_ts,
                    metadata=metadata,
                )
            except UncertainDelivery as exc:
                job.maybe = True
                log.warning("chat.postMessage unanswered (%s): looking it up", exc)
                continue
            job.maybe = False
            return Posted(str(resp["channel"]), str(resp["ts"]))
        raise UncertainDelivery("Slack did not answer chat.postMessage", retryable=True)

    async def find(
        self, channel: str, thread_ts: str | None, marker: str, since: float
    ) -> Posted | None:
        """The message carrying `marker`, posted since `since` (in a thread: among its
        replies); None when Slack does not have it."""
        method = (
            self.client.conversations_replies if thread_ts else self.client.conversations_history
        )
        args: dict[str, Any] = {
            "channel": channel,
            "oldest": f"{since - CLOCK_SKEW:.6f}",
            "limit": LOOKUP_LIMIT,
            "include_all_metadata": True,
        }
        if thread_ts:
            args["ts"] = thread_ts
        try:
            for _page in range(LOOKUP_PAGES):
                resp = await call(method, **args)
                for message in resp.get("messages") or []:
                    if isinstance(message, dict) and has_marker(message, marker):
                        return Posted(channel, str(message["ts"]))
                cursor = (resp.get("response_metadata") or {}).get("next_cursor")
                if not cursor:
                    return None
                args["cursor"] = cursor
        except DeliveryError as exc:
            if exc.retryable:
                raise
            # Slack refuses the lookup (a missing scope…): whether the message is there is
            # unknown, so it is not posted again — the engine records the failure.
            raise DeliveryError(f"unknown whether posted: {exc}", retryable=False) from exc
        return None

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
        try:
            resp = await self.joining(
                channel,
                self.client.chat_postEphemeral,
                channel=channel,
                user=user,
                text=text,
                blocks=blocks,
            )
        except UncertainDelivery as exc:
            # An ephemeral message cannot be looked up: not sent twice, recorded instead.
            raise DeliveryError(f"ephemeral message unanswered: {exc}", retryable=False) from exc
        return str(resp.get("message_ts") or "")

    async def update(self, ref: Ref, message: Message, sign: Sign | None = None) -> None:
        if ref.user is not None:  # Slack cannot update an ephemeral message: send it again
            await self.ephemeral(ref.channel, ref.user, message)
            return
        rendered = render_message(message, sign)
        for i, blocks in enumerate(rendered.chunks):
            if i < len(ref.stamps):
                await call(  # idempotent: retried by the client's handlers
                    self.client.chat_update,
                    channel=ref.channel,
                    ts=ref.stamps[i],
                    text=rendered.text,
                    blocks=blocks,
                )
            else:  # the message grew past one Slack message: the rest follows it
                await self.post_blocks(ref.channel, blocks, rendered.text, None)
        for stamp in ref.stamps[len(rendered.chunks) :]:
            try:
                await call(self.client.chat_delete, channel=ref.channel, ts=stamp)
            except DeliveryError as exc:
                if "message_not_found" not in str(exc):  # deleted by an earlier attempt
                    raise

    async def dm(self, user: str) -> str:
        """The bot's private conversation with a member (opened once, then remembered)."""
        if user not in self.dm_cache:
            resp = await call(self.client.conversations_open, users=user)
            self.dm_cache[user] = str(resp["channel"]["id"])
        return self.dm_cache[user]

    # ---- files ----
    async def upload(
        self, channel: str, rendered: Rendered, thread_ts: str | None, job: Unfinished | None = None
    ) -> None:
        comment = rendered.text if not rendered.chunks else None
        for i, item in enumerate(rendered.uploads):
            if job is not None and i < job.uploads:
                comment = None
                continue  # shared by an earlier attempt
            await self.upload_one(channel, item, thread_ts, comment)
            comment = None
            if job is not None:
                job.uploads += 1

    async def upload_one(
        self, channel: str, item: Image | File, thread_ts: str | None, comment: str | None
    ) -> None:
        stored = await self.files(item.file_id)
        if stored is None:  # its channel's data was deleted, or retention removed it
            raise DeliveryError("the generated file is gone", retryable=False)
        title = item.title if isinstance(item, File) else item.alt
        filename = item.filename if isinstance(item, File) else stored.filename
        extra = {} if isinstance(item, File) else {"alt_txt": item.alt[:1000]}
        await self.pacer.wait(channel)
        try:
            await self.joining(
                channel,
                self.client.files_upload_v2,
                channel=channel,
                thread_ts=thread_ts,
                content=stored.content,
                filename=filename,
                title=title,
                initial_comment=comment,
                **extra,
            )
        except UncertainDelivery as exc:
            # A file share cannot be looked up: not shared twice, recorded instead.
            raise DeliveryError(f"file upload unanswered: {exc}", retryable=False) from exc

    # ---- forms ----
    async def open_modal(self, trigger_id: str, channel: str, form: Form, dm: bool = False) -> None:
        view = form_view(form, channel, self.close_label, dm)
        await call(self.client.views_open, trigger_id=trigger_id, view=view)

    async def inline_form(
        self, channel: str, user: str, form: Form, private: bool, sign: Sign | None = None
    ) -> None:
        """Without a trigger id (typed commands in events) the form goes in a message only the
        user sees; its button submits the inputs like a modal would. `private`: `channel` is
        the user's DM with the bot."""
        blocks, text = inline_form(form, sign), mrkdwn(form.title)
        if private:
            await self.post_blocks(channel, blocks, text, None)
        else:
            await self.ephemeral_blocks(channel, user, blocks, text)

    # ---- helpers ----
    async def joining(self, where: str, method: Call, **kwargs: Any) -> AsyncSlackResponse:
        """Call; when the bot is not in the (public) channel, join it and call again. When it
        cannot join (a private channel: someone must invite it), the failure says
        `not_in_channel` (bot.slack.client.not_a_member)."""
        try:
            return await method(**{k: v for k, v in kwargs.items() if v is not None})
        except Exception as exc:
            if api_error(exc) != "not_in_channel":
                raise delivery_error(exc) from exc
        try:
            await call(self.client.conversations_join, channel=where)
        except DeliveryError as exc:
            if exc.retryable:
                raise
            raise ApiFailure(
                f"not in channel, cannot join: {exc}", "not_in_channel", retryable=False
            ) from exc
        return await call(method, **{k: v for k, v in kwargs.items() if v is not None})


def require_actor(actor: str | None) -> str:
    if actor is None:
        raise DeliveryError("an ephemeral message needs an acting user", retryable=False)
    return actor
