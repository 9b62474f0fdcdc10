"""Bolt listeners: translate a request, run the engine's turn with a RequestPort, acknowledge.

The app runs with `process_before_response=True`: bolt answers Slack when the listener returns.
Each listener runs as a task of its own (`answered_early`) and returns as soon as the request is
acknowledged, the rest of the turn going on in that task — bolt's default instead checks every
10 ms whether a listener running in the background has acknowledged
(slack_bolt/listener/asyncio_runner.py), which was most of a click's response time.

Work in flight is counted from the moment bolt matches a listener (a listener middleware, which
runs before bolt answers Slack) to the task's end, so `SlackBot.idle()` also covers the turns
that go on after the acknowledgement.

Acknowledged means kept. Commands, mentions and messages in the bot's DM, and clicks are
written to the engine's inbox (a short write shared by concurrent requests; on SQLite a file
of its own, so a busy database does not hold it up) and acknowledged at once — within Slack's
3 s even while the database is slow or locked; their turn runs right after, and the inbox row
stays until the turn is done, for a replay (bot/inbox.py). A command's or a mention's turn
starts at once (the person waits for its answer), a click's waits for a lull between requests
(bot/priority.py). Events also dedupe on their `event_id` in the database, so a retry
(`X-Slack-Retry-Num`) has no second effect, even on another replica. Form submissions are
acknowledged by the RequestPort right after their turn is committed (before the first send),
or at the end when nothing is sent — a form's errors are the acknowledgement. A form a kept
command opens comes as a modal while its trigger id is fresh, else inline (bot/slack/port.py).
Every listener is registered for every event the manifest subscribes to: an unhandled request
gets 404, which Slack retries.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from bot.inbound import Inbound
from bot.own_view import Click
from bot.slack import inbound as tr
from bot.slack.home import publish_home
from bot.slack.port import Ack, RequestPort
from bot.slack.settings import COMMAND
from dialogs.events import Interaction
from storage.db import is_unavailable

if TYPE_CHECKING:
    from bot.slack.app import SlackBot

log = logging.getLogger(__name__)
Body = dict[str, Any]


async def run_turn(
    bot: SlackBot,
    incoming: tr.Incoming | None,
    client: AsyncWebClient,
    ack: Ack | None,
    *,
    submission: bool = False,
    durable_ack: bool = False,
    waits_for_lull: bool = False,
    response_url: str | None = None,
) -> None:
    """The request's turn. `durable_ack`: keep it in the inbox and acknowledge before the turn
    (else the port acknowledges once the turn is committed); `waits_for_lull`: a kept turn
    nobody waits for takes its slot in a lull between requests (clicks)."""
    received = bot.port.pacer.timing.monotonic()
    kept = None
    if durable_ack and incoming is not None and ack is not None:
        kept = await bot.runtime.engine.accept(_inbound(incoming, None))
        await ack()
        ack = None
    port = RequestPort(
        bot.port,
        client,
        ack,
        trigger_id=incoming.trigger_id if incoming else None,
        submission=submission,
        in_dm=incoming.in_dm if incoming else False,
        received=received,
        response_url=response_url,
        responder=bot.responder,
        lang=bot.runtime.settings.language,
        clicked=incoming.clicked if incoming else None,
        click=_click(incoming),
    )
    if incoming is not None:
        conv = incoming.conv
        name = await bot.names.name(client, conv.workspace, conv.actor or "")
        if kept is not None:
            inbound = replace(kept, user_name=name, answered=waits_for_lull)
        else:
            inbound = _inbound(incoming, name)
        await bot.runtime.engine.handle(inbound, port)
    await port.acknowledge()  # a turn that failed is not acknowledged: Slack shows an error


def _inbound(incoming: tr.Incoming, user_name: str | None) -> Inbound:
    return Inbound(
        incoming.conv, incoming.event, user_name, incoming.channel_name, incoming.event_id
    )


def _click(incoming: tr.Incoming | None) -> Click | None:
    event = incoming.event if incoming is not None else None
    if not isinstance(event, Interaction) or incoming is None or incoming.clicked is None:
        return None
    return Click(event.action, dict(event.values))


def _response_url(body: Body) -> str | None:
    url = body.get("response_url")
    return url if isinstance(url, str) and url else None


Listener = Callable[..., Awaitable[None]]


class Acknowledgement:
    """Bolt's `ack`, which also says when it has been called."""

    def __init__(self, ack: AsyncAck) -> None:
        self.ack, self.done = ack, asyncio.Event()

    async def __call__(self, **response: Any) -> BoltResponse:
        try:
            return await self.ack(**response)
        finally:
            self.done.set()


def answered_early(bot: SlackBot, listener: Listener) -> Listener:
    """The listener as a task of its own; returns when the listener has acknowledged or has
    ended — at once when it takes no `ack` (events: bolt acknowledges them when this returns).
    An error before the acknowledgement is bolt's to answer (500, or 503 when the database is
    away); one after it is logged. The in-flight count is left when the task ends (bolt
    injects arguments by the wrapped function's names)."""

    @functools.wraps(listener)
    async def run(**kwargs: Any) -> None:
        acked = asyncio.Event()
        if "ack" in kwargs:
            ack = kwargs["ack"] = Acknowledgement(kwargs["ack"])
            acked = ack.done
        else:
            acked.set()

        def ended(task: asyncio.Task[None]) -> None:
            bot.tasks.discard(task)
            bot.inflight.leave()
            error = None if task.cancelled() else task.exception()
            if error is not None and acked.is_set():  # (else raised below, for bolt)
                log.error("Slack request failed: %s", type(error).__name__)

        task = asyncio.ensure_future(listener(**kwargs))
        bot.tasks.add(task)
        task.add_done_callback(ended)
        if not acked.is_set():
            waiting = asyncio.ensure_future(acked.wait())
            await asyncio.wait((task, waiting), return_when=asyncio.FIRST_COMPLETED)
            waiting.cancel()
        if task.done() and not acked.is_set():
            task.result()  # the listener's error, for bolt's error handler

    return run


def register(app: AsyncApp, bot: SlackBot) -> None:
    async def command(body: Body, ack: Ack, client: AsyncWebClient) -> None:
        incoming, url = tr.from_command(body), _response_url(body)
        await run_turn(bot, incoming, client, ack, durable_ack=True, response_url=url)

    async def mention(
        body: Body, ack: Ack, context: AsyncBoltContext, client: AsyncWebClient
    ) -> None:
        incoming = tr.from_message_event(body, context.bot_user_id)
        await run_turn(bot, incoming, client, ack, durable_ack=True)

    async def action(body: Body, ack: Ack, client: AsyncWebClient) -> None:
        incoming, url = tr.from_block_actions(body), _response_url(body)
        await run_turn(
            bot, incoming, client, ack, durable_ack=True, waits_for_lull=True, response_url=url
        )

    async def view(body: Body, ack: Ack, client: AsyncWebClient) -> None:
        await run_turn(bot, tr.from_view_submission(body), client, ack, submission=True)

    async def home(event: Body, context: AsyncBoltContext, client: AsyncWebClient) -> None:
        workspace = context.team_id or context.enterprise_id
        if event.get("tab") == "home" and workspace and event.get("user"):
            user = str(event["user"])
            await publish_home(bot.runtime, client, workspace, user, bot.port.origin_key)

    async def revoked(event: Body, context: AsyncBoltContext) -> None:
        await bot.forget_tokens(context, event)

    async def uninstalled(context: AsyncBoltContext) -> None:
        await bot.forget_tokens(context, None)

    async def enter(next: Callable[[], Awaitable[None]]) -> None:
        bot.inflight.enter()
        await next()

    async def failed(error: Exception, response: BoltResponse | None) -> BoltResponse | None:
        # Only the type: exception texts (SQL parameters…) may hold what someone wrote.
        log.error("Slack request failed: %s", type(error).__name__)
        if response is not None and is_unavailable(error):  # not acknowledged yet:
            return BoltResponse(status=503, body="")  # nothing was stored; Slack may retry
        return None

    app.error(failed)
    mw = [enter]
    # Bolt tries the listeners in this order: clicks, the most frequent requests, first.
    app.action(re.compile(".*"), middleware=mw)(answered_early(bot, action))
    # modal submissions (callback id CALLBACK_ID; others are acknowledged, nothing happens)
    app.view(re.compile(".*"), middleware=mw)(answered_early(bot, view))
    app.command(COMMAND, middleware=mw)(answered_early(bot, command))
    app.event("app_mention", middleware=mw)(answered_early(bot, mention))
    # message.im; other message events (edits, bots, ourselves) are acknowledged and ignored
    app.event("message", middleware=mw)(answered_early(bot, mention))
    app.event("app_home_opened", middleware=mw)(answered_early(bot, home))
    app.event("tokens_revoked", middleware=mw)(answered_early(bot, revoked))
    app.event("app_uninstalled", middleware=mw)(answered_early(bot, uninstalled))
