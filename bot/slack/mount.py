"""Slack's routes in our aiohttp app: `POST /slack/events` (events, interactivity and the slash
command share it) and, in OAuth mode, `GET /slack/install` and `GET /slack/oauth_redirect`.

Without any SLACK_* variable nothing is mounted. A request to `/slack/events` is verified
before its body is read (bot/slack/verify.py): 401 when the signature is forged, missing or
older than 5 minutes (or its timestamp no number), 400 when a signed body does not parse or
is not shaped as Slack shapes it. Only then is it translated into a bolt request (bolt checks
the signature again); the response translation is bolt's own aiohttp adapter.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import Clock

from bot.runtime import Runtime
from bot.slack.app import SlackBot, build_slack
from bot.slack.pacing import Timing
from bot.slack.settings import SlackSettings, load_slack_settings
from bot.slack.verify import problem, signed

log = logging.getLogger(__name__)

SLACK = web.AppKey("slack", SlackBot)
EVENTS_PATH = "/slack/events"
DRAIN_SECONDS = 10.0


def bolt_request(request: web.Request, raw: bytes) -> AsyncBoltRequest | None:
    """The bolt request of a verified body, or None when the body does not parse into an
    object (bolt parses it as it is built, and reads its ids from it)."""
    try:
        built = AsyncBoltRequest(
            body=raw.decode("utf-8"),
            query=request.query_string,
            headers=request.headers,  # type: ignore[arg-type]
        )
    except (ValueError, TypeError, AttributeError, KeyError, IndexError):
        return None  # not UTF-8, not JSON, a list or a string where bolt reads an object…
    return built if isinstance(built.body, dict) else None


def routes(slack: SlackBot, wall: Callable[[], float] | None = None) -> list[web.RouteDef]:
    """The routes; `wall`: the time signatures are checked against (default: the clock of
    slack_sdk's verifier, which bolt checks them against again)."""
    wall = wall or (lambda: Clock().now())
    secret = slack.settings.signing_secret
    key = secret.get_secret_value() if secret is not None else ""

    async def events(request: web.Request) -> web.Response:
        raw = await request.read()
        if not signed(key, request.headers, raw, wall()):
            log.info("Slack request refused: signature missing, forged or stale")
            return web.Response(status=401, text="invalid request signature")
        built = bolt_request(request, raw)
        reason = "body" if built is None else problem(built.body)
        if built is None or reason is not None:
            log.warning("Slack request refused: malformed %s", reason)
            return web.Response(status=400, text="malformed request")
        return await to_aiohttp_response(await slack.app.async_dispatch(built))

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
