"""Reading the meetings feature's data: the channel's meetings and agreements as the dialogs
see them (`turn.extra["meetings"]`), and the channels with an async meeting step due."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.calendar import utc
from dialogs.meetings.model import (
    OBSERVATION_KINDS,
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
from storage.models import Channel, Member, Workspace
from storage.turns import Place


def opt_utc(dt: datetime | None) -> datetime | None:
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
                    ParticipantView(ext(p.member_id), name(p.member_id), opt_utc(p.prepared_at))
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
                    opt_utc(paper.next_meeting_at),
                )
                if paper
                else PaperView(),
                reviewed=tuple(r.agreement_id for r in reviews if r.meeting_id == m.id),
                started_at=opt_utc(m.started_at),
                ended_at=opt_utc(m.ended_at),
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
