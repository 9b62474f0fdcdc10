"""Mount the Teams adapter on the one aiohttp app: POST /api/messages, GET /teams/files/{token}.

`mount` does nothing when no Teams setting is given (console/Slack-only deployments), refuses
to start (ConfigError naming the variable) when the settings are unsafe or incomplete, and
otherwise registers `runtime.ports["teams"]` so reminders can reach Teams without a request.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlparse

import jwt
from aiohttp import web
from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import (
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
)
from botbuilder.schema import Activity, ActivityTypes

from bot.http.app import BIND_HOST
from bot.runtime import Runtime
from bot.teams import speedups
from bot.teams.files import ROUTE, FileLinks
from bot.teams.handler import LovendeTeamsBot, described
from bot.teams.keys import FAILURE_TTL, KeyRegistry, KeysUnavailable
from bot.teams.pacing import Pacer
from bot.teams.port import TeamsPort
from bot.teams.settings import TeamsSettings, is_loopback, load_teams_settings
from bot.teams.store import TeamsStore
from dialogs.i18n import t
from storage.db import is_unavailable

log = logging.getLogger(__name__)


@dataclass
class TeamsApp:
    settings: TeamsSettings
    adapter: CloudAdapter
    bot: LovendeTeamsBot
    port: TeamsPort
    files: FileLinks

    async def messages(self, request: web.Request) -> web.StreamResponse:
        if "application/json" not in request.headers.get("Content-Type", ""):
            raise web.HTTPUnsupportedMediaType()
        if self.settings.local_only:
            await refuse_beyond_this_machine(request)
        try:
            # Message activities are kept in the inbox and answered at once, their turns
            # running after (handler.py); invokes that need a body would be answered here.
            response = await self.adapter.process(request, self.bot)
        except (jwt.PyJWTError, PermissionError) as exc:
            # botbuilder answers 401 for a missing or foreign token but lets a malformed one
            # escape as a decoding error (a 500): it is just as unauthorized.
            raise web.HTTPUnauthorized() from exc
        except KeysUnavailable as exc:  # Microsoft's keys out of reach: the Bot Connector retries
            raise web.HTTPServiceUnavailable(headers={"Retry-After": f"{FAILURE_TTL:.0f}"}) from exc
        return response or web.Response(status=201)

    async def settle(self) -> None:
        """Wait for the turns running after their answer (tests; the shutdown)."""
        await self.bot.settle()

    async def drain(self, _app: web.Application) -> None:
        await self.settle()
        await self.port.close()


TEAMS = web.AppKey("teams", TeamsApp)


async def refuse_beyond_this_machine(request: web.Request) -> None:
    """TEAMS_LOCAL_DEV (no authentication): only this machine may talk to the bot, directly
    (not through a proxy or tunnel, which add forwarding headers), and the bot answers only a
    Bot Connector on this machine — never a serviceUrl the unauthenticated caller names."""
    proxied = "Forwarded" in request.headers or "X-Forwarded-For" in request.headers
    if proxied or not is_loopback(request.remote):
        log.warning("Teams (TEAMS_LOCAL_DEV): a request from beyond this machine was refused")
        raise web.HTTPForbidden(text="TEAMS_LOCAL_DEV: only requests from this machine")
    try:
        body = await request.json()  # aiohttp keeps the body: CloudAdapter reads it again
    except ValueError as exc:
        raise web.HTTPBadRequest() from exc
    service_url = body.get("serviceUrl") if isinstance(body, dict) else None
    where = urlparse(service_url) if isinstance(service_url, str) else None
    if where is None or where.scheme not in ("http", "https") or not is_loopback(where.hostname):
        log.warning("Teams (TEAMS_LOCAL_DEV): an activity for a serviceUrl beyond loopback")
        raise web.HTTPForbidden(text="TEAMS_LOCAL_DEV: serviceUrl must be on this machine")


async def on_turn_error(context: TurnContext, error: Exception) -> None:
    """A failure before the answer (the activity could not be kept): nothing was stored."""
    log.error("Teams turn failed: %s at %s", *described(error))
    if context.activity and context.activity.type == ActivityTypes.message:
        try:
            await context.send_activity(Activity(type="message", text=t("da", "teams.error")))
        except Exception as exc:  # the apology itself failed: nothing more to do
            log.error("could not report the failure: %s", type(exc).__name__)
    if is_unavailable(error):  # answered 503 by bot.http.observe: Teams may try again
        raise error


def mount(
    app: web.Application,
    runtime: Runtime,
    settings: TeamsSettings | None = None,
    *,
    pacer: Pacer | None = None,
    keys: KeyRegistry | None = None,
) -> TeamsApp | None:
    settings = settings if settings is not None else load_teams_settings()
    if not settings.configured:
        return None
    settings.check()
    host = app.get(BIND_HOST)
    if host is not None:
        settings.check_bind(host)
    speedups.apply()
    if not settings.authenticated:
        log.warning("Teams: TEAMS_LOCAL_DEV=true and no app id – requests are NOT authenticated")
    if not settings.public_url:
        log.warning("Teams: TEAMS_PUBLIC_URL is not set – charts and files are shown as text")
    keys = keys or KeyRegistry()
    keys.install()  # Microsoft's signing keys, fetched without blocking anything
    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(settings.botbuilder_config()))
    adapter.on_turn_error = on_turn_error
    clock = runtime.engine.clock
    store = TeamsStore(runtime.sessions, clock)
    files = FileLinks(store, clock, settings.public_url, timedelta(hours=settings.file_ttl_hours))
    port = TeamsPort(adapter, settings.app_id, store, clock, files, pacer)
    bot = LovendeTeamsBot(runtime.engine, port)
    teams = TeamsApp(settings, adapter, bot, port, files)
    app[TEAMS] = teams
    app.router.add_post("/api/messages", teams.messages)
    app.router.add_get(ROUTE, files.serve)
    app.on_cleanup.append(teams.drain)
    app.on_cleanup.append(lambda _app: _uninstall(keys))
    runtime.ports["teams"] = port
    return teams


async def _uninstall(keys: KeyRegistry) -> None:
    keys.uninstall()
