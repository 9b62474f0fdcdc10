"""`lovende serve --socket-mode`: the same Slack app over a Socket Mode WebSocket (for
development without a public URL; needs SLACK_APP_TOKEN), beside the web app for health,
readiness and the other adapters."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

from bot.http.app import ADAPTERS, create_app
from bot.runtime import Runtime
from bot.settings import ConfigError
from bot.slack.app import SlackBot, build_slack
from bot.slack.pacing import Timing
from bot.slack.settings import load_slack_settings

log = logging.getLogger(__name__)


async def connect(
    runtime: Runtime, timing: Timing | None = None
) -> tuple[SlackBot, AsyncSocketModeHandler]:
    settings = load_slack_settings(socket_mode=True)
    if settings is None or settings.app_token is None:
        raise ConfigError("SLACK_APP_TOKEN: mangler (kræves af --socket-mode)")
    slack = build_slack(runtime, settings, timing)
    await slack.open()
    runtime.ports["slack"] = slack.port
    handler = AsyncSocketModeHandler(slack.app, settings.app_token.get_secret_value())
    await handler.connect_async()  # type: ignore[no-untyped-call]
    return slack, handler


async def serve_socket_mode(runtime: Runtime, host: str, port: int) -> None:
    """Run until cancelled: Slack over Socket Mode, the rest of the web app on host:port."""
    slack, handler = await connect(runtime)
    others = tuple(a for a in ADAPTERS if a != "bot.slack.mount")
    runner = web.AppRunner(create_app(runtime, others))
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    log.info("Slack over Socket Mode; health on http://%s:%d", host, port)
    try:
        await asyncio.Event().wait()
    finally:
        await handler.close_async()  # type: ignore[no-untyped-call]
        await slack.idle()
        await slack.close()
        await runner.cleanup()
