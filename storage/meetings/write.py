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
from storage.feature import FeatureStore, applies
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
from storage.steps import due_after, opt_utc, stored_deadlines
from storage.turns import Context, CrossTenant


async def _participant(
    session: AsyncSession, mid: int, member_id: int, now: datetime, *, lock: bool = False
) -> MeetingParticipant:
    row = await session.get(
        MeetingParticipant, (mid, member_id), with_for_update=lock, populate_existing=lock
    )
    if row is None:
        row = MeetingParticipant(meeting_id=mid, member_id=member_id, joined_at=now)
        session.add(row)
    return row


def _observation(
    mid: int, ctx: Context, kind: str, text: str, now: datetime, *, from_preparation: bool = False
) -> MeetingObservation:
    """A point of this turn's member in meeting `mid`; `from_preparation`: one of their
    preparation points (a new preparation replaces those, and only those)."""
    return MeetingObservation(
        meeting_id=mid,
        member_id=ctx.member.id,
        kind=kind,
        text=text,
        from_preparation=from_preparation,
        created_at=now,
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
async def _meeting_reminders(
    session: AsyncSession, ctx: Context, m: Meeting, now: datetime
) -> None:
    """The meeting's reminder rows as its new state calls for: preparation reminders while it
    is planned, its next timed transition (async) and no other, none once it is over."""
    about = Reminder.subject_id == m.id
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
        prefs = await reminders.channel_prefs(session, (ctx.channel.id,))
        planned += kinds.plan_meeting_prep(
            m.id, utc(m.scheduled_at), utc(m.created_at), prefs[ctx.channel.id]
        )
    await reminders.plan_now(session, ctx.channel.id, planned, now)


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
    async def plan(
        self, session: AsyncSession, ctx: Context, op: mo.PlanMeeting, now: datetime
    ) -> None:
        active = await session.scalar(
            select(Meeting.id).where(
                Meeting.channel_id == ctx.channel.id, Meeting.status.in_(ACTIVE)
            )
        )
        if active is not None:
            raise StaleDataError("the channel already has an active meeting")
        if op.mode not in ("live", "async"):
            raise ValueError(op.mode)
        if op.assessment_id is not None:
            a = await session.get(Assessment, op.assessment_id)
            if a is None or a.channel_id != ctx.channel.id:
                raise CrossTenant(f"assessment {op.assessment_id}")
        facilitator = await member_of_channel(session, ctx, op.facilitator_external_id)
        people = [await member_of_channel(session, ctx, e) for e in op.participant_external_ids]
        m = Meeting(
            channel_id=ctx.channel.id,
            number=await next_number(session, Meeting, ctx.channel.id),
            status="planned",
            step=PREPARATION,
            mode=op.mode,
            scheduled_at=utc(op.scheduled_at),
            facilitator_id=facilitator,
            planned_by=ctx.member.id,
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
            session.add(_observation(m.id, ctx, "improvement", text, now))
        await _meeting_reminders(session, ctx, m, now)

    @applies(mo.JoinMeeting)
    async def join(
        self, session: AsyncSession, ctx: Context, op: mo.JoinMeeting, now: datetime
    ) -> None:
        m = await meeting_in(session, ctx, op.meeting_id, ACTIVE)
        await _participant(session, m.id, ctx.member.id, now)

    @applies(mo.SavePreparation)
    async def prepare(
        self, session: AsyncSession, ctx: Context, op: mo.SavePreparation, now: datetime
    ) -> None:
        m = await meeting_in(session, ctx, op.meeting_id, "planned", PREPARATION)
        row = await _participant(session, m.id, ctx.member.id, now, lock=True)
        if not ctx.may_set(row.preparation_received_at):
            return  # points this person sent later are kept
        row.prepared_at, row.preparation_received_at = now, ctx.received_at
        await session.execute(
            delete(MeetingObservation).where(
                MeetingObservation.meeting_id == m.id,
                MeetingObservation.member_id == ctx.member.id,
                MeetingObservation.from_preparation.is_(True),
            )
        )
        texts = dict(zip(POINT_KINDS, (op.positive, op.improvement, op.question), strict=True))
        for kind, text in texts.items():
            if text:
                session.add(_observation(m.id, ctx, kind, text, now, from_preparation=True))

    @applies(mo.StartMeeting)
    async def start(
        self, session: AsyncSession, ctx: Context, op: mo.StartMeeting, now: datetime
    ) -> None:
        m = await meeting_in(session, ctx, op.meeting_id, "planned", PREPARATION)
        m.status, m.step, m.started_at, m.updated_at = "running", SINCE, now, now
        m.due_at = due_after(m.mode, m.step_deadlines, SINCE)
        for position, aid in enumerate(dict.fromkeys(op.reviewed_agreement_ids)):
            a = await session.get(Agreement, aid)
            if a is None or a.channel_id != ctx.channel.id:
                raise CrossTenant(f"agreement {aid}")
            session.add(MeetingReview(meeting_id=m.id, agreement_id=aid, position=position))
        await _meeting_reminders(session, ctx, m, now)

    @applies(mo.AdvanceMeeting)
    async def advance(
        self, session: AsyncSession, ctx: Context, op: mo.AdvanceMeeting, now: datetime
    ) -> None:
        m = await meeting_in(session, ctx, op.meeting_id, "running", op.from_step)
        if op.to_step != op.from_step + 1 or not SINCE < op.to_step <= FINISHED:
            raise ValueError(f"cannot go from step {op.from_step} to {op.to_step}")
        m.step, m.updated_at = op.to_step, now
        if op.to_step == FINISHED:
            m.status, m.ended_at, m.due_at = "done", now, None
        else:
            m.due_at = due_after(m.mode, m.step_deadlines, op.to_step)
        await _meeting_reminders(session, ctx, m, now)

    @applies(mo.CancelMeeting)
    async def cancel(
        self, session: AsyncSession, ctx: Context, op: mo.CancelMeeting, now: datetime
    ) -> None:
        m = await meeting_in(session, ctx, op.meeting_id, ACTIVE)
        m.status, m.due_at, m.ended_at, m.updated_at = "cancelled", None, now, now
        await _meeting_reminders(session, ctx, m, now)

    @applies(mo.AddObservation)
    async def observe(
        self, session: AsyncSession, ctx: Context, op: mo.AddObservation, now: datetime
    ) -> None:
        m = await meeting_in(session, ctx, op.meeting_id, "running", EXPLORE)
        session.add(_observation(m.id, ctx, "observation", op.text, now))

    @applies(mo.CastVotes)
    async def votes(
        self, session: AsyncSession, ctx: Context, op: mo.CastVotes, now: datetime
    ) -> None:
        m = await meeting_in(session, ctx, op.meeting_id, "running", EXPLORE)
        await _observations_of(session, m.id, [*op.among, *op.chosen])
        if not set(op.chosen) <= set(op.among):
            raise ValueError("votes outside their options")
        await session.execute(
            delete(MeetingVote).where(
                MeetingVote.member_id == ctx.member.id,
                MeetingVote.observation_id.in_(list(op.among)),
            )
        )
        for oid in dict.fromkeys(op.chosen):
            session.add(
                MeetingVote(
                    observation_id=oid, member_id=ctx.member.id, meeting_id=m.id, created_at=now
                )
            )

    @applies(mo.SetThemes)
    async def themes(
        self, session: AsyncSession, ctx: Context, op: mo.SetThemes, now: datetime
    ) -> None:
        m = await meeting_in(session, ctx, op.meeting_id, "running", EXPLORE)
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
                        created_at=now,
                    )
                )
            elif o.id in current:
                current[o.id].position = position
        m.updated_at = now  # the version check orders this against a concurrent advance

    @applies(mo.AddInterpretation)
    async def interpret(
        self, session: AsyncSession, ctx: Context, op: mo.AddInterpretation, now: datetime
    ) -> None:
        m = await meeting_in(session, ctx, op.meeting_id, "running", INTERPRET)
        theme = await session.get(MeetingTheme, op.theme_id)
        if theme is None or theme.meeting_id != m.id:
            raise CrossTenant(f"theme {op.theme_id}")
        session.add(
            MeetingInterpretation(
                theme_id=theme.id,
                meeting_id=m.id,
                member_id=ctx.member.id,
                text=op.text,
                created_at=now,
            )
        )

    @applies(mo.SavePaper)
    async def paper(
        self, session: AsyncSession, ctx: Context, op: mo.SavePaper, now: datetime
    ) -> None:
        m = await meeting_in(session, ctx, op.meeting_id, "running", ACT)
        await session.merge(
            AgreementPaper(
                meeting_id=m.id,
                short_goal=op.short_goal,
                long_goal=op.long_goal,
                long_months=op.long_months,
                progress_data=op.progress_data,
                next_meeting_at=opt_utc(op.next_meeting_at),
                updated_by=ctx.member.id,
                updated_at=now,
            )
        )
