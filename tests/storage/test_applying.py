"""What every store handler relies on (storage/feature.py `Applying`), on SQLite and
PostgreSQL: a row of another channel is refused (CrossTenant), and so is a row that hangs off
another channel's row even when the id it is asked under is this channel's own."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialogs.selfeval import ops
from storage import turns as repo
from storage.selfeval import SelfEvalStore
from storage.selfeval_models import SelfEval, SelfEvalPoint

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
HERE = repo.Place("slack", "T1", "C1")
THERE = repo.Place("slack", "T2", "C9")


async def apply(sessions: async_sessionmaker[AsyncSession], place: repo.Place, op: object) -> None:
    async with sessions() as s, s.begin():
        ctx = await repo.context_for(s, place, "U1", "Anna", NOW)
        await SelfEvalStore().apply(s, ctx, op, NOW)


async def round_of(sessions: async_sessionmaker[AsyncSession], place: repo.Place) -> int:
    await apply(sessions, place, ops.StartSelfEval(None))
    async with sessions() as s:
        sid = await s.scalar(select(SelfEval.id).order_by(SelfEval.id.desc()).limit(1))
    assert sid is not None
    return sid


async def test_a_round_of_another_channel_is_refused(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    theirs = await round_of(sessions, HERE)
    with pytest.raises(repo.CrossTenant):
        await apply(sessions, THERE, ops.CloseSelfEval(theirs))
    async with sessions() as s:
        assert await s.scalar(select(SelfEval.status).where(SelfEval.id == theirs)) == "open"


async def test_a_point_of_another_channels_round_is_refused_under_ones_own_round(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    theirs = await round_of(sessions, HERE)
    await apply(sessions, HERE, ops.AddDevelopmentPoint(theirs, "1", "Fælles sprog"))
    mine = await round_of(sessions, THERE)
    async with sessions() as s:
        point = await s.scalar(select(SelfEvalPoint.id))
    assert point is not None
    with pytest.raises(repo.CrossTenant):
        await apply(sessions, THERE, ops.MarkPointAgreed(mine, point))
    with pytest.raises(repo.CrossTenant):
        await apply(sessions, THERE, ops.RemoveDevelopmentPoint(mine, point))
    async with sessions() as s:
        row = await s.get(SelfEvalPoint, point)
        assert row is not None and row.agreed_at is None
