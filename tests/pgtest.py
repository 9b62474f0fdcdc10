"""A fresh PostgreSQL database per test on the TEST_POSTGRES_URL server (scripts/postgres.sh
starts one): for the `database_url` fixture, and for the tests that need PostgreSQL alone
(tests/process, tests/ops). Tests anywhere under tests/ import it (tests/ is on the path
through its conftest)."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL")  # e.g. postgresql+asyncpg://u@127.0.0.1/postgres


async def _admin(statement: str) -> None:
    """One statement on the server's own database (CREATE/DROP DATABASE run outside one)."""
    import asyncpg

    assert POSTGRES_URL is not None
    conn = await asyncpg.connect(POSTGRES_URL.replace("postgresql+asyncpg", "postgresql", 1))
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


def url_for(name: str) -> str:
    """The URL of database `name` on the test server."""
    assert POSTGRES_URL is not None
    return f"{POSTGRES_URL.rpartition('/')[0]}/{name}"


@asynccontextmanager
async def fresh_database(prefix: str) -> AsyncIterator[str]:
    """A new, empty database (`<prefix>_<random>`) for the block, dropped after it; the test is
    skipped when no server is configured."""
    if not POSTGRES_URL:
        pytest.skip("TEST_POSTGRES_URL is not set")
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    await _admin(f'CREATE DATABASE "{name}"')
    try:
        yield url_for(name)
    finally:
        await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
