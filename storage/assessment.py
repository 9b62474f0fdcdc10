"""The assessment's storage half: the channel's current round as the dialogs see it
(`turn.extra["assessment"]`) and the assessment's data operations. Every id in an operation is
checked against the request's channel (CrossTenant).

Last received wins (storage/turns.py): an answer, a comment, a team answer, the notes and the
delimitation are stamped with the received time of what set them, and an operation received
before that stamp leaves them alone. Rows are read for update, so that on PostgreSQL two turns
of the same value take their turns (SQLite's writers do anyway)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    delete,
    exists,
    func,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.orm.exc import StaleDataError

from dialogs.assessment import ops as fx
from dialogs.assessment.model import (
    OWNER,
    AssessmentView,
    DecisionView,
)
from dialogs.assessment.reminders import (
    ASSESSMENT,
    NUDGE,
    NUDGE_ROUND,
    REASSESS,
    plan_nudge_rounds,
    plan_reassessment,
)
from dialogs.calendar import utc
from dialogs.reminders.queue import Planned
from storage import reminders
from storage.answers import (
    ANSWER_OPS,
    STORED,
    answered_since,
    answers_of,
    reload_answers,
    upsert_answer,
)
from storage.feature import Applying, FeatureStore, applies
from storage.models import (
    Assessment,
    Channel,
    ElementNote,
    Member,
    MemberAnswer,
    Practice,
    TeamDecision,
)
from storage.reminder_models import CANCELLED, PENDING, Reminder
from storage.rounds import current_round
from storage.turns import Context


async def current_assessment(session: AsyncSession, channel: Channel) -> Assessment | None:
    """The channel's open round, else its latest closed one."""
    return await current_round(session, Assessment, channel.id)


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
    answers = await answers_of(session, a.id)
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
        answers=answers,
        decisions=decisions,
        notes=notes,
        overall_assessment=a.overall_assessment,
        overall_potentials=a.overall_potentials,
        previous=previous,
    )


# ---- writing ----
def _unchanged_since(op_started: str | None, texts: tuple[str | None, str | None]) -> None:
    """A notes form saves over the text it was opened with, never over another's edit that
    came in meanwhile: the dialog refuses then, and a concurrent save that passed its check
    on the same old text makes the turn run again (so that it is refused)."""
    if op_started is not None and op_started != fx.notes_version(*texts):
        raise StaleDataError("the notes changed since the form was opened")


class AssessmentStore(FeatureStore):
    """The channel's open round, else its latest closed one; and the assessment's operations."""

    name = OWNER
    light_ops = frozenset(ANSWER_OPS)
    # Its data changes through turns (and the retention sweep, which counts up the version).
    versioned = True

    async def load(
        self, session: AsyncSession, ctx: Context, now: datetime, before: object | None = None
    ) -> AssessmentView | None:
        if isinstance(before, AssessmentView):
            # After answers and comments only: their questions' answers, the rest as before.
            questions = answered_since(session, before)
            if questions is not None:
                return await reload_answers(session, before, questions)
        a = await current_assessment(session, ctx.channel)
        if a is None:
            return None
        # A closed round does not change within a turn: the reload after the operations
        # reuses the previous round loaded before them.
        previous = before.previous if isinstance(before, AssessmentView) else None
        return await assessment_view(session, a, known_previous=previous)

    @applies(fx.StartAssessment)
    async def start(self, w: Applying, op: fx.StartAssessment) -> None:
        session, ctx = w.session, w.ctx
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
                created_at=w.now,
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
                started_at=w.now,
            )
        )
        await _reminders_on_start(session, practice.id)

    @applies(fx.SetDelimitation)
    async def delimitation(self, w: Applying, op: fx.SetDelimitation) -> None:
        a = await w.own(Assessment, op.assessment_id)
        practice = await w.session.get(
            Practice, a.practice_id, with_for_update=True, populate_existing=True
        )
        assert practice is not None
        if w.ctx.may_set(practice.delimitation_received_at):
            practice.delimitation = op.text
            practice.delimitation_received_at = w.ctx.received_at

    @applies(fx.SetPacing)
    async def pacing(self, w: Applying, op: fx.SetPacing) -> None:
        a = await w.own(Assessment, op.assessment_id)
        a.pacing, a.current_element = op.pacing, op.current_element

    @applies(fx.SetMemberAnswer)
    async def answer(self, w: Applying, op: fx.SetMemberAnswer) -> None:
        await upsert_answer(w, op)

    @applies(fx.SetMemberComment)
    async def comment(self, w: Applying, op: fx.SetMemberComment) -> None:
        await w.own(Assessment, op.assessment_id)
        # (Changed here, not by an upsert: a refresh reads the question's answers again.)
        w.session.info.get(STORED, {}).pop((op.assessment_id, op.question_id), None)
        row = await w.locked(
            MemberAnswer,
            assessment_id=op.assessment_id,
            question_id=op.question_id,
            member_id=w.ctx.member.id,
        )
        if w.ctx.may_set(row.comment_received_at):
            row.comment, row.comment_received_at, row.updated_at = (
                op.comment,
                w.ctx.received_at,
                w.now,
            )

    @applies(fx.SetTeamDecision)
    async def decision(self, w: Applying, op: fx.SetTeamDecision) -> None:
        await w.own(Assessment, op.assessment_id)
        row = await w.stamped(
            TeamDecision, assessment_id=op.assessment_id, question_id=op.question_id
        )
        if row is None:
            return
        row.value, row.justification = op.value, op.justification
        row.decided_by, row.decided_at, row.received_at = w.ctx.member.id, w.now, w.ctx.received_at

    @applies(fx.SetElementNotes)
    async def element_notes(self, w: Applying, op: fx.SetElementNotes) -> None:
        await w.own(Assessment, op.assessment_id)
        row = await w.stamped(ElementNote, assessment_id=op.assessment_id, element_no=op.element)
        if row is None:
            return
        _unchanged_since(op.started, (row.overall, row.potential))  # a new row's are None
        row.overall, row.potential = op.overall, op.potential
        row.updated_by, row.updated_at, row.received_at = w.ctx.member.id, w.now, w.ctx.received_at

    @applies(fx.SetOverallNotes)
    async def overall_notes(self, w: Applying, op: fx.SetOverallNotes) -> None:
        a = await w.own(Assessment, op.assessment_id, lock=True)
        if not w.ctx.may_set(a.overall_received_at):
            return
        _unchanged_since(op.started, (a.overall_assessment, a.overall_potentials))
        a.overall_assessment, a.overall_potentials = op.overall, op.potentials
        a.overall_received_at = w.ctx.received_at

    @applies(fx.CloseAssessment)
    async def close(self, w: Applying, op: fx.CloseAssessment) -> None:
        a = await w.own(Assessment, op.assessment_id)
        a.status, a.closed_at, a.closed_by = "closed", w.now, w.ctx.member.id
        await _reminders_on_close(w, a)

    @applies(fx.ReopenAssessment)
    async def reopen(self, w: Applying, op: fx.ReopenAssessment) -> None:
        """The round is open again; its invitation to measure again belongs to the closing
        and goes with it in this transaction (deleted, not cancelled: the next close plans it
        anew under the same key, and a cancelled one would count as done)."""
        a = await w.own(Assessment, op.assessment_id, lock=True)
        newer = await w.session.scalar(
            select(func.count())
            .select_from(Assessment)
            .where(Assessment.channel_id == w.ctx.channel.id, Assessment.id > a.id)
        )
        if a.status != "closed" or newer:
            return  # reopened meanwhile, or a new round has started: nothing to do
        a.status, a.closed_at, a.closed_by = "open", None, None
        await w.session.execute(
            delete(Reminder).where(
                Reminder.subject_type == ASSESSMENT,
                Reminder.subject_id == a.id,
                Reminder.kind == REASSESS,
                Reminder.status.in_((PENDING, CANCELLED)),
            )
        )


# ---- reminders ----
async def _reminders_on_start(session: AsyncSession, practice_id: int) -> None:
    """A new round of a practice: the invitation to measure it again is answered, for every
    earlier round of it (the sweep would leave it to the builder, and `påmindelser` would list
    it beside the new round's until then)."""
    rounds = select(Assessment.id).where(Assessment.practice_id == practice_id).scalar_subquery()
    await reminders.cancel_now(session, ASSESSMENT, (REASSESS,), Reminder.subject_id.in_(rounds))


async def _reminders_on_close(w: Applying, a: Assessment) -> None:
    """A round closed: its nudges go, in the same transaction, and the invitation to measure
    again is planned at once (a round closed again after a reopening gets its invitation back;
    the sweep moves it to the new closing time)."""
    session, channel_id, this_round = w.session, w.ctx.channel.id, Reminder.subject_id == a.id
    await reminders.cancel_now(session, ASSESSMENT, (NUDGE_ROUND, NUDGE), this_round)
    prefs = await reminders.channel_prefs(session, (channel_id,))
    invitation = plan_reassessment(a.id, utc(w.now), prefs[channel_id])
    await reminders.plan_now(session, channel_id, (invitation,), w.now)
    await reminders.revive(session, ASSESSMENT, (REASSESS,), this_round, w.now)


async def plan_reminders(session: AsyncSession, now: datetime) -> None:
    """The nudge rounds of open rounds and the invitation to measure again after a closed one
    (not after one whose practice has been measured again since); nudges of a round that has
    since closed are cancelled."""
    finished_invitation = exists().where(
        Reminder.subject_type == ASSESSMENT,
        Reminder.subject_id == Assessment.id,
        Reminder.kind == REASSESS,
        Reminder.status != PENDING,
    )
    later = aliased(Assessment)
    measured_again = exists().where(
        later.practice_id == Assessment.practice_id, later.round_no > Assessment.round_no
    )
    rows = (
        await session.execute(
            select(
                Assessment.id,
                Assessment.channel_id,
                Assessment.status,
                Assessment.started_at,
                Assessment.closed_at,
            ).where(
                (Assessment.status == "open")
                | ((Assessment.status == "closed") & ~finished_invitation & ~measured_again)
            )
        )
    ).all()
    prefs = await reminders.channel_prefs(session, (r.channel_id for r in rows))
    nudges: dict[str, tuple[int, Planned]] = {}
    invitations: dict[str, tuple[int, Planned]] = {}
    for r in rows:
        p = prefs[r.channel_id]
        if r.status == "open":
            for planned in plan_nudge_rounds(r.id, utc(r.started_at), p):
                nudges[planned.key] = (r.channel_id, planned)
        elif r.closed_at is not None:
            planned = plan_reassessment(r.id, utc(r.closed_at), p)
            invitations[planned.key] = (r.channel_id, planned)
    await reminders.sync(session, ASSESSMENT, (NUDGE_ROUND,), nudges, now)
    await reminders.sync(session, ASSESSMENT, (REASSESS,), invitations, now)
    # Private nudges already fanned out for a round that has since closed.
    closed = select(Assessment.id).where(Assessment.status == "closed").scalar_subquery()
    await reminders.cancel_pending(session, ASSESSMENT, NUDGE, Reminder.subject_id.in_(closed))
