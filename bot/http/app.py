"""The one aiohttp application: health, readiness, metrics and every platform adapter's routes.

Adapters live in their own packages and expose `mount(app, runtime)`, which adds their routes
when their settings are present (see ADAPTERS). Every request passes `bot.http.slow`'s guard
(a slow client's headers and body are timed out) and `bot.http.observe`'s middleware (metrics
by route and outcome; 503 when the database cannot be reached).
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.http import board, pages
from bot.http.observe import observer
from bot.http.slow import GuardedSite, guard
from bot.metrics import REGISTRY
from bot.runtime import Runtime
from bot.teams.settings import is_loopback
from storage.migrate import is_current

log = logging.getLogger(__name__)

RUNTIME = web.AppKey("runtime", Runtime)
# The address `serve` listens on (absent in tests): adapters may refuse an unsafe one.
BIND_HOST = web.AppKey("bind_host", str)
ADAPTERS = ("bot.slack.mount", "bot.teams.mount")


async def healthz(_request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    runtime = request.app[RUNTIME]
    try:
        async with runtime.db.connect() as conn:
            await conn.execute(text("SELECT 1"))
        current = await is_current(runtime.db)
    except Exception as exc:  # any database failure means "not ready"
        log.warning("readiness check failed: %s", type(exc).__name__)
        return web.json_response({"status": "database unavailable"}, status=503)
    if not current:
        return web.json_response({"status": "migrations pending"}, status=503)
    return web.json_response({"status": "ready"})


async def metrics(_request: web.Request) -> web.Response:
    """Prometheus' text exposition of the bot's registry (LOVENDE_METRICS=false: no route)."""
    return web.Response(
        body=generate_latest(REGISTRY), headers={"Content-Type": CONTENT_TYPE_LATEST}
    )


def database_probe(db: AsyncEngine) -> Callable[[], Awaitable[None]]:
    """Check out a connection and give it back: PostgreSQL's pool pings it on checkout (and
    replaces a dead one), so this fails exactly when no working connection can be had."""

    async def probe() -> None:
        async with db.connect():
            pass

    return probe


async def _start_background(app: web.Application) -> None:
    await app[RUNTIME].start_background()  # the reminder scheduler


async def _stop_background(app: web.Application) -> None:
    await app[RUNTIME].stop_background()


def create_app(
    runtime: Runtime,
    adapters: tuple[str, ...] = ADAPTERS,
    *,
    background: bool = True,
    host: str | None = None,
) -> web.Application:
    observe = observer(database_probe(runtime.db), runtime.engine.answering)
    app = web.Application(middlewares=[guard(runtime.settings.http_body_timeout), observe])
    app[RUNTIME] = runtime
    if host is not None:
        app[BIND_HOST] = host
    if background:
        app.on_startup.append(_start_background)
        app.on_cleanup.append(_stop_background)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    if runtime.settings.metrics:
        app.router.add_get("/metrics", metrics)
    pages.mount(app, runtime.settings)  # /privacy and /terms
    board.mount(app, runtime)  # /tavle/{token}: the board (bot/board)
    for name in adapters:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue  # that adapter is not part of this build
        module.mount(app, runtime)
    return app


async def serve(runtime: Runtime, host: str, port: int) -> None:
    """Run until cancelled (Ctrl-C)."""
    import asyncio

    timeout = runtime.settings.http_header_timeout
    runner = await start_server(create_app(runtime, host=host), host, port, timeout)
    # With port 0 the system picks a free port: log the one actually bound (tests read it).
    log.info("listening on http://%s:%d", host, bound_port(runner) or port)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


async def start_server(
    app: web.Application, host: str, port: int, header_timeout: float
) -> web.AppRunner:
    """Serve `app` on host:port (0: a free port) until the runner is cleaned up, timing out
    clients whose headers are too slow (bot.http.slow)."""
    runner = web.AppRunner(app)
    await runner.setup()
    try:
        await GuardedSite(runner, host, port, header_timeout=header_timeout).start()
    except BaseException:  # (a port taken: the app's start-up is undone)
        await runner.cleanup()
        raise
    return runner


async def serve_board_here(runtime: Runtime, public_url: str) -> web.AppRunner | None:
    """The board's pages (and health) from this process, at the loopback address its `tavle`
    links name — for the console: a page it serves follows the console's own turns live (on
    SQLite the news of a committed turn stays in the process that applied it) and keeps the
    console's clock (`/tid`). None when the address is not this machine's, or its port is taken
    (a `lovende serve` there opens the links; its pages then need a reload for news)."""
    where = urlsplit(public_url)
    if where.scheme != "http" or not is_loopback(where.hostname) or where.port is None:
        return None
    host = where.hostname or "127.0.0.1"
    app = create_app(runtime, adapters=(), background=False, host=host)
    try:
        return await start_server(app, host, where.port, runtime.settings.http_header_timeout)
    except OSError:  # the port is taken
        return None


def bound_port(runner: web.AppRunner) -> int | None:
    bound = [a[1] for a in runner.addresses if isinstance(a, tuple) and len(a) >= 2]
    return int(bound[0]) if bound else None
