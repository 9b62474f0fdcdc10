"""Shared fixtures: a fresh database per test (SQLite file; PostgreSQL when configured)."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import FakeClock
from bot.ports import Conversation
from bot.testing import BotHarness
from storage.files import GeneratedFiles
from storage.models import Channel, Workspace

POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL"
)  # e.g. postgresql+asyncpg://u@127.0.0.1:5432/postgres


async def _create_pg_database(name: str) -> None:
    import asyncpg

    assert POSTGRES_URL is not None
    conn = await asyncpg.connect(POSTGRES_URL.replace("postgresql+asyncpg", "postgresql"))
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def _drop_pg_database(name: str) -> None:
    import asyncpg

    assert POSTGRES_URL is not None
    conn = await asyncpg.connect(POSTGRES_URL.replace("postgresql+asyncpg", "postgresql"))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


def pg_url_for(name: str) -> str:
    assert POSTGRES_URL is not None
    base, _, _db = POSTGRES_URL.rpartition("/")
    return f"{base}/{name}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A new, empty database: a SQLite file, and the same on PostgreSQL when configured."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
        return
    if not POSTGRES_URL:
        pytest.skip("TEST_POSTGRES_URL is not set")
    name = f"lovende_test_{uuid.uuid4().hex[:12]}"
    await _create_pg_database(name)
    try:
        yield pg_url_for(name)
    finally:
        await _drop_pg_database(name)


@pytest.fixture(autouse=True)
def _output_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Charts and reports a test produces go to its own temp folder, never ./out."""
    monkeypatch.setenv("LOVENDE_OUTPUT_DIR", str(tmp_path / "out"))


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def bot(database_url: str, clock: FakeClock) -> AsyncIterator[BotHarness]:
    harness = await BotHarness.start(database_url, clock)
    try:
        yield harness
    finally:
        await harness.close()


KeepFile = Callable[[async_sessionmaker[AsyncSession], Conversation, str, bytes], Awaitable[str]]


@pytest.fixture
def keep_file(clock: FakeClock) -> KeepFile:
    """Store a generated file for a conversation's channel (made if new), as a generator
    would; its id, for an `Image`/`File` block that an adapter then hands out."""

    async def keep(
        sessions: async_sessionmaker[AsyncSession], conv: Conversation, name: str, data: bytes
    ) -> str:
        now = clock.now()
        async with sessions() as session, session.begin():
            ws = await session.scalar(
                select(Workspace).where(
                    Workspace.platform == conv.platform, Workspace.external_id == conv.workspace
                )
            )
            if ws is None:
                ws = Workspace(platform=conv.platform, external_id=conv.workspace, created_at=now)
                session.add(ws)
                await session.flush()
            channel = await session.scalar(
                select(Channel).where(
                    Channel.workspace_id == ws.id, Channel.external_id == conv.channel
                )
            )
            if channel is None:
                channel = Channel(
                    workspace_id=ws.id, external_id=conv.channel, settings={}, created_at=now
                )
                session.add(channel)
                await session.flush()
            channel_id = channel.id
        stored = await GeneratedFiles(sessions).keep(channel_id, "test", name, data, now)
        return stored.id

    return keep
