"""Fixtures for the operations tests (metrics, database outages).

The Slack request builders and the fake Slack Web API come from the package's kit
(bot.slack.testing); the reminder helpers of tests/reminders are imported by module name: test
folders are not packages.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

TESTS = Path(__file__).resolve().parent.parent
for folder in ("reminders",):
    if str(TESTS / folder) not in sys.path:
        sys.path.append(str(TESTS / folder))

from pg_proxy import TcpProxy  # noqa: E402
from pgtest import fresh_database  # noqa: E402

from bot.slack.testing.api import FakeSlack  # noqa: E402


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack(people={"U1": "Anna", "U2": "Bo"}) as server:
        yield server


@pytest.fixture
async def sqlite_threads_finish() -> AsyncIterator[None]:
    """Wait, at the end of the test, for the worker threads of the test's SQLite connections.

    aiosqlite stops the thread of a connection that failed to open without waiting for it; if
    the test's event loop is closed first, the thread's last callback fails with "Event loop
    is closed" (a warning in some later test). Joining is waiting for an event, not a sleep."""
    before = set(threading.enumerate())
    yield
    for thread in set(threading.enumerate()) - before:
        if "_connection_worker_thread" in thread.name:
            await asyncio.to_thread(thread.join, 10)


@pytest.fixture
async def pg_url() -> AsyncIterator[str]:
    """A new PostgreSQL database of its own (the test server from scripts/postgres.sh)."""
    async with fresh_database("lovende_ops") as url:
        yield url


@pytest.fixture
async def proxy(pg_url: str) -> AsyncIterator[tuple[TcpProxy, str]]:
    """A proxy in front of the database (`cut` makes it go away), and the database URL that
    goes through it."""
    server = urlsplit(pg_url)
    assert server.hostname is not None and server.port is not None
    tcp = TcpProxy(server.hostname, server.port)
    await tcp.start()
    try:
        yield tcp, pg_url.replace(f":{server.port}/", f":{tcp.port}/")
    finally:
        await tcp.close()
