"""Queries and writes for one unit of work. Every query is scoped to a channel (tenant)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogs import effects as fx
from dialogs.model import AssessmentView, DecisionView, MemberAnswerView, MemberView, Turn
from storage.models import (
    Assessment,
    Channel,
    ChannelMember,
    DialogState,
    ElementNote,
    Member,
    MemberAnswer,
    PostedMessage,
    Practice,
    ProcessedEvent,
    TeamDecision,
    Workspace,
)

# The member id used for system-initiated turns (reminders, nudges); never shown as a member.
SYSTEM_ACTOR = "__lovende__"


class CrossTenant(Exception):
    """An id that does not belong to the channel of the request."""


@dataclass(frozen=True)
class Place:
    platform: str
    workspace: str
    channel: str
    channel_name: str | None = None


@dataclass
class Context:
    workspace: Workspace
    channel: Channel
    member: Member
    role: str


async def seen_event(session: AsyncSession, key: str, now: datetime) -> bool:
    """True when the event was handled before; otherwise remember it (same transaction)."""
    if await session.get(ProcessedEvent, key) is not None:
        return True
    session.add(ProcessedEvent(event_key=key, processed_at=now))
    await session.flush()
    return False


async def forget_events(session: AsyncSession, before: datetime) -> int:
    """Drop processed-event keys older than `before` (redeliveries and replays come within
    minutes; the keys hold no content). The number dropped."""
    result = await session.execute(
        delete(ProcessedEvent).where(ProcessedEvent.processed_at < before)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def _workspace(session: AsyncSession, place: Place, now: datetime) -> Workspace:
    ws = await session.scalar(
        select(Workspace).where(
            Workspace.platform == place.platform, Workspace.external_id == place.workspace
        )
    )
    if ws is None:
        ws = Workspace(platform=place.platform, external_id=place.workspace, created_at=now)
        session.add(ws)
        await session.flush()
    return ws


async def _workspace_channel(
    session: AsyncSession, place: Place, now: datetime
) -> tuple[Workspace, Channel]:
    # One query for the usual case (both known); created on a workspace's or channel's first turn.
    row = (
        await session.execute(
            select(Workspace, Channel)
            .join(Channel, Channel.workspace_id == Workspace.id)
            .where(
                Workspace.platform == place.platform,
                Workspace.external_id == place.workspace,
                Channel.external_id == place.channel,
            )
        )
    ).first()
    if row is not None:
        return row[0], row[1]
    ws = await _workspace(session, place, now)
    return ws, await _channel_in(session, ws, place, now)


async def _channel_in(session: AsyncSession, ws: Workspace, place: Place, now: datetime) -> Channel:
    ch = await session.scalar(
        select(Channel).where(Channel.workspace_id == ws.id, Channel.external_id == place.channel)
    )
    if ch is None:
        ch = Channel(
            workspace_id=ws.id,
            external_id=place.channel,
            name=place.channel_name,
            settings={},
            created_at=now,
        )
        session.add(ch)
        await session.flush()
    return ch


async def member_for(
    session: AsyncSession, channel: Channel, external_id: str, name: str | None, now: datetime
) -> tuple[Member, str]:
    row = (
        await session.execute(
            select(Member, ChannelMember)
            .outerjoin(
                ChannelMember,
                (ChannelMember.member_id == Member.id) & (ChannelMember.channel_id == channel.id),
            )
            .where(Member.workspace_id == channel.workspace_id, Member.external_id == external_id)
        )
    ).first()
    m, cm = (row[0], row[1]) if row is not None else (None, None)
    if m is None:
        m = Member(
            workspace_id=channel.workspace_id,
            external_id=external_id,
            display_name=name or external_id,
            created_at=now,
        )
        session.add(m)
        await session.flush()
    elif name and m.display_name != name:
        m.display_name = name
    if cm is None:
        cm = ChannelMember(channel_id=channel.id, member_id=m.id, role="member", joined_at=now)
        session.add(cm)
        await session.flush()
    return m, cm.role


async def context_for(
    session: AsyncSession, place: Place, user: str, user_name: str | None, now: datetime
) -> Context:
    ws, channel = await _workspace_channel(session, place, now)
    member, role = await member_for(session, channel, user, user_name, now)
    return Context(ws, channel, member, role)


# ---- reading ----
async def channel_members(session: AsyncSession, channel: Channel) -> tuple[MemberView, ...]:
    rows = await session.execute(
        select(Member.external_id, Member.display_name, ChannelMember.role)
        .join(ChannelMember, ChannelMember.member_id == Member.id)
        .where(ChannelMember.channel_id == channel.id, Member.external_id != SYSTEM_ACTOR)
        .order_by(Member.id)
    )
    return tuple(MemberView(e, n, r) for e, n, r in rows)


async def current_assessment(session: AsyncSession, channel: Channel) -> Assessment | None:
    """The channel's open round, else its latest closed one."""
    open_round = await session.scalar(
        select(Assessment)
        .where(Assessment.channel_id == channel.id, Assessment.status == "open")
        .order_by(Assessment.id.desc())
        .limit(1)
    )
    if open_round is not None:
        return open_round
    return await session.scalar(
        select(Assessment)
        .where(Assessment.channel_id == channel.id)
        .order_by(Assessment.id.desc())
        .limit(1)
    )


async def assessment_view(
    session: AsyncSession,
    a: Assessment,
    *,
    with_previous: bool = True,
    known_previous: AssessmentView | None = None,
) -> AssessmentView:
    """The round as the dialogs see it; `known_previous`: the previous round's view if the
    caller has it (a closed round does not change within a turn)."""
    practice = await session.get(Practice, a.practice_id)
    assert practice is not None
    answers: dict[str, list[MemberAnswerView]] = {}
    # Columns, not entities: a round of a big team has hundreds of answers, loaded on every
    # click (twice), and building ORM objects for them was most of a turn's work.
    rows = await session.execute(
        select(
            MemberAnswer.question_id,
            Member.external_id,
            Member.display_name,
            MemberAnswer.value,
            MemberAnswer.comment,
        )
        .join(Member, Member.id == MemberAnswer.member_id)
        .where(MemberAnswer.assessment_id == a.id)
        .order_by(MemberAnswer.id)
    )
    for question, ext, name, value, comment in rows:
        answers.setdefault(question, []).append(MemberAnswerView(ext, name, value, comment))
    decisions = {}
    for d, name in await session.execute(
        select(TeamDecision, Member.display_name)
        .outerjoin(Member, Member.id == TeamDecision.decided_by)
        .where(TeamDecision.assessment_id == a.id)
    ):
        decisions[d.question_id] = DecisionView(d.value, d.justification, name)
    notes = {
        n.element_no: (n.overall, n.potential)
        for n in await session.scalars(select(ElementNote).where(ElementNote.assessment_id == a.id))
    }
    previous = None
    if known_previous is not None and known_previous.id == a.previous_id:
        previous = known_previous
    elif with_previous and a.previous_id is not None:
        prev = await session.get(Assessment, a.previous_id)
        if prev is not None and prev.channel_id == a.channel_id:
            previous = await assessment_view(session, prev, with_previous=False)
    return AssessmentView(
        id=a.id,
        practice_name=practice.name,
        delimitation=practice.delimitation,
        round_no=a.round_no,
        status=a.status,
        pacing=a.pacing,
        current_element=a.current_element,
        started_at=a.started_at,
        closed_at=a.closed_at,
        answers={k: tuple(v) for k, v in answers.items()},
        decisions=decisions,
        notes=notes,
        overall_assessment=a.overall_assessment,
        overall_potentials=a.overall_potentials,
        previous=previous,
    )


def state_key(ctx: Context) -> str:
    return f"{ctx.channel.id}:{ctx.member.id}"


async def load_turn(
    session: AsyncSession, ctx: Context, now: datetime, before: Turn | None = None
) -> Turn:
    """The core read model; `before`: the same turn loaded earlier in this transaction, whose
    unchanging parts (the previous, closed round) are reused."""
    members = await channel_members(session, ctx.channel)
    actor = next(
        (m for m in members if m.external_id == ctx.member.external_id),
        MemberView(ctx.member.external_id, ctx.member.display_name, "system"),
    )
    a = await current_assessment(session, ctx.channel)
    state = await session.scalar(
        select(DialogState).where(DialogState.conversation_key == state_key(ctx))
    )
    return Turn(
        now=now,
        lang=ctx.channel.language,
        channel_settings=dict(ctx.channel.settings or {}),
        actor=actor,
        members=members,
        assessment=await assessment_view(session, a, known_previous=_previous(before))
        if a
        else None,
        state_kind=state.kind if state else None,
        state_data=dict(state.data) if state else {},
    )


def _previous(turn: Turn | None) -> AssessmentView | None:
    return turn.assessment.previous if turn is not None and turn.assessment else None


# ---- writing ----
async def _own_assessment(session: AsyncSession, ctx: Context, aid: int) -> Assessment:
    a = await session.get(Assessment, aid)
    if a is None or a.channel_id != ctx.channel.id:
        raise CrossTenant(f"assessment {aid}")
    return a


async def _start(
    session: AsyncSession, ctx: Context, op: fx.StartAssessment, now: datetime
) -> None:
    practice = await session.scalar(
        select(Practice).where(
            Practice.channel_id == ctx.channel.id,
            func.lower(Practice.name) == op.practice_name.lower(),
        )
    )
    previous = None
    if practice is None:
        practice = Practice(
            channel_id=ctx.channel.id,
            name=op.practice_name,
            created_by=ctx.member.id,
            created_at=now,
        )
        session.add(practice)
        await session.flush()
    else:
        previous = await session.scalar(
            select(Assessment)
            .where(Assessment.practice_id == practice.id, Assessment.status == "closed")
            .order_by(Assessment.round_no.desc())
            .limit(1)
        )
    session.add(
        Assessment(
            practice_id=practice.id,
            channel_id=ctx.channel.id,
            round_no=(previous.round_no + 1) if previous else 1,
            previous_id=previous.id if previous else None,
            status="open",
            started_by=ctx.member.id,
            started_at=now,
        )
    )


async def _member_answer(session: AsyncSession, ctx: Context, aid: int, qid: str) -> MemberAnswer:
    row = await session.scalar(
        select(MemberAnswer).where(
            MemberAnswer.assessment_id == aid,
            MemberAnswer.question_id == qid,
            MemberAnswer.member_id == ctx.member.id,
        )
    )
    if row is None:
        row = MemberAnswer(assessment_id=aid, question_id=qid, member_id=ctx.member.id)
        session.add(row)
    return row


async def _set_role(session: AsyncSession, ctx: Context, op: fx.SetRole, now: datetime) -> None:
    m = await session.scalar(
        select(Member).where(
            Member.workspace_id == ctx.channel.workspace_id,
            Member.external_id == op.member_external_id,
        )
    )
    if m is None:
        raise CrossTenant(f"member {op.member_external_id}")
    cm = await session.get(ChannelMember, (ctx.channel.id, m.id))
    if cm is None:
        session.add(
            ChannelMember(channel_id=ctx.channel.id, member_id=m.id, role=op.role, joined_at=now)
        )
    else:
        cm.role = op.role


async def _set_state(
    session: AsyncSession, ctx: Context, op: fx.SetDialogState, now: datetime
) -> None:
    row = await session.scalar(
        select(DialogState).where(DialogState.conversation_key == state_key(ctx))
    )
    if op.kind is None:
        if row is not None:
            await session.delete(row)
        return
    if row is None:
        session.add(
            DialogState(conversation_key=state_key(ctx), kind=op.kind, data=op.data, updated_at=now)
        )
    else:
        row.kind, row.data, row.updated_at = op.kind, dict(op.data), now


async def apply(session: AsyncSession, ctx: Context, op: fx.DataOp, now: datetime) -> None:
    match op:
        case fx.StartAssessment():
            await _start(session, ctx, op, now)
        case fx.SetDelimitation(aid, text):
            a = await _own_assessment(session, ctx, aid)
            practice = await session.get(Practice, a.practice_id)
            assert practice is not None
            practice.delimitation = text
        case fx.SetPacing(aid, pacing, current):
            a = await _own_assessment(session, ctx, aid)
            a.pacing, a.current_element = pacing, current
        case fx.SetMemberAnswer(aid, qid, value, comment, keep_comment):
            await _own_assessment(session, ctx, aid)
            row = await _member_answer(session, ctx, aid, qid)
            row.value, row.updated_at = value, now
            if comment is not None or not keep_comment:
                row.comment = comment
        case fx.SetMemberComment(aid, qid, comment):
            await _own_assessment(session, ctx, aid)
            row = await _member_answer(session, ctx, aid, qid)
            row.comment, row.updated_at = comment, now
        case fx.SetTeamDecision(aid, qid, value, why):
            await _own_assessment(session, ctx, aid)
            await session.merge(
                TeamDecision(
                    assessment_id=aid,
                    question_id=qid,
                    value=value,
                    justification=why,
                    decided_by=ctx.member.id,
                    decided_at=now,
                )
            )
        case fx.SetElementNotes(aid, number, overall, potential):
            await _own_assessment(session, ctx, aid)
            await session.merge(
                ElementNote(
                    assessment_id=aid,
                    element_no=number,
                    overall=overall,
                    potential=potential,
                    updated_by=ctx.member.id,
                    updated_at=now,
                )
            )
        case fx.SetOverallNotes(aid, overall, potentials):
            a = await _own_assessment(session, ctx, aid)
            a.overall_assessment, a.overall_potentials = overall, potentials
        case fx.CloseAssessment(aid):
            a = await _own_assessment(session, ctx, aid)
            a.status, a.closed_at, a.closed_by = "closed", now, ctx.member.id
        case fx.SetRole():
            await _set_role(session, ctx, op, now)
        case fx.SetDialogState():
            await _set_state(session, ctx, op, now)
        case _:
            raise TypeError(f"unknown operation {op!r}")
    await session.flush()


# ---- posted message references ----
async def posted_refs(session: AsyncSession, channel_id: int, keys: set[str]) -> dict[str, str]:
    """The platform references of the messages posted under some keys (those posted)."""
    if not keys:
        return {}
    rows = await session.execute(
        select(PostedMessage.key, PostedMessage.ref).where(
            PostedMessage.channel_id == channel_id, PostedMessage.key.in_(keys)
        )
    )
    return {key: ref for key, ref in rows}


async def save_ref(
    session: AsyncSession, channel_id: int, key: str, ref: str, now: datetime
) -> None:
    await session.execute(
        delete(PostedMessage).where(
            PostedMessage.channel_id == channel_id, PostedMessage.key == key
        )
    )
    session.add(PostedMessage(channel_id=channel_id, key=key, ref=ref, created_at=now))


class AssessmentStore:
    """The assessment's data operations (its read model is part of every Turn)."""

    name = "assessment"
    op_types: tuple[type, ...] = (
        fx.StartAssessment,
        fx.SetDelimitation,
        fx.SetPacing,
        fx.SetMemberAnswer,
        fx.SetMemberComment,
        fx.SetTeamDecision,
        fx.SetElementNotes,
        fx.SetOverallNotes,
        fx.CloseAssessment,
        fx.SetRole,
        fx.SetDialogState,
    )

    async def load(self, session: AsyncSession, ctx: Context, now: datetime) -> None:
        return None

    async def apply(self, session: AsyncSession, ctx: Context, op: object, now: datetime) -> None:
        await apply(session, ctx, op, now)  # type: ignore[arg-type]
