"""Fixtures for the process tests: the Slack fake (bot.slack.testing), an HTTP client, a fresh
PostgreSQL database per test, and cleanup that always ends the children we started."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator

import aiohttp
import pytest
from pgtest import fresh_database
from proc_harness import Replica, WatchedSlack

from bot.slack.testing.fixtures import PEOPLE


@pytest.fixture
async def slack_api() -> AsyncIterator[WatchedSlack]:
    async with WatchedSlack(people=PEOPLE) as server:
        yield server


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
    async with fresh_database("lovende_proc") as url:
        yield url
