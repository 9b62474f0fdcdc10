"""The self-evaluation's storage half: its read model for each turn and its data operations.

Every id in an operation is checked against the channel of the request (CrossTenant).

Last received wins (storage/turns.py): a reflection and a rating are stamped with the received
time of what set them; an operation received before that changes nothing of them. A removed
rating keeps its row, without a rating, for its stamp.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.selfeval import ops
from dialogs.selfeval.model import (
    OWNER,
    ROLES,
    OwnRatingView,
    PointView,
    RatingView,
    ReflectionView,
    SelfEvalView,
)
from storage.feature import Applying, FeatureStore, applies
from storage.models import Member
from storage.rounds import current_round
from storage.selfeval_models import (
    SelfEval,
    SelfEvalOwnRating,
    SelfEvalPoint,
    SelfEvalRating,
    SelfEvalReflection,
    SelfEvalRespondent,
)
from storage.turns import Context, CrossTenant


async def current_selfeval(session: AsyncSession, channel_id: int) -> SelfEval | None:
    """The channel's open round, else its latest closed one."""
    return await current_round(session, SelfEval, channel_id)


async def _ratings(session: AsyncSession, selfeval_id: int) -> dict[str, RatingView]:
    rows = await session.execute(
        select(SelfEvalRating, Member.display_name)
        .outerjoin(Member, Member.id == SelfEvalRating.rated_by)
        .where(SelfEvalRating.selfeval_id == selfeval_id, SelfEvalRating.rating.is_not(None))
    )
    return {r.dimension: RatingView(r.rating, name) for r, name in rows if r.rating is not None}


async def _roles(session: AsyncSession, selfeval_id: int) -> dict[str, str]:
    rows = await session.execute(
        select(Member.external_id, SelfEvalRespondent.role)
        .join(Member, Member.id == SelfEvalRespondent.member_id)
        .where(SelfEvalRespondent.selfeval_id == selfeval_id)
    )
    return {ext: role for ext, role in rows if role in ROLES}


async def _own_ratings(
    session: AsyncSession, selfeval_id: int
) -> dict[str, tuple[OwnRatingView, ...]]:
    found: dict[str, list[OwnRatingView]] = {}
    for r, ext, name in await session.execute(
        select(SelfEvalOwnRating, Member.external_id, Member.display_name)
        .join(Member, Member.id == SelfEvalOwnRating.member_id)
        .where(SelfEvalOwnRating.selfeval_id == selfeval_id, SelfEvalOwnRating.rating.is_not(None))
        .order_by(SelfEvalOwnRating.rated_at, Member.id)
    ):
        if r.rating is not None:
            found.setdefault(r.dimension, []).append(OwnRatingView(ext, name, r.rating))
    return {k: tuple(v) for k, v in found.items()}


async def selfeval_view(session: AsyncSession, s: SelfEval) -> SelfEvalView:
    reflections: dict[str, list[ReflectionView]] = {}
    for r, ext, name in await session.execute(
        select(SelfEvalReflection, Member.external_id, Member.display_name)
        .join(Member, Member.id == SelfEvalReflection.member_id)
        .where(SelfEvalReflection.selfeval_id == s.id)
        .order_by(SelfEvalReflection.id)
    ):
        reflections.setdefault(r.question_id, []).append(ReflectionView(ext, name, r.text))
    points = tuple(
        PointView(p.id, p.dimension, p.text, ext, name, p.agreed_at is not None)
        for p, ext, name in await session.execute(
            select(SelfEvalPoint, Member.external_id, Member.display_name)
            .outerjoin(Member, Member.id == SelfEvalPoint.created_by)
            .where(SelfEvalPoint.selfeval_id == s.id)
            .order_by(SelfEvalPoint.id)
        )
    )
    previous: dict[str, int] = {}
    if s.previous_id is not None:
        previous = {k: v.rating for k, v in (await _ratings(session, s.previous_id)).items()}
    return SelfEvalView(
        id=s.id,
        round_no=s.round_no,
        title=s.title,
        status=s.status,
        pacing=s.pacing,
        current_dimension=s.current_dimension,
        started_at=s.started_at,
        closed_at=s.closed_at,
        reflections={k: tuple(v) for k, v in reflections.items()},
        ratings=await _ratings(session, s.id),
        points=points,
        previous_ratings=previous,
        roles=await _roles(session, s.id),
        own_ratings=await _own_ratings(session, s.id),
    )


async def load_selfeval_view(
    session: AsyncSession, channel_id: int, selfeval_id: int | None = None
) -> SelfEvalView | None:
    """A channel's current self-evaluation (or the given one, if it is the channel's): also
    what the chart generator and the Word report use."""
    if selfeval_id is None:
        row = await current_selfeval(session, channel_id)
    else:
        row = await session.get(SelfEval, selfeval_id)
        if row is not None and row.channel_id != channel_id:
            raise CrossTenant(f"selfeval {selfeval_id}")
    return await selfeval_view(session, row) if row is not None else None


async def _own_point(w: Applying, selfeval_id: int, point_id: int) -> SelfEvalPoint:
    await w.own(SelfEval, selfeval_id)
    return await w.child(SelfEvalPoint, point_id, selfeval_id=selfeval_id)


class SelfEvalStore(FeatureStore):
    name = OWNER

    async def load(
        self, session: AsyncSession, ctx: Context, now: datetime, before: object | None = None
    ) -> SelfEvalView | None:
        return await load_selfeval_view(session, ctx.channel.id)

    @applies(ops.StartSelfEval)
    async def start(self, w: Applying, op: ops.StartSelfEval) -> None:
        channel_id = w.ctx.channel.id
        previous = await w.session.scalar(
            select(SelfEval)
            .where(SelfEval.channel_id == channel_id, SelfEval.status == "closed")
            .order_by(SelfEval.round_no.desc())
            .limit(1)
        )
        w.session.add(
            SelfEval(
                channel_id=channel_id,
                round_no=previous.round_no + 1 if previous else 1,
                title=op.title,
                status="open",
                previous_id=previous.id if previous else None,
                started_by=w.ctx.member.id,
                started_at=w.now,
            )
        )

    @applies(ops.SetSelfEvalPacing)
    async def pacing(self, w: Applying, op: ops.SetSelfEvalPacing) -> None:
        row = await w.own(SelfEval, op.selfeval_id)
        row.pacing, row.current_dimension = op.pacing, op.current_dimension

    @applies(ops.SetReflection)
    async def reflect(self, w: Applying, op: ops.SetReflection) -> None:
        await w.own(SelfEval, op.selfeval_id)
        row = await w.stamped(
            SelfEvalReflection,
            selfeval_id=op.selfeval_id,
            question_id=op.question_id,
            member_id=w.ctx.member.id,
        )
        if row is not None:
            row.text, row.updated_at, row.received_at = op.text, w.now, w.ctx.received_at

    @applies(ops.SetTeamRating)
    async def rate(self, w: Applying, op: ops.SetTeamRating) -> None:
        await w.own(SelfEval, op.selfeval_id)
        row = await w.stamped(SelfEvalRating, selfeval_id=op.selfeval_id, dimension=op.dimension)
        if row is None:
            return
        # A removal keeps the row without a rating: its stamp still holds back an older one.
        row.rating, row.rated_by, row.rated_at = op.rating, w.ctx.member.id, w.now
        row.received_at = w.ctx.received_at

    @applies(ops.AddDevelopmentPoint)
    async def add_point(self, w: Applying, op: ops.AddDevelopmentPoint) -> None:
        await w.own(SelfEval, op.selfeval_id)
        w.session.add(
            SelfEvalPoint(
                selfeval_id=op.selfeval_id,
                dimension=op.dimension,
                text=op.text,
                created_by=w.ctx.member.id,
                created_at=w.now,
            )
        )

    @applies(ops.RemoveDevelopmentPoint)
    async def remove_point(self, w: Applying, op: ops.RemoveDevelopmentPoint) -> None:
        await w.session.delete(await _own_point(w, op.selfeval_id, op.point_id))

    @applies(ops.MarkPointAgreed)
    async def mark_agreed(self, w: Applying, op: ops.MarkPointAgreed) -> None:
        point = await _own_point(w, op.selfeval_id, op.point_id)
        point.agreed_at = point.agreed_at or w.now

    @applies(ops.SetRespondentRole)
    async def set_role(self, w: Applying, op: ops.SetRespondentRole) -> None:
        await w.own(SelfEval, op.selfeval_id)
        row = await w.stamped(
            SelfEvalRespondent, selfeval_id=op.selfeval_id, member_id=w.ctx.member.id
        )
        if row is not None:
            row.role, row.updated_at, row.received_at = op.role, w.now, w.ctx.received_at

    @applies(ops.SetOwnRating)
    async def own_rating(self, w: Applying, op: ops.SetOwnRating) -> None:
        await w.own(SelfEval, op.selfeval_id)
        row = await w.stamped(
            SelfEvalOwnRating,
            selfeval_id=op.selfeval_id,
            dimension=op.dimension,
            member_id=w.ctx.member.id,
        )
        if row is None:
            return
        # A removal keeps the row without a rating: its stamp still holds back an older one.
        row.rating, row.rated_at, row.received_at = op.rating, w.now, w.ctx.received_at

    @applies(ops.CloseSelfEval)
    async def close(self, w: Applying, op: ops.CloseSelfEval) -> None:
        row = await w.own(SelfEval, op.selfeval_id)
        row.status, row.closed_at, row.closed_by = "closed", w.now, w.ctx.member.id
