"""Reading the meetings feature's data: the channel's meetings and agreements as the dialogs
see them (`turn.extra["meetings"]`), and the channels with an async meeting step due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

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
from storage.steps import deadlines, opt_utc
from storage.turns import Place

Row = TypeVar("Row")


def shown_order(o: MeetingObservation) -> tuple[bool, int, int]:
    """Preparation points grouped by kind (fixed once the dialogue starts), then the
    observations added during *Udforsk* as they come: numbers never change once shown."""
    kind = (
        OBSERVATION_KINDS.index(o.kind) if o.kind in OBSERVATION_KINDS else len(OBSERVATION_KINDS)
    )
    return (not o.from_preparation, kind, o.id)


# ---- loading ----
@dataclass
class _Rows:
    """A channel's meetings and agreements with everything hanging off them."""

    meetings: list[Meeting]
    agreements: list[Agreement]
    participants: list[MeetingParticipant]
    observations: list[MeetingObservation]
    votes: list[MeetingVote]
    themes: list[MeetingTheme]
    interpretations: list[MeetingInterpretation]
    papers: dict[int, AgreementPaper]
    reviews: list[MeetingReview]
    history: list[AgreementStatusChange]

    def member_ids(self) -> set[int]:
        ids = [m.facilitator_id for m in self.meetings]
        for rows in (self.participants, self.observations, self.votes, self.interpretations):
            ids += [r.member_id for r in rows]
        ids += [a.owner_id for a in self.agreements] + [a.follow_up_id for a in self.agreements]
        ids += [h.member_id for h in self.history]
        return {i for i in ids if i is not None}


async def _of(
    session: AsyncSession, model: type[Row], column: Any, ids: list[int], *order: Any
) -> list[Row]:
    """The rows of `model` whose `column` is one of `ids` (no query for no ids)."""
    if not ids:
        return []
    return list(await session.scalars(select(model).where(column.in_(ids)).order_by(*order)))


async def _rows(session: AsyncSession, channel_id: int) -> _Rows:
    ch = [channel_id]
    meetings = await _of(session, Meeting, Meeting.channel_id, ch, Meeting.id)
    agreements = await _of(session, Agreement, Agreement.channel_id, ch, Agreement.number)
    mids, aids = [m.id for m in meetings], [a.id for a in agreements]
    papers = await _of(session, AgreementPaper, AgreementPaper.meeting_id, mids)
    return _Rows(
        meetings=meetings,
        agreements=agreements,
        participants=await _of(
            session,
            MeetingParticipant,
            MeetingParticipant.meeting_id,
            mids,
            MeetingParticipant.joined_at,
            MeetingParticipant.member_id,
        ),
        observations=sorted(
            await _of(session, MeetingObservation, MeetingObservation.meeting_id, mids),
            key=shown_order,
        ),
        votes=await _of(session, MeetingVote, MeetingVote.meeting_id, mids),
        themes=await _of(
            session,
            MeetingTheme,
            MeetingTheme.meeting_id,
            mids,
            MeetingTheme.position,
            MeetingTheme.id,
        ),
        interpretations=await _of(
            session,
            MeetingInterpretation,
            MeetingInterpretation.meeting_id,
            mids,
            MeetingInterpretation.id,
        ),
        papers={p.meeting_id: p for p in papers},
        reviews=await _of(
            session, MeetingReview, MeetingReview.meeting_id, mids, MeetingReview.position
        ),
        history=await _of(
            session,
            AgreementStatusChange,
            AgreementStatusChange.agreement_id,
            aids,
            AgreementStatusChange.id,
        ),
    )


class _People:
    """Members by database id: their external id and display name."""

    def __init__(self, names: dict[int, tuple[str, str]]) -> None:
        self.names = names

    def ext(self, member_id: int | None) -> str:
        return self.names.get(member_id or -1, ("", ""))[0]

    def name(self, member_id: int | None) -> str:
        return self.names.get(member_id or -1, ("", "?"))[1]


async def _people(session: AsyncSession, ids: set[int]) -> _People:
    if not ids:
        return _People({})
    rows = await session.execute(
        select(Member.id, Member.external_id, Member.display_name).where(Member.id.in_(ids))
    )
    return _People({i: (e, n) for i, e, n in rows})


async def load_meetings(session: AsyncSession, channel_id: int) -> MeetingsData:
    rows = await _rows(session, channel_id)
    if not rows.meetings and not rows.agreements:
        return MeetingsData()
    people = await _people(session, rows.member_ids())
    voters: dict[int, list[str]] = {}
    for v in rows.votes:
        voters.setdefault(v.observation_id, []).append(people.ext(v.member_id))
    by_theme: dict[int, list[InterpretationView]] = {}
    for i in rows.interpretations:
        view = InterpretationView(i.id, people.ext(i.member_id), people.name(i.member_id), i.text)
        by_theme.setdefault(i.theme_id, []).append(view)
    changes: dict[int, list[StatusChange]] = {}
    for h in rows.history:
        who = people.name(h.member_id) if h.member_id else None
        changes.setdefault(h.agreement_id, []).append(
            StatusChange(h.status, h.note, who, utc(h.changed_at))
        )
    meetings = tuple(_meeting_view(m, rows, people, voters, by_theme) for m in rows.meetings)
    agreements = tuple(_agreement_view(a, people, changes) for a in rows.agreements)
    return MeetingsData(meetings, agreements)


def _meeting_view(
    m: Meeting,
    rows: _Rows,
    people: _People,
    voters: dict[int, list[str]],
    by_theme: dict[int, list[InterpretationView]],
) -> MeetingView:
    paper = rows.papers.get(m.id)
    return MeetingView(
        id=m.id,
        number=m.number,
        status=m.status,
        step=m.step,
        mode=m.mode,
        scheduled_at=utc(m.scheduled_at),
        facilitator=people.ext(m.facilitator_id),
        facilitator_name=people.name(m.facilitator_id),
        assessment_id=m.assessment_id,
        focus_elements=tuple(m.focus_elements or ()),
        theme_limit=m.theme_limit,
        step_deadlines=deadlines(m.step_deadlines),
        window_days=m.window_days,
        participants=tuple(
            ParticipantView(
                people.ext(p.member_id), people.name(p.member_id), opt_utc(p.prepared_at)
            )
            for p in rows.participants
            if p.meeting_id == m.id
        ),
        observations=tuple(
            ObservationView(
                o.id,
                people.ext(o.member_id),
                people.name(o.member_id),
                o.kind,
                o.text,
                o.from_preparation,
                tuple(voters.get(o.id, ())),
            )
            for o in rows.observations
            if o.meeting_id == m.id
        ),
        themes=tuple(
            ThemeView(t.id, t.observation_id, t.title, tuple(by_theme.get(t.id, ())))
            for t in rows.themes
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
        reviewed=tuple(r.agreement_id for r in rows.reviews if r.meeting_id == m.id),
        started_at=opt_utc(m.started_at),
        ended_at=opt_utc(m.ended_at),
    )


def _agreement_view(
    a: Agreement, people: _People, changes: dict[int, list[StatusChange]]
) -> AgreementView:
    return AgreementView(
        id=a.id,
        number=a.number,
        what=a.what,
        owner=people.ext(a.owner_id),
        owner_name=people.name(a.owner_id),
        follow_up=people.ext(a.follow_up_id),
        follow_up_name=people.name(a.follow_up_id),
        due=a.due,
        status=a.status,
        element=a.element,
        source=a.source,
        meeting_id=a.meeting_id,
        created_at=utc(a.created_at),
        status_changed_at=utc(a.status_changed_at),
        learned=a.learned,
        history=tuple(changes.get(a.id, ())),
        signal=a.signal,
    )


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
