"""The results discussion's storage half: its read model for each turn, its data operations
and the planning of its timed step changes.

Every id in an operation is checked against the channel of the request (CrossTenant). An
operation that finds the discussion in another step than the dialog saw (a concurrent turn won)
raises StaleDataError, which makes the engine run the whole turn again on fresh state.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from dialogs.calendar import utc
from dialogs.discussion import ops
from dialogs.discussion.model import (
    CANCELLED,
    DONE,
    FINISHED,
    KINDS,
    LOWEST,
    NOTES,
    OWNER,
    POTENTIAL,
    ROUND,
    RUNNING,
    VOTE,
    DiscussionView,
    NoteView,
)
from dialogs.discussion.reminders import DISCUSSION, DISCUSSION_STEP, plan_step
from dialogs.reminders.queue import Planned
from storage import reminders
from storage.discussion_models import Discussion, DiscussionNote, DiscussionVote
from storage.feature import Applying, FeatureStore, applies
from storage.models import Assessment, Member
from storage.steps import deadlines, due_after, opt_utc, recast_votes, stored_deadlines
from storage.turns import Context, CrossTenant


async def discussion_view(session: AsyncSession, d: Discussion) -> DiscussionView:
    voters: dict[int, list[str]] = {}
    for note_id, external_id in await session.execute(
        select(DiscussionVote.note_id, Member.external_id)
        .join(Member, Member.id == DiscussionVote.member_id)
        .where(DiscussionVote.discussion_id == d.id)
        .order_by(DiscussionVote.created_at, DiscussionVote.member_id)
    ):
        voters.setdefault(note_id, []).append(external_id)
    notes = tuple(
        NoteView(
            n.id,
            external_id,
            name,
            n.kind,
            n.text,
            n.element,
            tuple(voters.get(n.id, ())),
            n.agreed_at is not None,
        )
        for n, external_id, name in await session.execute(
            select(DiscussionNote, Member.external_id, Member.display_name)
            .join(Member, Member.id == DiscussionNote.member_id)
            .where(DiscussionNote.discussion_id == d.id)
            .order_by(DiscussionNote.id)
        )
    )
    return DiscussionView(
        id=d.id,
        assessment_id=d.assessment_id,
        status=d.status,
        step=d.step,
        mode=d.mode,
        window_days=d.window_days,
        vote_limit=d.vote_limit,
        step_deadlines=deadlines(d.step_deadlines),
        started_at=utc(d.started_at),
        ended_at=opt_utc(d.ended_at),
        meeting_planned_at=opt_utc(d.meeting_planned_at),
        notes=notes,
    )


def _expect(d: Discussion, *steps: int) -> None:
    """The dialog decided on the state it loaded; a concurrent turn may have moved on."""
    if d.status != RUNNING or d.step not in steps:
        raise StaleDataError(f"discussion {d.id} is {d.status}/{d.step}")


class DiscussionStore(FeatureStore):
    """`turn.extra["discussion"]`: the channel's latest discussion (a DiscussionView) or None.
    Times are stored in UTC: SQLite keeps no zone."""

    name = OWNER

    async def load(
        self, session: AsyncSession, ctx: Context, now: datetime, before: object | None = None
    ) -> DiscussionView | None:
        row = await session.scalar(
            select(Discussion)
            .where(Discussion.channel_id == ctx.channel.id)
            .order_by(Discussion.id.desc())
            .limit(1)
        )
        return await discussion_view(session, row) if row is not None else None

    async def apply(self, session: AsyncSession, ctx: Context, op: object, now: datetime) -> None:
        await super().apply(session, ctx, op, utc(now))

    @applies(ops.StartDiscussion)
    async def start(self, w: Applying, op: ops.StartDiscussion) -> None:
        a = await w.own(Assessment, op.assessment_id)
        channel_id = w.ctx.channel.id
        running = await w.session.scalar(
            select(Discussion.id).where(
                Discussion.channel_id == channel_id, Discussion.status == RUNNING
            )
        )
        if running is not None or a.status != "closed":
            raise StaleDataError("a discussion runs already, or the round was reopened")
        if op.mode not in ("live", "async"):
            raise ValueError(op.mode)
        d = Discussion(
            channel_id=channel_id,
            assessment_id=a.id,
            status=RUNNING,
            step=NOTES,
            mode=op.mode,
            window_days=op.window_days,
            vote_limit=op.vote_limit,
            step_deadlines=stored_deadlines(op.step_deadlines),
            started_by=w.ctx.member.id,
            started_at=w.now,
        )
        d.due_at = due_after(d.mode, d.step_deadlines, NOTES)
        w.session.add(d)

    @applies(ops.SetNotes)
    async def set_notes(self, w: Applying, op: ops.SetNotes) -> None:
        d = await w.own(Discussion, op.discussion_id)
        _expect(d, NOTES, ROUND, LOWEST)
        mine = DiscussionNote.discussion_id == d.id, DiscussionNote.member_id == w.ctx.member.id
        # A potential noted on an element's card (step 3) keeps its element when it is kept.
        elements = {
            text: element
            for text, element in await w.session.execute(
                select(DiscussionNote.text, DiscussionNote.element).where(
                    *mine, DiscussionNote.kind == POTENTIAL
                )
            )
        }
        await w.session.execute(delete(DiscussionNote).where(*mine))
        for kind, items in zip(KINDS, (op.strengths, op.potentials, op.surprises), strict=True):
            for text in items:
                element = elements.get(text) if kind == POTENTIAL else None
                w.session.add(_note(w, d.id, kind, text, element))

    @applies(ops.AddNote)
    async def add_note(self, w: Applying, op: ops.AddNote) -> None:
        d = await w.own(Discussion, op.discussion_id)
        _expect(d, NOTES, ROUND, LOWEST)
        if op.kind not in KINDS:
            raise ValueError(op.kind)
        w.session.add(_note(w, d.id, op.kind, op.text, op.element))

    @applies(ops.AdvanceDiscussion)
    async def advance(self, w: Applying, op: ops.AdvanceDiscussion) -> None:
        d = await w.own(Discussion, op.discussion_id)
        _expect(d, op.from_step)
        if op.to_step != op.from_step + 1 or not NOTES < op.to_step <= FINISHED:
            raise ValueError(f"{op.from_step} -> {op.to_step}")
        d.step = op.to_step
        d.due_at = due_after(d.mode, d.step_deadlines, op.to_step)
        if op.to_step == FINISHED:
            d.status, d.ended_at = DONE, w.now

    @applies(ops.CastDiscussionVotes)
    async def vote(self, w: Applying, op: ops.CastDiscussionVotes) -> None:
        d = await w.own(Discussion, op.discussion_id)
        _expect(d, VOTE)
        among = set(op.among)
        if not set(op.chosen) <= among:
            raise ValueError("chosen outside among")
        found = set(
            await w.session.scalars(
                select(DiscussionNote.id).where(
                    DiscussionNote.discussion_id == d.id,
                    DiscussionNote.kind == POTENTIAL,
                    DiscussionNote.id.in_(sorted(among)),
                )
            )
        )
        if found != among:
            raise CrossTenant(f"potentials {sorted(among - found)}")
        await recast_votes(w, DiscussionVote, "note_id", among, op.chosen, discussion_id=d.id)

    @applies(ops.MarkPotentialAgreed)
    async def mark_agreed(self, w: Applying, op: ops.MarkPotentialAgreed) -> None:
        d = await w.own(Discussion, op.discussion_id)
        note = await w.child(DiscussionNote, op.note_id, discussion_id=d.id)
        note.agreed_at = note.agreed_at or w.now

    @applies(ops.MarkMeetingPlanned)
    async def mark_meeting(self, w: Applying, op: ops.MarkMeetingPlanned) -> None:
        d = await w.own(Discussion, op.discussion_id)
        d.meeting_planned_at = d.meeting_planned_at or w.now

    @applies(ops.CancelDiscussion)
    async def cancel(self, w: Applying, op: ops.CancelDiscussion) -> None:
        d = await w.own(Discussion, op.discussion_id)
        if d.status != RUNNING:
            raise StaleDataError(f"discussion {d.id} is {d.status}")
        d.status, d.ended_at, d.due_at = CANCELLED, w.now, None


def _note(w: Applying, did: int, kind: str, text: str, element: int | None) -> DiscussionNote:
    return DiscussionNote(
        discussion_id=did,
        member_id=w.ctx.member.id,
        kind=kind,
        text=text,
        element=element,
        created_at=w.now,
    )


async def plan_reminders(session: AsyncSession, now: datetime) -> None:
    """One row for each running asynchronous discussion's next step change, at the time the
    store keeps (`Discussion.due_at`); rows for discussions that moved on are cancelled."""
    rows = (
        await session.execute(
            select(Discussion.id, Discussion.channel_id, Discussion.due_at).where(
                Discussion.status == RUNNING, Discussion.due_at.is_not(None)
            )
        )
    ).all()
    wanted: dict[str, tuple[int, Planned]] = {}
    for did, channel_id, due_at in rows:
        if due_at is None:  # (the query leaves these out; this tells the type checker)
            continue
        planned = plan_step(did, utc(due_at))
        wanted[planned.key] = (channel_id, planned)
    await reminders.sync(session, DISCUSSION, (DISCUSSION_STEP,), wanted, now)
