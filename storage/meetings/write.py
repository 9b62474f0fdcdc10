"""The meetings feature's data operations (its read model is loaded by read.py).

Every id in an operation is checked against the channel of the request (CrossTenant). An
operation that finds the meeting in another step than the dialog saw (a concurrent turn won)
raises StaleDataError, which makes the engine run the whole turn again on fresh state.

Last received wins (storage/turns.py): a participant's preparation points and an agreement's
status are stamped with the received time of what set them; an operation received before that
changes nothing of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from dialogs.calendar import utc
from dialogs.meetings import ops as mo
from dialogs.meetings import reminders as kinds
from dialogs.meetings.model import (
    ACT,
    EXPLORE,
    FINISHED,
    INTERPRET,
    OWNER,
    POINT_KINDS,
    PREPARATION,
    SINCE,
    MeetingsData,
)
from dialogs.reminders.queue import Planned
from storage import reminders
from storage.feature import Applying, FeatureStore, applies
from storage.meeting_models import (
    Agreement,
    AgreementPaper,
    Meeting,
    MeetingInterpretation,
    MeetingObservation,
    MeetingParticipant,
    MeetingReview,
    MeetingTheme,
    MeetingVote,
)
from storage.meetings.agreements import AgreementWrites
from storage.meetings.lookup import ACTIVE, meeting_in, member_of_channel, next_number
from storage.meetings.read import load_meetings, shown_order
from storage.models import Assessment
from storage.reminder_models import Reminder
from storage.steps import due_after, opt_utc, recast_votes, stored_deadlines
from storage.turns import Context, CrossTenant


async def _participant(w: Applying, mid: int, *, lock: bool = False) -> MeetingParticipant:
    """This turn's member as a participant of meeting `mid` (joined now if not yet); `lock`:
    read for update, fresh."""
    key = (mid, w.ctx.member.id)
    row = await w.session.get(MeetingParticipant, key, with_for_update=lock, populate_existing=lock)
    if row is None:
        row = MeetingParticipant(meeting_id=mid, member_id=w.ctx.member.id, joined_at=w.now)
        w.session.add(row)
    return row


def _observation(
    w: Applying, mid: int, kind: str, text: str, *, from_preparation: bool = False
) -> MeetingObservation:
    """A point of this turn's member in meeting `mid`; `from_preparation`: one of their
    preparation points (a new preparation replaces those, and only those)."""
    return MeetingObservation(
        meeting_id=mid,
        member_id=w.ctx.member.id,
        kind=kind,
        text=text,
        from_preparation=from_preparation,
        created_at=w.now,
    )


async def _observations_of(session: AsyncSession, mid: int, ids: Sequence[int]) -> list[int]:
    found = set(
        await session.scalars(
            select(MeetingObservation.id).where(
                MeetingObservation.meeting_id == mid, MeetingObservation.id.in_(list(ids))
            )
        )
    )
    missing = set(ids) - found
    if missing:
        raise CrossTenant(f"observations {sorted(missing)}")
    return list(ids)


# ---- reminders, at once (the sweep would get there within its interval; `påmindelser` is
# right the moment the change is made) ----
async def _meeting_reminders(w: Applying, m: Meeting) -> None:
    """The meeting's reminder rows as its new state calls for: preparation reminders while it
    is planned, its next timed transition (async) and no other, none once it is over."""
    session, channel_id, about = w.session, w.ctx.channel.id, Reminder.subject_id == m.id
    if m.status != "planned":
        prep_kinds = (kinds.MEETING_PREP, kinds.MEETING_PREP_MEMBER)
        await reminders.cancel_now(session, kinds.MEETING, prep_kinds, about)
    planned: list[Planned] = []
    other_steps = about
    if m.due_at is not None:
        step = kinds.plan_meeting_step(m.id, utc(m.due_at))
        planned.append(step)
        other_steps = about & (Reminder.dedupe_key != step.key)
    await reminders.cancel_now(session, kinds.MEETING, (kinds.MEETING_STEP,), other_steps)
    if m.status == "planned":
        prefs = await reminders.channel_prefs(session, (channel_id,))
        planned += kinds.plan_meeting_prep(
            m.id, utc(m.scheduled_at), utc(m.created_at), prefs[channel_id]
        )
    await reminders.plan_now(session, channel_id, planned, w.now)


class MeetingStore(AgreementWrites, FeatureStore):
    """Reflection meetings and agreements (`turn.extra["meetings"]`: a MeetingsData; the
    agreements' operations are AgreementWrites'). Times are stored in UTC (`utc(now)`):
    SQLite keeps no zone."""

    name = OWNER

    async def load(
        self, session: AsyncSession, ctx: Context, now: datetime, before: object | None = None
    ) -> MeetingsData:
        return await load_meetings(session, ctx.channel.id)

    async def apply(self, session: AsyncSession, ctx: Context, op: object, now: datetime) -> None:
        await super().apply(session, ctx, op, utc(now))

    @applies(mo.PlanMeeting)
    async def plan(self, w: Applying, op: mo.PlanMeeting) -> None:
        session, channel_id, now = w.session, w.ctx.channel.id, w.now
        active = await session.scalar(
            select(Meeting.id).where(Meeting.channel_id == channel_id, Meeting.status.in_(ACTIVE))
        )
        if active is not None:
            raise StaleDataError("the channel already has an active meeting")
        if op.mode not in ("live", "async"):
            raise ValueError(op.mode)
        if op.assessment_id is not None:
            await w.own(Assessment, op.assessment_id)
        facilitator = await member_of_channel(w, op.facilitator_external_id)
        people = [await member_of_channel(w, e) for e in op.participant_external_ids]
        m = Meeting(
            channel_id=channel_id,
            number=await next_number(w, Meeting),
            status="planned",
            step=PREPARATION,
            mode=op.mode,
            scheduled_at=utc(op.scheduled_at),
            facilitator_id=facilitator,
            planned_by=w.ctx.member.id,
            assessment_id=op.assessment_id,
            focus_elements=list(op.focus_elements),
            theme_limit=op.theme_limit,
            window_days=op.window_days,
            step_deadlines=stored_deadlines(op.step_deadlines),
            due_at=utc(op.scheduled_at) if op.mode == "async" else None,
            created_at=now,
            updated_at=now,
        )
        session.add(m)
        await session.flush()
        for member_id in dict.fromkeys(people):
            session.add(MeetingParticipant(meeting_id=m.id, member_id=member_id, joined_at=now))
        for text in op.observations:  # not preparation points: a preparation never replaces them
            session.add(_observation(w, m.id, "improvement", text))
        await _meeting_reminders(w, m)

    @applies(mo.JoinMeeting)
    async def join(self, w: Applying, op: mo.JoinMeeting) -> None:
        m = await meeting_in(w, op.meeting_id, ACTIVE)
        await _participant(w, m.id)

    @applies(mo.SavePreparation)
    async def prepare(self, w: Applying, op: mo.SavePreparation) -> None:
        m = await meeting_in(w, op.meeting_id, "planned", PREPARATION)
        row = await _participant(w, m.id, lock=True)
        if not w.ctx.may_set(row.preparation_received_at):
            return  # points this person sent later are kept
        row.prepared_at, row.preparation_received_at = w.now, w.ctx.received_at
        await w.session.execute(
            delete(MeetingObservation).where(
                MeetingObservation.meeting_id == m.id,
                MeetingObservation.member_id == w.ctx.member.id,
                MeetingObservation.from_preparation.is_(True),
            )
        )
        texts = dict(zip(POINT_KINDS, (op.positive, op.improvement, op.question), strict=True))
        for kind, text in texts.items():
            if text:
                w.session.add(_observation(w, m.id, kind, text, from_preparation=True))

    @applies(mo.StartMeeting)
    async def start(self, w: Applying, op: mo.StartMeeting) -> None:
        m = await meeting_in(w, op.meeting_id, "planned", PREPARATION)
        m.status, m.step, m.started_at, m.updated_at = "running", SINCE, w.now, w.now
        m.due_at = due_after(m.mode, m.step_deadlines, SINCE)
        for position, aid in enumerate(dict.fromkeys(op.reviewed_agreement_ids)):
            await w.own(Agreement, aid)
            w.session.add(MeetingReview(meeting_id=m.id, agreement_id=aid, position=position))
        await _meeting_reminders(w, m)

    @applies(mo.AdvanceMeeting)
    async def advance(self, w: Applying, op: mo.AdvanceMeeting) -> None:
        m = await meeting_in(w, op.meeting_id, "running", op.from_step)
        if op.to_step != op.from_step + 1 or not SINCE < op.to_step <= FINISHED:
            raise ValueError(f"cannot go from step {op.from_step} to {op.to_step}")
        m.step, m.updated_at = op.to_step, w.now
        if op.to_step == FINISHED:
            m.status, m.ended_at, m.due_at = "done", w.now, None
        else:
            m.due_at = due_after(m.mode, m.step_deadlines, op.to_step)
        await _meeting_reminders(w, m)

    @applies(mo.CancelMeeting)
    async def cancel(self, w: Applying, op: mo.CancelMeeting) -> None:
        m = await meeting_in(w, op.meeting_id, ACTIVE)
        m.status, m.due_at, m.ended_at, m.updated_at = "cancelled", None, w.now, w.now
        await _meeting_reminders(w, m)

    @applies(mo.AddObservation)
    async def observe(self, w: Applying, op: mo.AddObservation) -> None:
        m = await meeting_in(w, op.meeting_id, "running", EXPLORE)
        w.session.add(_observation(w, m.id, "observation", op.text))

    @applies(mo.CastVotes)
    async def votes(self, w: Applying, op: mo.CastVotes) -> None:
        m = await meeting_in(w, op.meeting_id, "running", EXPLORE)
        await _observations_of(w.session, m.id, [*op.among, *op.chosen])
        if not set(op.chosen) <= set(op.among):
            raise ValueError("votes outside their options")
        await recast_votes(w, MeetingVote, "observation_id", op.among, op.chosen, meeting_id=m.id)

    @applies(mo.SetThemes)
    async def themes(self, w: Applying, op: mo.SetThemes) -> None:
        session = w.session
        m = await meeting_in(w, op.meeting_id, "running", EXPLORE)
        await _observations_of(session, m.id, [*op.among, *op.chosen])
        current = {
            t.observation_id: t
            for t in await session.scalars(
                select(MeetingTheme).where(MeetingTheme.meeting_id == m.id)
            )
        }
        for oid, theme in current.items():
            if oid in op.among and oid not in op.chosen:
                await session.delete(theme)
        order = sorted(
            await session.scalars(
                select(MeetingObservation).where(MeetingObservation.meeting_id == m.id)
            ),
            key=shown_order,
        )
        for position, o in enumerate(order, 1):
            if o.id in op.chosen and o.id not in current:
                session.add(
                    MeetingTheme(
                        meeting_id=m.id,
                        observation_id=o.id,
                        title=o.text,
                        position=position,
                        created_at=w.now,
                    )
                )
            elif o.id in current:
                current[o.id].position = position
        m.updated_at = w.now  # the version check orders this against a concurrent advance

    @applies(mo.AddInterpretation)
    async def interpret(self, w: Applying, op: mo.AddInterpretation) -> None:
        m = await meeting_in(w, op.meeting_id, "running", INTERPRET)
        theme = await w.child(MeetingTheme, op.theme_id, meeting_id=m.id)
        w.session.add(
            MeetingInterpretation(
                theme_id=theme.id,
                meeting_id=m.id,
                member_id=w.ctx.member.id,
                text=op.text,
                created_at=w.now,
            )
        )

    @applies(mo.SavePaper)
    async def paper(self, w: Applying, op: mo.SavePaper) -> None:
        m = await meeting_in(w, op.meeting_id, "running", ACT)
        await w.session.merge(
            AgreementPaper(
                meeting_id=m.id,
                short_goal=op.short_goal,
                long_goal=op.long_goal,
                long_months=op.long_months,
                progress_data=op.progress_data,
                next_meeting_at=opt_utc(op.next_meeting_at),
                updated_by=w.ctx.member.id,
                updated_at=w.now,
            )
        )
