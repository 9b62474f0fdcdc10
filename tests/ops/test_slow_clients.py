"""Slow clients are timed out by the app itself (issue 15, point 12).

The app is served as `lovende serve` serves it (`bot.http.app.start_server`: the one aiohttp
app, the guarded site) on an ephemeral port, with short timeouts from the settings. Raw
asyncio sockets play the clients: one stalls in the middle of a header line, one drips its
headers a byte at a time, one sends its headers and then its body too slowly (stalling, or
dripping). Each is disconnected after the timeout — dripping does not keep a connection alive —
with one log line and no traceback, and the server holds no connection for them afterwards.
Normal requests (with a body, kept alive, slower to answer than the header timeout) work.

No sleeps: the dripping clients wait for the server's answer between bytes (a bounded poll).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from aiohttp import web

from bot.http.app import bound_port, create_app, start_server
from bot.runtime import Runtime, build_runtime
from bot.settings import load_settings

HEADER_TIMEOUT = 0.4
BODY_TIMEOUT = 0.4
BOUND = 5.0  # seconds: far beyond the timeouts, well below "indefinitely"
SECRET = "Hemmelig sagsnote 010203-1234"  # request content that must never be logged


@dataclass
class Served:
    runtime: Runtime
    runner: web.AppRunner
    port: int
    release: asyncio.Event  # lets the slow handler answer

    async def connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        return await asyncio.open_connection("127.0.0.1", self.port)

    def connections(self) -> int:
        server = self.runner.server
        assert server is not None
        return len(server.connections)


@pytest.fixture
async def served(sqlite_url: str) -> AsyncIterator[Served]:
    settings = load_settings(
        database_url=sqlite_url,
        http_header_timeout=str(HEADER_TIMEOUT),
        http_body_timeout=str(BODY_TIMEOUT),
    )
    runtime = await build_runtime(settings)
    app = create_app(runtime, adapters=(), background=False)
    release = asyncio.Event()

    async def echo(request: web.Request) -> web.Response:
        return web.Response(text=f"{len(await request.text())} bytes")

    async def slow(_request: web.Request) -> web.Response:
        await release.wait()
        return web.Response(text="done")

    app.router.add_post("/echo", echo)
    app.router.add_get("/slow", slow)
    runner = await start_server(app, "127.0.0.1", 0, settings.http_header_timeout)
    port = bound_port(runner)
    assert port
    try:
        yield Served(runtime, runner, port, release)
    finally:
        await runner.cleanup()
        await runtime.close()


async def closed_after(
    reader: asyncio.StreamReader, drip: bytes = b"", writer: asyncio.StreamWriter | None = None
) -> tuple[bytes, float]:
    """Everything the server sends until it closes, and how long that took. With `drip`, one
    byte of it is sent each time the server has said nothing for 50 ms."""
    started = time.monotonic()
    received = b""
    while time.monotonic() - started < BOUND:
        try:
            chunk = await asyncio.wait_for(reader.read(1024), 0.05)
        except TimeoutError:
            if drip and writer is not None:
                writer.write(drip[:1])
                drip = drip[1:] or drip  # keep dripping the last byte
                await writer.drain()
            continue
        except ConnectionResetError:
            return received, time.monotonic() - started
        if not chunk:
            return received, time.monotonic() - started
        received += chunk
    raise AssertionError(f"still connected after {BOUND} s")


async def no_connections_left(served: Served) -> None:
    deadline = time.monotonic() + BOUND
    while served.connections():
        assert time.monotonic() < deadline, f"{served.connections()} connections still held"
        await asyncio.sleep(0)


def slow_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if "slow client" in r.getMessage()]


def assert_clean(caplog: pytest.LogCaptureFixture) -> None:
    for record in caplog.records:
        assert record.exc_info is None and record.exc_text is None, record.getMessage()
        assert record.levelno < logging.ERROR, record.getMessage()
        assert SECRET not in record.getMessage()


async def hung_up_as_slow(
    served: Served, caplog: pytest.LogCaptureFixture, writer: asyncio.StreamWriter, stage: str = ""
) -> None:
    """After the server hung up on our client: no connection is left, and one "slow client"
    line was logged (naming the `stage` it was slow in), and nothing worse."""
    writer.close()
    await no_connections_left(served)
    (line,) = slow_lines(caplog)
    assert stage in line.getMessage()
    assert_clean(caplog)


async def test_a_client_stalling_in_a_header_line_is_disconnected(
    served: Served, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    reader, writer = await served.connect()
    writer.write(b"POST /echo HTTP/1.1\r\nHost: x\r\nX-Note: " + SECRET.encode()[:9])
    await writer.drain()
    received, took = await closed_after(reader)
    assert received == b"" and took >= HEADER_TIMEOUT * 0.9
    await hung_up_as_slow(served, caplog, writer, "headers")


async def test_a_client_dripping_its_headers_is_disconnected(
    served: Served, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    reader, writer = await served.connect()
    headers = b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"X-Pad: " + b"a" * 4000
    received, took = await closed_after(reader, drip=headers, writer=writer)
    assert received == b"" and HEADER_TIMEOUT * 0.9 <= took < BOUND
    await hung_up_as_slow(served, caplog, writer)


@pytest.mark.parametrize("drip", [False, True], ids=["stalling", "dripping"])
async def test_a_client_sending_its_body_too_slowly_gets_408_and_is_disconnected(
    served: Served, caplog: pytest.LogCaptureFixture, drip: bool
) -> None:
    caplog.set_level(logging.DEBUG)
    reader, writer = await served.connect()
    body = f"note={SECRET}".encode() * 100
    writer.write(
        b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        + f"Content-Length: {len(body)}\r\n\r\n".encode()
        + body[:1]
    )
    await writer.drain()
    received, took = await closed_after(reader, drip=body[1:] if drip else b"", writer=writer)
    assert received.startswith(b"HTTP/1.1 408 "), received[:40]
    assert b"Connection: close" in received
    assert BODY_TIMEOUT * 0.9 <= took < BOUND
    await hung_up_as_slow(served, caplog, writer, "body")


async def test_normal_requests_work_kept_alive_and_slower_than_the_header_timeout(
    served: Served, caplog: pytest.LogCaptureFixture
) -> None:
    """A request with a body is answered; a second request on the same connection too; and
    a request the app takes longer than the header timeout to answer is not cut off."""
    caplog.set_level(logging.DEBUG)
    reader, writer = await served.connect()
    body = b"x" * 5000
    request = (
        b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
        + f"Content-Length: {len(body)}\r\n\r\n".encode()
        + body
    )
    for _ in range(2):  # kept alive
        writer.write(request)
        await writer.drain()
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), BOUND)
        assert head.startswith(b"HTTP/1.1 200 "), head
        length = int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0])
        assert await asyncio.wait_for(reader.readexactly(length), BOUND) == b"5000 bytes"

    # The slow answer: released only once a stalled client (started at the same time) has
    # been cut off, i.e. after the header timeout.
    slow_reader, slow_writer = await served.connect()
    slow_writer.write(b"GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
    stalled_reader, stalled_writer = await served.connect()
    stalled_writer.write(b"GET /healthz HTT")
    await slow_writer.drain()
    await stalled_writer.drain()
    assert (await closed_after(stalled_reader))[0] == b""
    served.release.set()
    head = await asyncio.wait_for(slow_reader.readuntil(b"\r\n\r\n"), BOUND)
    assert head.startswith(b"HTTP/1.1 200 "), head
    for w in (writer, slow_writer, stalled_writer):
        w.close()
    await no_connections_left(served)
    assert len(slow_lines(caplog)) == 1  # the stalled client's only
    assert_clean(caplog)


async def test_the_timeouts_are_settings_with_sane_defaults() -> None:
    settings = load_settings()
    assert (settings.http_header_timeout, settings.http_body_timeout) == (10.0, 30.0)
    assert load_settings(http_body_timeout="2.5").http_body_timeout == 2.5
