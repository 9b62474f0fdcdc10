"""The agreements' data operations (made in a meeting's Forbered handling or on their own,
their status changed by the owner, the follow-up person or a facilitator) and their reminders,
planned or cancelled in the same transaction as the change."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.calendar import utc
from dialogs.meetings import ops as mo
from dialogs.meetings import reminders as kinds
from dialogs.meetings.model import ACT, OPEN_STATUSES, STATUSES
from storage import reminders
from storage.feature import applies
from storage.meeting_models import Agreement, AgreementStatusChange
from storage.meetings.lookup import meeting_in, member_of_channel, next_number
from storage.models import Member
from storage.reminder_models import Reminder
from storage.turns import Context, CrossTenant


async def agreement_reminders(
    session: AsyncSession, ctx: Context, a: Agreement, was_open: bool | None, now: datetime
) -> None:
    """An agreement made (`was_open` None), finished (done or dropped) or reopened: its
    reminders follow at once."""
    about = Reminder.subject_id == a.id
    is_open = a.status in OPEN_STATUSES
    if was_open and not is_open:
        await reminders.cancel_now(session, kinds.AGREEMENT, kinds.AGREEMENT_KINDS, about)
        return
    if not is_open or was_open:
        return  # still closed, or still open: nothing changes
    if was_open is False:  # reopened: the rows it had come back where their time is ahead
        await reminders.revive(session, kinds.AGREEMENT, kinds.AGREEMENT_KINDS, about, now)
    owner = await session.get(Member, a.owner_id)
    follow_up = await session.get(Member, a.follow_up_id)
    if owner is None or follow_up is None:
        return
    prefs = await reminders.channel_prefs(session, (ctx.channel.id,))
    planned = kinds.plan_agreement(
        a.id,
        a.due,
        utc(a.created_at),
        owner.external_id,
        follow_up.external_id,
        prefs[ctx.channel.id],
    )
    await reminders.plan_now(session, ctx.channel.id, planned, now)


class AgreementWrites:
    """The agreements' part of MeetingStore (its `@applies` methods are collected there)."""

    @applies(mo.CreateAgreement)
    async def create_agreement(
        self, session: AsyncSession, ctx: Context, op: mo.CreateAgreement, now: datetime
    ) -> None:
        if op.meeting_id is not None:
            await meeting_in(session, ctx, op.meeting_id, "running", ACT)
        if not op.what.strip():
            raise ValueError("an agreement needs a what")
        owner = await member_of_channel(session, ctx, op.owner_external_id)
        follow_up = await member_of_channel(session, ctx, op.follow_up_external_id)
        a = Agreement(
            channel_id=ctx.channel.id,
            number=await next_number(session, Agreement, ctx.channel.id),
            meeting_id=op.meeting_id,
            element=op.element,
            what=op.what,
            signal=op.signal,
            owner_id=owner,
            follow_up_id=follow_up,
            due=op.due,
            status="not_started",
            source=op.source,
            created_by=ctx.member.id,
            created_at=now,
            status_changed_at=now,
        )
        session.add(a)
        await session.flush()
        session.add(
            AgreementStatusChange(
                agreement_id=a.id, status="not_started", member_id=ctx.member.id, changed_at=now
            )
        )
        await agreement_reminders(session, ctx, a, None, now)

    @applies(mo.SetAgreementStatus)
    async def set_status(
        self, session: AsyncSession, ctx: Context, op: mo.SetAgreementStatus, now: datetime
    ) -> None:
        if op.status not in STATUSES:
            raise ValueError(op.status)
        a = await session.get(
            Agreement, op.agreement_id, with_for_update=True, populate_existing=True
        )
        if a is None or a.channel_id != ctx.channel.id:
            raise CrossTenant(f"agreement {op.agreement_id}")
        if not ctx.may_set(a.status_received_at):
            return  # a status received later stands (and so does its history)
        a.status_received_at = ctx.received_at
        was_open = a.status in OPEN_STATUSES
        if a.status != op.status:
            a.status, a.status_changed_at = op.status, now
        await agreement_reminders(session, ctx, a, was_open, now)
        if op.note:
            a.learned = op.note
        session.add(
            AgreementStatusChange(
                agreement_id=a.id,
                status=op.status,
                note=op.note,
                member_id=ctx.member.id,
                changed_at=now,
            )
        )
