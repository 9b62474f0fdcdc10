"""Fixtures for the process tests: the Slack fake (bot.slack.testing), an HTTP client, a fresh
PostgreSQL database per test, and cleanup that always ends the children we started."""

from __future__ import annotations

import sys
import uuid
from collections.abc import AsyncIterator

import aiohttp
import pytest
from proc_harness import (
    Replica,
    WatchedSlack,
    create_database,
    drop_database,
    postgres_server,
    url_for,
)


@pytest.fixture
async def slack_api() -> AsyncIterator[WatchedSlack]:
    server = WatchedSlack()
    server.people.update({"U1": "Anna", "U2": "Bo", "U3": "Carla"})
    await server.start()
    try:
        yield server
    finally:
        await server.close()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    timeout = aiohttp.ClientTimeout(total=20)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        yield session


@pytest.fixture
async def replicas() -> AsyncIterator[list[Replica]]:
    """Every replica a test starts goes in here; all are ended (kill -9 if need be) after the
    test, and their stderr is printed (pytest shows it when the test failed)."""
    started: list[Replica] = []
    try:
        yield started
    finally:
        for replica in started:
            await replica.close()
            print(replica.log_tail(6000), file=sys.stderr)


@pytest.fixture
async def pg_url() -> AsyncIterator[str]:
    """A new PostgreSQL database on the TEST_POSTGRES_URL server, dropped afterwards."""
    if not postgres_server():
        pytest.skip("TEST_POSTGRES_URL is not set")
    name = f"lovende_proc_{uuid.uuid4().hex[:12]}"
    await create_database(name)
    try:
        yield url_for(name)
    finally:
        await drop_database(name)
