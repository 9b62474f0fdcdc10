"""Storage contract, run on SQLite and (when TEST_POSTGRES_URL is set) PostgreSQL."""

from __future__ import annotations

import asyncio
import importlib
import pkgutil
from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, func, select

import storage
from bot.testing import BotHarness
from dialogs import actions
from dialogs.assessment import ops as fx
from storage import turns as repo
from storage.assessment import AssessmentStore
from storage.db import create_engine, session_factory
from storage.migrate import is_current, upgrade
from storage.models import Base, MemberAnswer

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def all_models() -> None:
    """Import every storage module so each feature's models join Base.metadata."""
    for module in pkgutil.iter_modules(storage.__path__):
        if module.name != "migrations":
            importlib.import_module(f"storage.{module.name}")


def _diff(conn: Connection) -> list[object]:
    return list(compare_metadata(MigrationContext.configure(conn), Base.metadata))


async def test_migrations_create_exactly_the_models(database_url: str) -> None:
    all_models()
    engine = create_engine(database_url)
    try:
        assert not await is_current(engine)
        await upgrade(engine)
        await upgrade(engine)  # idempotent: a second start changes nothing
        assert await is_current(engine)
        async with engine.connect() as conn:
            assert await conn.run_sync(_diff) == []
    finally:
        await engine.dispose()


async def test_an_assessment_id_from_another_channel_is_refused(database_url: str) -> None:
    engine = create_engine(database_url)
    await upgrade(engine)
    sessions = session_factory(engine)
    try:
        async with sessions() as s, s.begin():
            here = await repo.context_for(s, repo.Place("slack", "T1", "C1"), "U1", "Anna", NOW)
            await AssessmentStore().apply(s, here, fx.StartAssessment("Recovery"), NOW)
        async with sessions() as s, s.begin():
            there = await repo.context_for(s, repo.Place("slack", "T2", "C9"), "U9", "Eve", NOW)
            with pytest.raises(repo.CrossTenant):
                await AssessmentStore().apply(s, there, fx.SetMemberAnswer(1, "1.1", "ja"), NOW)
        async with sessions() as s:
            assert await s.scalar(select(func.count()).select_from(MemberAnswer)) == 0
    finally:
        await engine.dispose()


async def test_concurrent_answer_clicks_are_all_stored(bot: BotHarness) -> None:
    aid = await bot.start_assessment("Recovery")
    people = [f"P{i}" for i in range(8)]
    questions = ["1.1", "1.2", "1.3", "1.4"]
    await asyncio.gather(
        *(bot.click(p, actions.encode("ans", aid, q, "ja")) for p in people for q in questions)
    )
    async with bot.runtime.sessions() as s:
        count = await s.scalar(select(func.count()).select_from(MemberAnswer))
    assert count == len(people) * len(questions)
