"""storage/db.py on SQLite: each hand-over to aiosqlite's database thread is paid by every
click (issue 21); a connection given back after its commit needs none."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.db import create_engine, session_factory


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'trips.db'}")
    async with engine.begin() as conn:
        await conn.execute(text("CREATE TABLE notes (text TEXT)"))
    yield engine
    await engine.dispose()


@pytest.fixture
def trips(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Each call run in aiosqlite's database thread."""
    made: list[object] = []
    real = aiosqlite.Connection._execute

    async def counted(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        made.append(fn)
        return await real(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    return made


async def count(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int((await conn.execute(text("SELECT count(*) FROM notes"))).scalar_one())


async def test_a_committed_unit_of_work_makes_three_trips(
    engine: AsyncEngine, trips: list[object]
) -> None:
    sessions = session_factory(engine)
    async with sessions() as session, session.begin():
        await session.execute(text("INSERT INTO notes VALUES ('x')"))
    assert len(trips) == 3  # BEGIN IMMEDIATE, the statement, COMMIT: no rollback after it


async def test_a_unit_of_work_left_unfinished_is_still_rolled_back(engine: AsyncEngine) -> None:
    sessions = session_factory(engine)
    async with sessions() as session:
        await session.begin()
        await session.execute(text("INSERT INTO notes VALUES ('x')"))
    # (closed without a commit: the pool's rollback undid it, and the write lock is free)
    async with sessions() as session, session.begin():
        await session.execute(text("INSERT INTO notes VALUES ('y')"))
    assert await count(engine) == 1
