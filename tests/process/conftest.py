"""Fixtures for the process tests: the Slack fake (bot.slack.testing), an HTTP client, a fresh
PostgreSQL database per test, replicas started in folders of their own, and cleanup that always
ends the children we started."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Mapping
from pathlib import Path

import aiohttp
import pytest
from pgtest import fresh_database
from proc_harness import Launch, Replica, Serve, WatchedSlack, child_env, start_replica

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


@pytest.fixture
def launch(
    slack_api: WatchedSlack,
    http: aiohttp.ClientSession,
    replicas: list[Replica],
    tmp_path: Path,
) -> Launch:
    """`await launch(name, env)`: a replica (`lovende serve`) in a folder of its own, returned
    once it has bound its port (`wait_ready` then waits for /readyz); ended after the test.
    Its calls to the Slack fake go to an API base URL of its own, so `slack_api.by(call)`
    tells which replica made each."""

    async def start(name: str, env: Mapping[str, str]) -> Replica:
        own = {**env, "SLACK_API_BASE_URL": slack_api.api_url_for(name)}
        replica = await start_replica(name, own, tmp_path / name, http)
        replicas.append(replica)
        return replica

    return start


@pytest.fixture
def serve(database_url: str, slack_api: WatchedSlack, launch: Launch, tmp_path: Path) -> Serve:
    """`await serve(name)`: a replica over `database_url` (migrating it at start), once its
    /readyz answers 200. Each one after the first is a restart over the same database."""
    env = child_env(database_url, slack_api.api_url, tmp_path / "out")

    async def start(name: str) -> Replica:
        replica = await launch(name, env)
        await replica.wait_ready()
        return replica

    return start
