"""The bolt AsyncApp for our runtime: one workspace (bot token) or many (OAuth, with slack-sdk's
SQLAlchemy installation and state stores in our own database, tables created by migration
0002_slack)."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.listener.async_builtins import AsyncTokenRevocationListeners
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from slack_sdk.web.async_client import AsyncWebClient

from bot.ports import DeliveryError
from bot.runtime import Runtime
from bot.slack.client import web_client
from bot.slack.listeners import register
from bot.slack.names import Names
from bot.slack.origin import OriginKey
from bot.slack.pacing import Pacer, Timing
from bot.slack.port import SlackPort
from bot.slack.respond import Responder
from bot.slack.settings import BOT_SCOPES, SlackSettings
from bot.slack.verify import Guard
from dialogs.i18n import t
from storage.files import GeneratedFiles
from storage.slack_outbox import SentPartsStore

log = logging.getLogger(__name__)
STATE_SECONDS = 600


@dataclass
class InFlight:
    """Requests being worked on; `idle()` returns when there are none (tests, shutdown)."""

    count: int = 0
    _idle: asyncio.Event = field(default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        self._idle.set()

    def enter(self) -> None:
        self.count += 1
        self._idle.clear()

    def leave(self) -> None:
        self.count -= 1
        if self.count <= 0:
            self.count = 0
            self._idle.set()

    async def idle(self) -> None:
        await self._idle.wait()


@dataclass
class SlackBot:
    runtime: Runtime
    settings: SlackSettings
    app: AsyncApp
    port: SlackPort
    names: Names
    store: AsyncSQLAlchemyInstallationStore | None
    session: aiohttp.ClientSession | None = None
    inflight: InFlight = field(default_factory=InFlight)
    tasks: set[asyncio.Task[None]] = field(default_factory=set)  # listeners still running
    responder: Responder | None = None  # words to a person through a request's response_url

    async def open(self) -> None:
        """Share one HTTP session (kept-alive connections to Slack) among all clients: bolt
        copies the app client's session into each request's client."""
        if self.session is None:
            self.session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
            self.app.client.session = self.session

    async def idle(self) -> None:
        await self.inflight.idle()

    async def close(self) -> None:
        if self.session is not None:
            await self.session.close()
            self.session = None
            self.app.client.session = None

    async def forget_tokens(self, context: AsyncBoltContext, event: dict[str, Any] | None) -> None:
        """`app_uninstalled` (event None) or `tokens_revoked`: delete what the store holds."""
        workspace = context.team_id or context.enterprise_id or ""
        self.port.dm_cache.pop(workspace, None)
        if self.store is None:
            log.warning("Slack tokens revoked or app uninstalled; remove SLACK_BOT_TOKEN")
            return
        listeners = AsyncTokenRevocationListeners(self.store)
        if event is None:
            await listeners.handle_app_uninstalled_events(context)
        else:
            await listeners.handle_tokens_revoked_events(event, context)
        log.info("Slack installation tokens removed for a workspace")


def build_app(settings: SlackSettings, client: AsyncWebClient, runtime: Runtime) -> AsyncApp:
    secret = settings.signing_secret.get_secret_value() if settings.signing_secret else ""
    if not settings.oauth:
        return AsyncApp(
            name="lovende", client=client, signing_secret=secret, process_before_response=True
        )
    assert settings.client_id is not None and settings.client_secret is not None
    store = AsyncSQLAlchemyInstallationStore(client_id=settings.client_id, engine=runtime.db)
    oauth = AsyncOAuthSettings(
        client_id=settings.client_id,
        client_secret=settings.client_secret.get_secret_value(),
        scopes=list(BOT_SCOPES),
        redirect_uri=settings.redirect_uri,
        installation_store=store,
        installation_store_bot_only=True,
        state_store=AsyncSQLAlchemyOAuthStateStore(STATE_SECONDS, runtime.db),
        state_expiration_seconds=STATE_SECONDS,
    )
    return AsyncApp(
        name="lovende",
        client=client,
        signing_secret=secret,
        oauth_settings=oauth,
        installation_store_bot_only=True,
        process_before_response=True,  # see bot/slack/listeners.py
    )


def origin_key(settings: SlackSettings) -> OriginKey | None:
    """The key that signs the channel in DM buttons: from the signing secret (from the app
    token in Socket Mode, which may run without one)."""
    secret = settings.signing_secret or settings.app_token
    if secret is None:
        log.warning("no Slack secret to sign DM buttons with: their clicks stay in the DM")
        return None
    return OriginKey.from_secret(secret.get_secret_value())


def build_slack(
    runtime: Runtime, settings: SlackSettings, timing: Timing | None = None
) -> SlackBot:
    timing = timing or Timing()
    token = settings.bot_token.get_secret_value() if settings.bot_token else None
    client = web_client(settings.api_base_url, token, timing, None)
    app = build_app(settings, client, runtime)
    store = app.installation_store if settings.oauth else None
    assert store is None or isinstance(store, AsyncSQLAlchemyInstallationStore)

    async def client_for(workspace: str) -> AsyncWebClient:
        if store is None:
            return client
        bot = await store.async_find_bot(enterprise_id=None, team_id=workspace)
        if bot is None or not bot.bot_token:
            raise DeliveryError("the app is not installed in that workspace", retryable=False)
        return web_client(settings.api_base_url, bot.bot_token, timing, client.session)

    close = t(runtime.settings.language, "slack.close")
    key = origin_key(settings)
    clock = runtime.engine.clock
    files = GeneratedFiles(runtime.sessions).read
    sent_parts = SentPartsStore(runtime.sessions)

    def wall() -> float:
        return clock.now().timestamp()

    port = SlackPort(client_for, Pacer(timing), close, files, sent_parts, key, wall)
    slack = SlackBot(runtime, settings, app, port, Names(timing), store)
    slack.responder = Responder(lambda: slack.session, settings.api_base_url)
    app.use(Guard(t(runtime.settings.language, "slack.other_workspace")).middleware)
    if key is not None:
        app.use(key.middleware)  # before the listeners: a DM click's verified channel
    register(app, slack)
    return slack
