"""Slack's routes in our aiohttp app: `POST /slack/events` (events, interactivity and the slash
command share it) and, in OAuth mode, `GET /slack/install` and `GET /slack/oauth_redirect`.

Without any SLACK_* variable nothing is mounted. The request and response translation is
bolt's own aiohttp adapter; bolt verifies the signature (401 when forged or older than 5 min).
"""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request

from bot.runtime import Runtime
from bot.slack.app import SlackBot, build_slack
from bot.slack.pacing import Timing
from bot.slack.settings import SlackSettings, load_slack_settings

log = logging.getLogger(__name__)

SLACK = web.AppKey("slack", SlackBot)
EVENTS_PATH = "/slack/events"
DRAIN_SECONDS = 10.0


def routes(slack: SlackBot) -> list[web.RouteDef]:
    async def events(request: web.Request) -> web.Response:
        response = await slack.app.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(response)

    defs = [web.post(EVENTS_PATH, events)]
    flow = slack.app.oauth_flow
    if flow is not None:

        async def install(request: web.Request) -> web.Response:
            return await to_aiohttp_response(
                await flow.handle_installation(await to_bolt_request(request))
            )

        async def redirect(request: web.Request) -> web.Response:
            return await to_aiohttp_response(
                await flow.handle_callback(await to_bolt_request(request))
            )

        defs += [web.get(flow.install_path, install), web.get(flow.redirect_uri_path, redirect)]
    return defs


def mount(
    app: web.Application,
    runtime: Runtime,
    settings: SlackSettings | None = None,
    timing: Timing | None = None,
) -> SlackBot | None:
    """Add Slack to the web app when configured; register the Slack port for proactive sends."""
    settings = settings or load_slack_settings()
    if settings is None:
        return None
    slack = build_slack(runtime, settings, timing)
    app[SLACK] = slack
    app.add_routes(routes(slack))
    runtime.ports["slack"] = slack.port

    async def drain(_app: web.Application) -> None:
        """Let turns that were acknowledged finish their sends before the process ends."""
        try:
            async with asyncio.timeout(DRAIN_SECONDS):
                await slack.idle()
        except TimeoutError:
            log.warning("stopping with %d Slack requests unfinished", slack.inflight.count)

    async def open_session(_app: web.Application) -> None:
        await slack.open()

    async def close(_app: web.Application) -> None:
        await slack.close()

    app.on_startup.append(open_session)
    app.on_shutdown.append(drain)
    app.on_cleanup.append(close)
    mode = "OAuth (flere workspaces)" if settings.oauth else "ét workspace"
    log.info("Slack mounted at %s, %s", EVENTS_PATH, mode)
    return slack
