"""Bolt listeners: translate a request, run the engine's turn with a RequestPort, acknowledge.

Work in flight is counted from the moment bolt matches a listener (a listener middleware, which
runs before bolt answers Slack) to the listener's end, so `SlackBot.idle()` also covers the
turns bolt runs in the background after acknowledging an event.

Events are acknowledged by bolt at once; their turns dedupe on `event_id` in the database, so a
retry (`X-Slack-Retry-Num`) has no second effect, even on another replica. Clicks are kept in
the engine's inbox (a short write shared by concurrent clicks) and acknowledged at once; their
turn runs right after, and a replay runs it should this process die first. Commands and form
submissions are acknowledged by the RequestPort right after the turn is committed (before the
first send), or at the end when nothing is sent — a form's errors are the acknowledgement.
Every listener is registered for every event the manifest subscribes to: an unhandled request
gets 404, which Slack retries.
"""

from __future__ import annotations

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

from bot.engine import Inbound
from bot.slack import inbound as tr
from bot.slack.home import publish_home
from bot.slack.port import RequestPort
from bot.slack.settings import COMMAND
from storage.db import is_unavailable

if TYPE_CHECKING:
    from bot.slack.app import SlackBot

log = logging.getLogger(__name__)
Body = dict[str, Any]


async def run_turn(
    bot: SlackBot,
    incoming: tr.Incoming | None,
    client: AsyncWebClient,
    ack: AsyncAck | None,
    *,
    submission: bool = False,
    durable_ack: bool = False,
) -> None:
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
    )
    if incoming is not None:
        conv = incoming.conv
        name = await bot.names.name(client, conv.workspace, conv.actor or "")
        inbound = replace(kept, user_name=name) if kept else _inbound(incoming, name)
        await bot.runtime.engine.handle(inbound, port)
    await port.acknowledge()  # a turn that failed is not acknowledged: Slack shows an error


def _inbound(incoming: tr.Incoming, user_name: str | None) -> Inbound:
    return Inbound(
        incoming.conv, incoming.event, user_name, incoming.channel_name, incoming.event_id
    )


Listener = Callable[..., Awaitable[None]]


def tracked(bot: SlackBot, listener: Listener) -> Listener:
    """The listener, leaving the in-flight count when it ends (bolt injects by the wrapped
    function's argument names)."""

    @functools.wraps(listener)
    async def run(**kwargs: Any) -> None:
        try:
            await listener(**kwargs)
        finally:
            bot.inflight.leave()

    return run


def register(app: AsyncApp, bot: SlackBot) -> None:
    async def command(body: Body, ack: AsyncAck, client: AsyncWebClient) -> None:
        await run_turn(bot, tr.from_command(body), client, ack)

    async def mention(body: Body, context: AsyncBoltContext, client: AsyncWebClient) -> None:
        await run_turn(bot, tr.from_message_event(body, context.bot_user_id), client, None)

    async def action(body: Body, ack: AsyncAck, client: AsyncWebClient) -> None:
        await run_turn(bot, tr.from_block_actions(body), client, ack, durable_ack=True)

    async def view(body: Body, ack: AsyncAck, client: AsyncWebClient) -> None:
        await run_turn(bot, tr.from_view_submission(body), client, ack, submission=True)

    async def home(event: Body, context: AsyncBoltContext, client: AsyncWebClient) -> None:
        workspace = context.team_id or context.enterprise_id
        if event.get("tab") == "home" and workspace and event.get("user"):
            await publish_home(bot.runtime, client, workspace, str(event["user"]))

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
    app.command(COMMAND, middleware=mw)(tracked(bot, command))
    app.event("app_mention", middleware=mw)(tracked(bot, mention))
    # message.im; other message events (edits, bots, ourselves) are acknowledged and ignored
    app.event("message", middleware=mw)(tracked(bot, mention))
    app.event("app_home_opened", middleware=mw)(tracked(bot, home))
    app.event("tokens_revoked", middleware=mw)(tracked(bot, revoked))
    app.event("app_uninstalled", middleware=mw)(tracked(bot, uninstalled))
    app.action(re.compile(".*"), middleware=mw)(tracked(bot, action))
    # modal submissions (callback id CALLBACK_ID; others are acknowledged, nothing happens)
    app.view(re.compile(".*"), middleware=mw)(tracked(bot, view))
