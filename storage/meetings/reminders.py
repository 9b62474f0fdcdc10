"""The meetings feature's reminder planning: reminders for open agreements, preparation
reminders for planned meetings, and an async meeting's timed transitions (the kinds and their
messages: dialogs/meetings/reminders.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from dialogs.calendar import utc
from dialogs.meetings.model import OPEN_STATUSES
from dialogs.meetings.reminders import (
    AGREEMENT,
    AGREEMENT_KINDS,
    MEETING,
    MEETING_PREP,
    MEETING_PREP_MEMBER,
    MEETING_STEP,
    plan_agreement,
    plan_meeting_prep,
    plan_meeting_step,
)
from dialogs.reminders.queue import Planned
from storage import reminders
from storage.meeting_models import Agreement, Meeting
from storage.models import Member
from storage.reminder_models import Reminder


async def plan_reminders(session: AsyncSession, now: datetime) -> None:
    await _plan_agreements(session, now)
    await _plan_meetings(session, now)


async def _plan_agreements(session: AsyncSession, now: datetime) -> None:
    """Open agreements get their reminders; done, dropped, deleted or moved ones lose the
    pending ones."""
    owner, follow_up = aliased(Member), aliased(Member)
    rows = (
        await session.execute(
            select(
                Agreement.id,
                Agreement.channel_id,
                Agreement.due,
                Agreement.created_at,
                owner.external_id,
                follow_up.external_id,
            )
            .join(owner, owner.id == Agreement.owner_id)
            .join(follow_up, follow_up.id == Agreement.follow_up_id)
            .where(Agreement.status.in_(sorted(OPEN_STATUSES)))
        )
    ).all()
    prefs = await reminders.channel_prefs(session, (r.channel_id for r in rows))
    wanted: dict[str, tuple[int, Planned]] = {}
    for aid, channel_id, due, created, owner_ext, follow_ext in rows:
        for planned in plan_agreement(
            aid, due, utc(created), owner_ext, follow_ext, prefs[channel_id]
        ):
            wanted[planned.key] = (channel_id, planned)
    await reminders.sync(session, AGREEMENT, AGREEMENT_KINDS, wanted, now)


async def _plan_meetings(session: AsyncSession, now: datetime) -> None:
    """Preparation reminders for planned meetings; an async meeting's next transition at the
    time the meetings feature stored for it (`Meeting.due_at`)."""
    rows = (
        await session.execute(
            select(
                Meeting.id,
                Meeting.channel_id,
                Meeting.status,
                Meeting.scheduled_at,
                Meeting.created_at,
                Meeting.due_at,
            ).where(Meeting.status.in_(("planned", "running")))
        )
    ).all()
    prefs = await reminders.channel_prefs(
        session, (r.channel_id for r in rows if r.status == "planned")
    )
    preps: dict[str, tuple[int, Planned]] = {}
    steps: dict[str, tuple[int, Planned]] = {}
    for r in rows:
        if r.status == "planned":
            for planned in plan_meeting_prep(
                r.id, utc(r.scheduled_at), utc(r.created_at), prefs[r.channel_id]
            ):
                preps[planned.key] = (r.channel_id, planned)
        if r.due_at is not None:
            planned = plan_meeting_step(r.id, utc(r.due_at))
            steps[planned.key] = (r.channel_id, planned)
    await reminders.sync(session, MEETING, (MEETING_PREP,), preps, now)
    await reminders.sync(session, MEETING, (MEETING_STEP,), steps, now)
    planned_ids = select(Meeting.id).where(Meeting.status == "planned").scalar_subquery()
    not_planned = Reminder.subject_id.not_in(planned_ids)
    await reminders.cancel_pending(session, MEETING, MEETING_PREP_MEMBER, not_planned)
