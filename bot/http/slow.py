"""Slow clients are timed out by the app itself: their headers, then their body.

aiohttp 3.14's server has no timeout for reading a request. Its keep-alive timeout closes a
connection that sits idle between requests, but a client that sends a byte every few seconds is
never idle, and a body is read by the handler at the client's pace. 400 such clients held 415
file descriptors indefinitely. Two guards, each closing the socket and logging one line (no
request content, no traceback):

- **Headers** (`LOVENDE_HTTP_HEADER_TIMEOUT`): `GuardedHandler`, aiohttp's protocol for one
  connection, starts a timer when the connection opens and when the first byte of a next
  request arrives; `guard`, the app's outermost middleware, stops it when aiohttp hands it a
  request, i.e. once the headers are parsed. If the timer fires first, the connection is
  closed. Served by `GuardedSite` (what `serve` binds); apps served otherwise (tests' servers)
  have the body guard only.
- **Body** (`LOVENDE_HTTP_BODY_TIMEOUT`): `guard` reads the whole body (up to aiohttp's
  `client_max_size`) within the timeout before any handler runs; handlers get it from aiohttp's
  cache (`read`, `text`, `json`, `post` of a form). Too slow: 408, and the connection is closed
  without waiting for the rest (aiohttp would otherwise linger reading it).

Idle keep-alive connections are closed after `KEEPALIVE_SECONDS` (aiohttp's own timer; its
default is an hour).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

log = logging.getLogger(__name__)

KEEPALIVE_SECONDS = 75.0  # as `web.run_app`; longer than the proxies in front of us keep theirs


class GuardedHandler(web.RequestHandler):
    """One connection: closed when a request's headers take longer than `header_timeout`."""

    def __init__(self, manager: web.Server, *, header_timeout: float, **kwargs: Any) -> None:
        super().__init__(manager, **kwargs)
        self.header_timeout = header_timeout
        self._header_timer: asyncio.TimerHandle | None = None
        self._in_request = False

    # ---- asyncio.Protocol ----
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        self._arm()  # a connection that never sends a whole request is closed too

    def data_received(self, data: bytes) -> None:
        if not self._in_request and self._header_timer is None:
            self._arm()  # the first byte of a next request on a kept-alive connection
        super().data_received(data)

    def connection_lost(self, exc: BaseException | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    # ---- called by `guard` ----
    def headers_read(self) -> None:
        self._disarm()
        self._in_request = True

    def request_done(self) -> None:
        self._in_request = False

    # ---- the timer ----
    def _arm(self) -> None:
        self._disarm()
        loop = asyncio.get_running_loop()
        self._header_timer = loop.call_later(self.header_timeout, self._expired)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _expired(self) -> None:
        self._header_timer = None
        log.warning(
            "slow client: request headers not complete after %.0f s; connection closed",
            self.header_timeout,
        )
        self.force_close()


def guard(body_timeout: float) -> Middleware:
    """The outermost middleware: stops the header timer, reads the body within its timeout."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        protocol = request.protocol
        guarded = protocol if isinstance(protocol, GuardedHandler) else None
        if guarded is not None:
            guarded.headers_read()
        try:
            if request.body_exists:
                try:
                    async with asyncio.timeout(body_timeout):
                        await request.read()  # kept by aiohttp for the handler
                except TimeoutError:
                    log.warning(
                        "slow client: request body not complete after %.0f s; connection closed",
                        body_timeout,
                    )
                    return await _timed_out(request)
            return await handler(request)
        finally:
            if guarded is not None:
                guarded.request_done()

    return middleware


async def _timed_out(request: web.Request) -> web.StreamResponse:
    """Answer 408 and close at once (aiohttp would read the rest of the body for a while)."""
    response = web.Response(status=408, text="request timeout")
    response.force_close()
    await response.prepare(request)
    await response.write_eof()
    request.protocol.force_close()
    return response


class GuardedSite(web.BaseSite):
    """A TCP site like `web.TCPSite` whose connections are `GuardedHandler`s."""

    def __init__(
        self,
        runner: web.BaseRunner,
        host: str,
        port: int,
        *,
        header_timeout: float,
        keepalive_timeout: float = KEEPALIVE_SECONDS,
    ) -> None:
        super().__init__(runner)
        self.host, self.port = host, port
        self.header_timeout, self.keepalive_timeout = header_timeout, keepalive_timeout

    @property
    def name(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def start(self) -> None:
        await super().start()
        server = self._runner.server
        if server is None:
            raise RuntimeError("call runner.setup() before starting a site")
        loop = asyncio.get_running_loop()

        def connection() -> GuardedHandler:
            return GuardedHandler(
                server,
                loop=loop,
                header_timeout=self.header_timeout,
                keepalive_timeout=self.keepalive_timeout,
            )

        self._server = await loop.create_server(
            connection, self.host, self.port, backlog=self._backlog, reuse_address=True
        )
