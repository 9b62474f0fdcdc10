"""One aiohttp middleware for every request: Prometheus counts and latency by route and outcome,
and the 503 answer when the database cannot be reached.

Route labels are the matched resource's canonical path (`/slack/events`,
`/teams/files/{token}`), never the path itself, so ids and tokens cannot become labels;
requests no route matches are `unmatched`. Outcomes: ok (< 400), unauthorized (401, 403),
client_error (other 4xx, and a client that went away), unavailable (503), server_error (other
5xx, or a handler that raised).

Database unavailable → 503, never a half-done turn:
- Slack's Events API (JSON bodies at `/slack/events`) is acknowledged by bolt *before* its
  listener runs, and Teams' activities are answered by botbuilder after its error handler has
  swallowed the failure. For those requests the middleware checks that a database connection
  can be had first (a pool checkout, which pings PostgreSQL) and answers 503 when not — Slack
  then retries the event.
- Form submissions are acknowledged only after their turn is committed; commands, mentions
  and clicks only after they are kept in the inbox (bot/inbox.py); when that fails because
  the database went away, bolt's error handler answers 503.
- Any other handler that lets such an error escape gets 503 here.
Nothing is cached about the outage: the next request tries again, so the bot recovers by itself
when the database is back (the engine's pool replaces dead connections at checkout).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from time import perf_counter

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from bot.metrics import HTTP_LATENCY, HTTP_REQUESTS
from bot.priority import Answering
from storage.db import is_unavailable

log = logging.getLogger(__name__)

Probe = Callable[[], Awaitable[None]]  # raises when no database connection can be had

UNMATCHED = "unmatched"
PROBE_SECONDS = 2.0  # Slack waits 3 s for an answer
RETRY_AFTER_SECONDS = 5
CLIENT_GONE = 499  # as nginx logs it: the client closed the connection before the answer


def route_of(request: web.Request) -> str:
    resource = request.match_info.route.resource
    return resource.canonical if resource is not None else UNMATCHED


def outcome_of(status: int) -> str:
    if status < 400:
        return "ok"
    if status in (401, 403):
        return "unauthorized"
    if status == 503:
        return "unavailable"
    return "client_error" if status < 500 else "server_error"


def answered_before_work(request: web.Request, route: str) -> bool:
    """Requests whose answer does not wait for their turn's transaction (see the module doc)."""
    if route == "/slack/events":
        return request.content_type == "application/json"
    return route == "/api/messages"


def unavailable() -> web.Response:
    return web.json_response(
        {"status": "database unavailable"},
        status=503,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


async def _reachable(probe: Probe) -> bool:
    try:
        async with asyncio.timeout(PROBE_SECONDS):
            await probe()
    except TimeoutError:
        return False
    except Exception as exc:
        if not is_unavailable(exc):
            raise
        return False
    return True


def observer(probe: Probe | None = None, answering: Answering | None = None) -> Middleware:
    """The middleware; `probe` checks the database (None: no check before the handler);
    `answering` counts the requests in progress (see bot/priority.py)."""

    @web.middleware
    async def observe(request: web.Request, handler: Handler) -> web.StreamResponse:
        route = route_of(request)
        started = perf_counter()
        status = CLIENT_GONE  # unless an answer or an exception says otherwise
        if answering is not None:
            answering.enter()
        try:
            if probe is not None and answered_before_work(request, route):
                if not await _reachable(probe):
                    log.warning("database unavailable: %s answered 503", route)
                    status = 503
                    return unavailable()
            response = await handler(request)
            status = response.status
            return response
        except web.HTTPException as exc:
            status = exc.status
            raise
        except Exception as exc:
            if is_unavailable(exc):
                log.warning("database unavailable: %s answered 503 (%s)", route, type(exc).__name__)
                status = 503
                return unavailable()
            status = 500
            raise
        finally:
            if answering is not None:
                answering.leave()
            HTTP_REQUESTS.labels(route, outcome_of(status)).inc()
            HTTP_LATENCY.labels(route).observe(perf_counter() - started)

    return observe
