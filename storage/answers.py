"""The members' answers of a round: read as columns (a round of a big team has hundreds), and
written by one upsert per answer (the round checked to be the channel's, the last-received-wins
rules as CASE expressions) whose RETURNING puts the stored answer in place of a reload after a
turn of only answers (issue 21)."""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from typing import Any, cast

from sqlalchemy import (
    Integer,
    String,
    Table,
    Text,
    bindparam,
    case,
    exists,
    null,
    or_,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import ReturningInsert

from dialogs.assessment import ops as fx
from dialogs.assessment.model import (
    AssessmentView,
    MemberAnswerView,
)
from dialogs.calendar import utc
from dialogs.effects import SetDialogState
from storage.feature import APPLIED, Applying
from storage.models import (
    TS,
    Assessment,
    Member,
    MemberAnswer,
)
from storage.turns import CrossTenant

# Columns, not entities: a round of a big team has hundreds of answers, and building ORM
# objects for them was most of a turn's work. Built once: building costs more than running.
_ANSWERS = (
    select(
        MemberAnswer.question_id,
        Member.external_id,
        Member.display_name,
        MemberAnswer.value,
        MemberAnswer.comment,
    )
    .join(Member, Member.id == MemberAnswer.member_id)
    .where(MemberAnswer.assessment_id == bindparam("aid"))
    .order_by(MemberAnswer.id)
)
_ANSWERS_TO = _ANSWERS.where(MemberAnswer.question_id.in_(bindparam("questions", expanding=True)))


async def answers_of(
    session: AsyncSession, aid: int, questions: set[str] | None = None
) -> dict[str, tuple[MemberAnswerView, ...]]:
    """The members' answers of a round by question (`questions`: only these), in the order
    they were first given."""
    if questions is None:
        rows = await session.execute(_ANSWERS, {"aid": aid})
    else:
        rows = await session.execute(_ANSWERS_TO, {"aid": aid, "questions": sorted(questions)})
    answers: dict[str, list[MemberAnswerView]] = {}
    for question, ext, name, value, comment in rows:
        answers.setdefault(question, []).append(MemberAnswerView(ext, name, value, comment))
    return {k: tuple(v) for k, v in answers.items()}


ANSWER_OPS = (fx.SetMemberAnswer, fx.SetMemberComment)
# Session.info: {(round, question): the actor's answer as an upsert stored it (RETURNING)} —
# the whole change to that question's answers, unless something else touched them since.
STORED = "lovende.assessment.stored"


def answered_since(session: AsyncSession, view: AssessmentView) -> set[str] | None:
    """The questions whose member answers the operations applied since `view` was loaded
    touched — None unless those were only answers and comments in `view`'s round and dialog
    states (then the rest of the round is as `view` has it)."""
    questions: set[str] = set()
    for op in session.info.get(APPLIED, []):
        if isinstance(op, ANSWER_OPS) and op.assessment_id == view.id:
            questions.add(op.question_id)
        elif not isinstance(op, SetDialogState):
            return None
    return questions


async def reload_answers(
    session: AsyncSession, view: AssessmentView, questions: set[str]
) -> AssessmentView:
    """`view` with the answers to `questions` as they are now (nothing else changed): those
    an upsert returned (`STORED`) put in place, the others read again."""
    stored: dict[tuple[int, str], MemberAnswerView] = session.info.get(STORED, {})
    known = {q: stored[(view.id, q)] for q in questions if (view.id, q) in stored}
    fresh = (
        await answers_of(session, view.id, questions - known.keys())
        if questions - known.keys()
        else {}
    )
    for q, mine in known.items():
        before = view.answers.get(q, ())
        if any(a.member_external_id == mine.member_external_id for a in before):
            fresh[q] = tuple(
                mine if a.member_external_id == mine.member_external_id else a for a in before
            )
        else:  # their first answer to it: the newest row, last
            fresh[q] = (*before, mine)
    answers = {q: fresh[q] if q in questions else a for q, a in view.answers.items()}
    answers = {q: a for q, a in answers.items() if a}
    for q, a in fresh.items():  # a question's first answer: last, as in the full load
        answers.setdefault(q, a)
    return replace(view, answers=answers)


@cache
def answer_upsert(dialect: str, sets_comment: bool) -> ReturningInsert[Any]:
    """The statement of `upsert_answer`, built once per database and shape (building it is
    most of its cost); its parameters: aid, qid, mid, cid, value, comment, now, received."""
    table = cast(Table, MemberAnswer.__table__)
    c = table.c
    received = bindparam("received", type_=TS)
    owned = exists().where(
        Assessment.id == bindparam("aid"), Assessment.channel_id == bindparam("cid")
    )
    row = select(
        bindparam("aid", type_=Integer),
        bindparam("qid", type_=String),
        bindparam("mid", type_=Integer),
        bindparam("value", type_=String),
        bindparam("comment", type_=Text) if sets_comment else null(),
        bindparam("now", type_=TS),
        received,
        received if sets_comment else null(),
    ).where(owned)
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    stmt = insert.from_select(
        [
            c.assessment_id,
            c.question_id,
            c.member_id,
            c.value,
            c.comment,
            c.updated_at,
            c.value_received_at,
            c.comment_received_at,
        ],
        row,
    )
    value_ok = or_(c.value_received_at.is_(None), c.value_received_at <= received)
    comment_ok = or_(c.comment_received_at.is_(None), c.comment_received_at <= received)
    new = stmt.excluded
    changes = {
        c.value: case((value_ok, new.value), else_=c.value),
        c.value_received_at: case((value_ok, new.value_received_at), else_=c.value_received_at),
        c.updated_at: case(
            (or_(value_ok, comment_ok) if sets_comment else value_ok, new.updated_at),
            else_=c.updated_at,
        ),
    }
    if sets_comment:
        changes[c.comment] = case((comment_ok, new.comment), else_=c.comment)
        changes[c.comment_received_at] = case(
            (comment_ok, new.comment_received_at), else_=c.comment_received_at
        )
    return stmt.on_conflict_do_update(
        index_elements=[c.assessment_id, c.question_id, c.member_id], set_=changes
    ).returning(c.value_received_at, c.comment_received_at, c.value, c.comment)


async def upsert_answer(w: Applying, op: fx.SetMemberAnswer) -> None:
    """A member's answer in one statement: inserted, or set over the stored one where that
    was received no later than this turn's interaction (the answer and the comment each on
    their own: a comment received later must not hold back an answer received earlier, nor
    the other way round). The round must be the channel's (CrossTenant)."""
    session, ctx = w.session, w.ctx
    sets_comment = op.comment is not None or not op.keep_comment
    stmt = answer_upsert(session.get_bind().dialect.name, sets_comment)
    params = {
        "aid": op.assessment_id,
        "qid": op.question_id,
        "mid": ctx.member.id,
        "cid": ctx.channel.id,
        "value": op.value,
        "now": utc(w.now),
        "received": utc(ctx.received_at),
    }
    if sets_comment:
        params["comment"] = op.comment
    stored = (await session.execute(stmt, params)).first()
    if stored is None:
        raise CrossTenant(f"assessment {op.assessment_id}")
    # The stamps as they are now: a later one than this turn's means it was left alone.
    ctx.may_set(stored.value_received_at)
    if sets_comment:
        ctx.may_set(stored.comment_received_at)
    # The answer as stored, for the refreshes of this turn (`_reload_answers`).
    stored_answer = MemberAnswerView(
        ctx.member.external_id, ctx.member.display_name, stored.value, stored.comment
    )
    session.info.setdefault(STORED, {})[(op.assessment_id, op.question_id)] = stored_answer
