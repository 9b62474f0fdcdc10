"""The agreements' data operations (made in a meeting's Forbered handling or on their own,
their status changed by the owner, the follow-up person or a facilitator) and their reminders,
planned or cancelled in the same transaction as the change."""

from __future__ import annotations

from dialogs.calendar import utc
from dialogs.meetings import ops as mo
from dialogs.meetings import reminders as kinds
from dialogs.meetings.model import ACT, OPEN_STATUSES, STATUSES
from storage import reminders
from storage.feature import Applying, applies
from storage.meeting_models import Agreement, AgreementStatusChange
from storage.meetings.lookup import meeting_in, member_of_channel, next_number
from storage.models import Member
from storage.reminder_models import Reminder


async def agreement_reminders(w: Applying, a: Agreement, was_open: bool | None) -> None:
    """An agreement made (`was_open` None), finished (done or dropped) or reopened: its
    reminders follow at once."""
    session, channel_id, about = w.session, w.ctx.channel.id, Reminder.subject_id == a.id
    is_open = a.status in OPEN_STATUSES
    if was_open and not is_open:
        await reminders.cancel_now(session, kinds.AGREEMENT, kinds.AGREEMENT_KINDS, about)
        return
    if not is_open or was_open:
        return  # still closed, or still open: nothing changes
    if was_open is False:  # reopened: the rows it had come back where their time is ahead
        await reminders.revive(session, kinds.AGREEMENT, kinds.AGREEMENT_KINDS, about, w.now)
    owner = await session.get(Member, a.owner_id)
    follow_up = await session.get(Member, a.follow_up_id)
    if owner is None or follow_up is None:
        return
    prefs = await reminders.channel_prefs(session, (channel_id,))
    planned = kinds.plan_agreement(
        a.id,
        a.due,
        utc(a.created_at),
        owner.external_id,
        follow_up.external_id,
        prefs[channel_id],
    )
    await reminders.plan_now(session, channel_id, planned, w.now)


class AgreementWrites:
    """The agreements' part of MeetingStore (its `@applies` methods are collected there)."""

    @applies(mo.CreateAgreement)
    async def create_agreement(self, w: Applying, op: mo.CreateAgreement) -> None:
        if op.meeting_id is not None:
            await meeting_in(w, op.meeting_id, "running", ACT)
        if not op.what.strip():
            raise ValueError("an agreement needs a what")
        owner = await member_of_channel(w, op.owner_external_id)
        follow_up = await member_of_channel(w, op.follow_up_external_id)
        a = Agreement(
            channel_id=w.ctx.channel.id,
            number=await next_number(w, Agreement),
            meeting_id=op.meeting_id,
            element=op.element,
            what=op.what,
            signal=op.signal,
            owner_id=owner,
            follow_up_id=follow_up,
            due=op.due,
            status="not_started",
            source=op.source,
            created_by=w.ctx.member.id,
            created_at=w.now,
            status_changed_at=w.now,
        )
        w.session.add(a)
        await w.session.flush()
        _history(w, a, None)
        await agreement_reminders(w, a, None)

    @applies(mo.SetAgreementStatus)
    async def set_status(self, w: Applying, op: mo.SetAgreementStatus) -> None:
        if op.status not in STATUSES:
            raise ValueError(op.status)
        a = await w.own(Agreement, op.agreement_id, lock=True)
        if not w.ctx.may_set(a.status_received_at):
            return  # a status received later stands (and so does its history)
        a.status_received_at = w.ctx.received_at
        was_open = a.status in OPEN_STATUSES
        if a.status != op.status:
            a.status, a.status_changed_at = op.status, w.now
        await agreement_reminders(w, a, was_open)
        if op.note:
            a.learned = op.note
        _history(w, a, op.note)


def _history(w: Applying, a: Agreement, note: str | None) -> None:
    """The agreement's status as this turn's member set it, in its history."""
    w.session.add(
        AgreementStatusChange(
            agreement_id=a.id,
            status=a.status,
            note=note,
            member_id=w.ctx.member.id,
            changed_at=w.now,
        )
    )
