"""The stores' half of "last received wins" and of the notes' versions, on SQLite and
PostgreSQL: an operation received before the stamp of what it would change leaves it alone
(and is counted, so the engine can keep the turn quiet); a notes save over notes that changed
since its form was opened raises StaleDataError, so that the engine runs the turn again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from dialogs.assessment import ops as fx
from storage import turns as repo
from storage.assessment import AssessmentStore
from storage.models import Assessment, ElementNote, MemberAnswer

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
T1 = T0 + timedelta(seconds=1)
PLACE = repo.Place("slack", "T1", "C1")


async def apply(
    sessions: async_sessionmaker[AsyncSession], op: object, received: datetime
) -> repo.Context:
    """Apply one operation as a turn of Anna's received at `received` (run at T1)."""
    async with sessions() as s, s.begin():
        ctx = await repo.context_for(s, PLACE, "U1", "Anna", T1, received)
        await AssessmentStore().apply(s, ctx, op, T1)
        return ctx


async def started(sessions: async_sessionmaker[AsyncSession]) -> int:
    await apply(sessions, fx.StartAssessment("Recovery"), T0)
    async with sessions() as s:
        aid = await s.scalar(select(Assessment.id))
    assert aid is not None
    return aid


async def test_an_older_operation_leaves_a_newer_value_and_is_counted(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    aid = await started(sessions)
    await apply(sessions, fx.SetMemberAnswer(aid, "1.1", "nej"), T1)
    await apply(sessions, fx.SetMemberComment(aid, "1.2", "ny"), T1)
    await apply(sessions, fx.SetElementNotes(aid, 1, "ny", None), T1)
    await apply(sessions, fx.SetOverallNotes(aid, "ny", None), T1)
    older = [
        fx.SetMemberAnswer(aid, "1.1", "ja", "gammel", keep_comment=False),
        fx.SetMemberAnswer(aid, "1.2", "ja", "gammel", keep_comment=False),
        fx.SetElementNotes(aid, 1, "gammel", None),
        fx.SetOverallNotes(aid, "gammel", None),
    ]
    counted = [(await apply(sessions, op, T0)).superseded for op in older]
    assert counted == [1, 1, 1, 1]  # 1.1: its value; 1.2: its comment (each set later)
    async with sessions() as s:
        rows = {r.question_id: (r.value, r.comment) for r in await s.scalars(select(MemberAnswer))}
        note = await s.scalar(select(ElementNote.overall))
        overall = await s.scalar(select(Assessment.overall_assessment))
    assert rows == {"1.1": ("nej", "gammel"), "1.2": ("ja", "ny")}
    assert (note, overall) == ("ny", "ny")
    # The same time wins (a fake clock that did not move; two turns in one tick).
    await apply(sessions, fx.SetElementNotes(aid, 1, "samme tid", None), T1)
    async with sessions() as s:
        assert await s.scalar(select(ElementNote.overall)) == "samme tid"


async def test_a_notes_save_over_changed_notes_is_stale(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    aid = await started(sessions)
    opened = fx.notes_version(None, None)
    await apply(sessions, fx.SetElementNotes(aid, 2, "først", None, opened), T1)
    await apply(sessions, fx.SetOverallNotes(aid, "først", None, opened), T1)
    for op in (
        fx.SetElementNotes(aid, 2, "anden", None, opened),
        fx.SetOverallNotes(aid, "anden", None, opened),
    ):
        with pytest.raises(StaleDataError):
            await apply(sessions, op, T1 + timedelta(seconds=1))
    now = fx.notes_version("først", None)
    await apply(sessions, fx.SetElementNotes(aid, 2, "anden", None, now), T1)
    async with sessions() as s:
        assert await s.scalar(select(ElementNote.overall)) == "anden"
