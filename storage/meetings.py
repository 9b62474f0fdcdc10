"""The meetings feature's storage half: load the channel's meetings and agreements into the
turn (`turn.extra["meetings"]`) and apply its data operations.

Every id in an operation is checked against the channel of the request (CrossTenant). An
operation that finds the meeting in another step than the dialog saw (a concurrent turn won)
raises StaleDataError, which makes the engine run the whole turn again on fresh state.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from dialogs.meetings import ops as mo
from dialogs.meetings.model import (
    ACT,
    EXPLORE,
    FINISHED,
    INTERPRET,
    OBSERVATION_KINDS,
    POINT_KINDS,
    PREPARATION,
    SINCE,
    STATUSES,
    AgreementView,
    InterpretationView,
    MeetingsData,
    MeetingView,
    ObservationView,
    PaperView,
    ParticipantView,
    StatusChange,
    ThemeView,
)
from storage.meeting_models import (
    Agreement,
    AgreementPaper,
    AgreementStatusChange,
    Meeting,
    MeetingInterpretation,
    MeetingObservation,
    MeetingParticipant,
    MeetingReview,
    MeetingTheme,
    MeetingVote,
)
from storage.models import Assessment, Channel, ChannelMember, Member, Workspace
from storage.repository import Context, CrossTenant, Place


def utc(dt: datetime) -> datetime:
    """Stored in UTC; SQLite keeps no zone, so values come back naive and mean UTC."""
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def _opt(dt: datetime | None) -> datetime | None:
    return utc(dt) if dt is not None else None


def shown_order(o: MeetingObservation) -> tuple[bool, int, int]:
    """Preparation points grouped by kind (fixed once the dialogue starts), then the
    observations added during *Udforsk* as they come: numbers never change once shown."""
    kind = (
        OBSERVATION_KINDS.index(o.kind) if o.kind in OBSERVATION_KINDS else len(OBSERVATION_KINDS)
    )
    return (not o.from_preparation, kind, o.id)


# ---- loading ----
async def _names(session: AsyncSession, ids: Iterable[int | None]) -> dict[int, tuple[str, str]]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = await session.execute(
        select(Member.id, Member.external_id, Member.display_name).where(Member.id.in_(wanted))
    )
    return {i: (e, n) for i, e, n in rows}


async def load_meetings(session: AsyncSession, channel_id: int) -> MeetingsData:
    meetings = list(
        await session.scalars(
            select(Meeting).where(Meeting.channel_id == channel_id).order_by(Meeting.id)
        )
    )
    agreements = list(
        await session.scalars(
            select(Agreement).where(Agreement.channel_id == channel_id).order_by(Agreement.number)
        )
    )
    if not meetings and not agreements:
        return MeetingsData()
    mids = [m.id for m in meetings]
    aids = [a.id for a in agreements]
    participants = (
        list(
            await session.scalars(
                select(MeetingParticipant)
                .where(MeetingParticipant.meeting_id.in_(mids))
                .order_by(MeetingParticipant.joined_at, MeetingParticipant.member_id)
            )
        )
        if mids
        else []
    )
    observations = (
        sorted(
            await session.scalars(
                select(MeetingObservation).where(MeetingObservation.meeting_id.in_(mids))
            ),
            key=shown_order,
        )
        if mids
        else []
    )
    votes = (
        list(await session.scalars(select(MeetingVote).where(MeetingVote.meeting_id.in_(mids))))
        if mids
        else []
    )
    themes = (
        list(
            await session.scalars(
                select(MeetingTheme)
                .where(MeetingTheme.meeting_id.in_(mids))
                .order_by(MeetingTheme.position, MeetingTheme.id)
            )
        )
        if mids
        else []
    )
    interpretations = (
        list(
            await session.scalars(
                select(MeetingInterpretation)
                .where(MeetingInterpretation.meeting_id.in_(mids))
                .order_by(MeetingInterpretation.id)
            )
        )
        if mids
        else []
    )
    papers = {
        p.meeting_id: p
        for p in (
            await session.scalars(select(AgreementPaper).where(AgreementPaper.meeting_id.in_(mids)))
            if mids
            else []
        )
    }
    reviews = (
        list(
            await session.scalars(
                select(MeetingReview)
                .where(MeetingReview.meeting_id.in_(mids))
                .order_by(MeetingReview.position)
            )
        )
        if mids
        else []
    )
    history = (
        list(
            await session.scalars(
                select(AgreementStatusChange)
                .where(AgreementStatusChange.agreement_id.in_(aids))
                .order_by(AgreementStatusChange.id)
            )
        )
        if aids
        else []
    )
    names = await _names(
        session,
        [m.facilitator_id for m in meetings]
        + [p.member_id for p in participants]
        + [o.member_id for o in observations]
        + [v.member_id for v in votes]
        + [i.member_id for i in interpretations]
        + [a.owner_id for a in agreements]
        + [a.follow_up_id for a in agreements]
        + [h.member_id for h in history],
    )

    def ext(member_id: int | None) -> str:
        return names.get(member_id or -1, ("", ""))[0]

    def name(member_id: int | None) -> str:
        return names.get(member_id or -1, ("", "?"))[1]

    voters: dict[int, list[str]] = {}
    for v in votes:
        voters.setdefault(v.observation_id, []).append(ext(v.member_id))
    by_theme: dict[int, list[InterpretationView]] = {}
    for i in interpretations:
        by_theme.setdefault(i.theme_id, []).append(
            InterpretationView(i.id, ext(i.member_id), name(i.member_id), i.text)
        )
    changes: dict[int, list[StatusChange]] = {}
    for h in history:
        changes.setdefault(h.agreement_id, []).append(
            StatusChange(
                h.status, h.note, name(h.member_id) if h.member_id else None, utc(h.changed_at)
            )
        )

    views = []
    for m in meetings:
        paper = papers.get(m.id)
        views.append(
            MeetingView(
                id=m.id,
                number=m.number,
                status=m.status,
                step=m.step,
                mode=m.mode,
                scheduled_at=utc(m.scheduled_at),
                facilitator=ext(m.facilitator_id),
                facilitator_name=name(m.facilitator_id),
                assessment_id=m.assessment_id,
                focus_elements=tuple(m.focus_elements or ()),
                theme_limit=m.theme_limit,
                step_deadlines=tuple(
                    utc(datetime.fromisoformat(d)) for d in (m.step_deadlines or ())
                ),
                window_days=m.window_days,
                participants=tuple(
                    ParticipantView(ext(p.member_id), name(p.member_id), _opt(p.prepared_at))
                    for p in participants
                    if p.meeting_id == m.id
                ),
                observations=tuple(
                    ObservationView(
                        o.id,
                        ext(o.member_id),
                        name(o.member_id),
                        o.kind,
                        o.text,
                        o.from_preparation,
                        tuple(voters.get(o.id, ())),
                    )
                    for o in observations
                    if o.meeting_id == m.id
                ),
                themes=tuple(
                    ThemeView(t.id, t.observation_id, t.title, tuple(by_theme.get(t.id, ())))
                    for t in themes
                    if t.meeting_id == m.id
                ),
                paper=PaperView(
                    paper.short_goal,
                    paper.long_goal,
                    paper.long_months,
                    paper.progress_data,
                    _opt(paper.next_meeting_at),
                )
                if paper
                else PaperView(),
                reviewed=tuple(r.agreement_id for r in reviews if r.meeting_id == m.id),
                started_at=_opt(m.started_at),
                ended_at=_opt(m.ended_at),
            )
        )
    agreement_views = tuple(
        AgreementView(
            id=a.id,
            number=a.number,
            what=a.what,
            owner=ext(a.owner_id),
            owner_name=name(a.owner_id),
            follow_up=ext(a.follow_up_id),
            follow_up_name=name(a.follow_up_id),
            due=a.due,
            status=a.status,
            element=a.element,
            source=a.source,
            meeting_id=a.meeting_id,
            created_at=utc(a.created_at),
            status_changed_at=utc(a.status_changed_at),
            learned=a.learned,
            history=tuple(changes.get(a.id, ())),
        )
        for a in agreements
    )
    return MeetingsData(tuple(views), agreement_views)


async def due_meetings(session: AsyncSession, now: datetime) -> list[Place]:
    """Channels with an async meeting whose start or step end is due at `now`: the scheduler
    runs `dialogs.meetings.due_step_advances` as a system turn in each."""
    rows = await session.execute(
        select(Workspace.platform, Workspace.external_id, Channel.external_id, Channel.name)
        .join(Channel, Channel.workspace_id == Workspace.id)
        .join(Meeting, Meeting.channel_id == Channel.id)
        .where(Meeting.due_at <= utc(now), Meeting.status.in_(("planned", "running")))
        .order_by(Meeting.due_at)
    )
    return [Place(p, w, c, n) for p, w, c, n in rows]


# ---- writing ----
async def _meeting(session: AsyncSession, ctx: Context, mid: int) -> Meeting:
    m = await session.get(Meeting, mid)
    if m is None or m.channel_id != ctx.channel.id:
        raise CrossTenant(f"meeting {mid}")
    return m


def _expect(m: Meeting, status: str, step: int | None = None) -> None:
    """The dialog decided on state it loaded; a concurrent turn may have moved on."""
    if m.status != status or (step is not None and m.step != step):
        raise StaleDataError(f"meeting {m.id} is {m.status}/{m.step}")


async def _member_id(session: AsyncSession, ctx: Context, external_id: str) -> int:
    """A member of this channel (never another channel's or workspace's)."""
    member_id = await session.scalar(
        select(Member.id)
        .join(ChannelMember, ChannelMember.member_id == Member.id)
        .where(
            Member.workspace_id == ctx.channel.workspace_id,
            Member.external_id == external_id,
            ChannelMember.channel_id == ctx.channel.id,
        )
    )
    if member_id is None:
        raise CrossTenant(f"member {external_id}")
    return member_id


async def _next_number(
    session: AsyncSession, model: type[Meeting] | type[Agreement], channel_id: int
) -> int:
    # A concurrent insert with the same number violates the unique key: the turn is retried.
    current = await session.scalar(
        select(func.max(model.number)).where(model.channel_id == channel_id)
    )
    return (current or 0) + 1


def _deadlines(m: Meeting) -> list[datetime]:
    return [utc(datetime.fromisoformat(d)) for d in (m.step_deadlines or ())]


def _due_after(m: Meeting, step: int) -> datetime | None:
    deadlines = _deadlines(m)
    return deadlines[step - 1] if m.mode == "async" and 1 <= step <= len(deadlines) else None


async def _participant(
    session: AsyncSession, mid: int, member_id: int, now: datetime
) -> MeetingParticipant:
    row = await session.get(MeetingParticipant, (mid, member_id))
    if row is None:
        row = MeetingParticipant(meeting_id=mid, member_id=member_id, joined_at=now)
        session.add(row)
    return row


async def _plan(session: AsyncSession, ctx: Context, op: mo.PlanMeeting, now: datetime) -> None:
    active = await session.scalar(
        select(Meeting.id).where(
            Meeting.channel_id == ctx.channel.id, Meeting.status.in_(("planned", "running"))
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
    facilitator = await _member_id(session, ctx, op.facilitator_external_id)
    people = [await _member_id(session, ctx, e) for e in op.participant_external_ids]
    deadlines = [utc(d).isoformat() for d in op.step_deadlines]
    m = Meeting(
        channel_id=ctx.channel.id,
        number=await _next_number(session, Meeting, ctx.channel.id),
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
        step_deadlines=deadlines,
        due_at=utc(op.scheduled_at) if op.mode == "async" else None,
        created_at=now,
        updated_at=now,
    )
    session.add(m)
    await session.flush()
    for member_id in dict.fromkeys(people):
        session.add(MeetingParticipant(meeting_id=m.id, member_id=member_id, joined_at=now))


async def _prepare(
    session: AsyncSession, ctx: Context, op: mo.SavePreparation, now: datetime
) -> None:
    m = await _meeting(session, ctx, op.meeting_id)
    _expect(m, "planned", PREPARATION)
    row = await _participant(session, m.id, ctx.member.id, now)
    row.prepared_at = now
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
            session.add(
                MeetingObservation(
                    meeting_id=m.id,
                    member_id=ctx.member.id,
                    kind=kind,
                    text=text,
                    from_preparation=True,
                    created_at=now,
                )
            )


async def _start(session: AsyncSession, ctx: Context, op: mo.StartMeeting, now: datetime) -> None:
    m = await _meeting(session, ctx, op.meeting_id)
    _expect(m, "planned", PREPARATION)
    m.status, m.step, m.started_at, m.updated_at = "running", SINCE, now, now
    m.due_at = _due_after(m, SINCE)
    for position, aid in enumerate(dict.fromkeys(op.reviewed_agreement_ids)):
        a = await session.get(Agreement, aid)
        if a is None or a.channel_id != ctx.channel.id:
            raise CrossTenant(f"agreement {aid}")
        session.add(MeetingReview(meeting_id=m.id, agreement_id=aid, position=position))


async def _advance(
    session: AsyncSession, ctx: Context, op: mo.AdvanceMeeting, now: datetime
) -> None:
    m = await _meeting(session, ctx, op.meeting_id)
    _expect(m, "running", op.from_step)
    if op.to_step != op.from_step + 1 or not SINCE < op.to_step <= FINISHED:
        raise ValueError(f"cannot go from step {op.from_step} to {op.to_step}")
    m.step, m.updated_at = op.to_step, now
    if op.to_step == FINISHED:
        m.status, m.ended_at, m.due_at = "done", now, None
    else:
        m.due_at = _due_after(m, op.to_step)


async def _cancel(session: AsyncSession, ctx: Context, op: mo.CancelMeeting, now: datetime) -> None:
    m = await _meeting(session, ctx, op.meeting_id)
    if m.status not in ("planned", "running"):
        raise StaleDataError(f"meeting {m.id} is {m.status}")
    m.status, m.due_at, m.ended_at, m.updated_at = "cancelled", None, now, now


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


async def _votes(session: AsyncSession, ctx: Context, op: mo.CastVotes, now: datetime) -> None:
    m = await _meeting(session, ctx, op.meeting_id)
    _expect(m, "running", EXPLORE)
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


async def _themes(session: AsyncSession, ctx: Context, op: mo.SetThemes, now: datetime) -> None:
    m = await _meeting(session, ctx, op.meeting_id)
    _expect(m, "running", EXPLORE)
    await _observations_of(session, m.id, [*op.among, *op.chosen])
    current = {
        t.observation_id: t
        for t in await session.scalars(select(MeetingTheme).where(MeetingTheme.meeting_id == m.id))
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


async def _interpret(
    session: AsyncSession, ctx: Context, op: mo.AddInterpretation, now: datetime
) -> None:
    m = await _meeting(session, ctx, op.meeting_id)
    _expect(m, "running", INTERPRET)
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


async def _paper(session: AsyncSession, ctx: Context, op: mo.SavePaper, now: datetime) -> None:
    m = await _meeting(session, ctx, op.meeting_id)
    _expect(m, "running", ACT)
    await session.merge(
        AgreementPaper(
            meeting_id=m.id,
            short_goal=op.short_goal,
            long_goal=op.long_goal,
            long_months=op.long_months,
            progress_data=op.progress_data,
            next_meeting_at=_opt(op.next_meeting_at),
            updated_by=ctx.member.id,
            updated_at=now,
        )
    )


async def _create_agreement(
    session: AsyncSession, ctx: Context, op: mo.CreateAgreement, now: datetime
) -> None:
    if op.meeting_id is not None:
        m = await _meeting(session, ctx, op.meeting_id)
        _expect(m, "running", ACT)
    if not op.what.strip():
        raise ValueError("an agreement needs a what")
    owner = await _member_id(session, ctx, op.owner_external_id)
    follow_up = await _member_id(session, ctx, op.follow_up_external_id)
    a = Agreement(
        channel_id=ctx.channel.id,
        number=await _next_number(session, Agreement, ctx.channel.id),
        meeting_id=op.meeting_id,
        element=op.element,
        what=op.what,
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


async def _set_status(
    session: AsyncSession, ctx: Context, op: mo.SetAgreementStatus, now: datetime
) -> None:
    if op.status not in STATUSES:
        raise ValueError(op.status)
    a = await session.get(Agreement, op.agreement_id)
    if a is None or a.channel_id != ctx.channel.id:
        raise CrossTenant(f"agreement {op.agreement_id}")
    if a.status != op.status:
        a.status, a.status_changed_at = op.status, now
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


async def apply(session: AsyncSession, ctx: Context, op: object, now: datetime) -> None:
    now = utc(now)
    match op:
        case mo.PlanMeeting():
            await _plan(session, ctx, op, now)
        case mo.JoinMeeting(mid):
            m = await _meeting(session, ctx, mid)
            if m.status not in ("planned", "running"):
                raise StaleDataError(f"meeting {mid} is {m.status}")
            await _participant(session, m.id, ctx.member.id, now)
        case mo.SavePreparation():
            await _prepare(session, ctx, op, now)
        case mo.StartMeeting():
            await _start(session, ctx, op, now)
        case mo.AdvanceMeeting():
            await _advance(session, ctx, op, now)
        case mo.CancelMeeting():
            await _cancel(session, ctx, op, now)
        case mo.AddObservation(mid, text):
            m = await _meeting(session, ctx, mid)
            _expect(m, "running", EXPLORE)
            session.add(
                MeetingObservation(
                    meeting_id=m.id,
                    member_id=ctx.member.id,
                    kind="observation",
                    text=text,
                    from_preparation=False,
                    created_at=now,
                )
            )
        case mo.CastVotes():
            await _votes(session, ctx, op, now)
        case mo.SetThemes():
            await _themes(session, ctx, op, now)
        case mo.AddInterpretation():
            await _interpret(session, ctx, op, now)
        case mo.SavePaper():
            await _paper(session, ctx, op, now)
        case mo.CreateAgreement():
            await _create_agreement(session, ctx, op, now)
        case mo.SetAgreementStatus():
            await _set_status(session, ctx, op, now)
        case _:
            raise TypeError(f"unknown operation {op!r}")
    await session.flush()


class MeetingStore:
    """Reflection meetings and agreements (`turn.extra["meetings"]`: a MeetingsData)."""

    name = "meetings"
    op_types: tuple[type, ...] = mo.OP_TYPES

    async def load(self, session: AsyncSession, ctx: Context, now: datetime) -> MeetingsData:
        return await load_meetings(session, ctx.channel.id)

    async def apply(self, session: AsyncSession, ctx: Context, op: object, now: datetime) -> None:
        await apply(session, ctx, op, now)
