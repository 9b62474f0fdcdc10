"""What the meetings' and agreements' writes look up: a meeting of this channel, a member of
this channel, the next number — never another channel's or workspace's (CrossTenant)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from storage.meeting_models import Agreement, Meeting
from storage.models import ChannelMember, Member
from storage.turns import Context, CrossTenant

# A meeting that is not over: a channel has at most one.
ACTIVE = ("planned", "running")


async def meeting_in(
    session: AsyncSession,
    ctx: Context,
    mid: int,
    status: str | tuple[str, ...],
    step: int | None = None,
) -> Meeting:
    """The meeting `mid` of this channel, in the status (one of them) and step the dialog saw
    when it decided: a concurrent turn may have moved it on (StaleDataError: the turn runs
    again on fresh state)."""
    m = await session.get(Meeting, mid)
    if m is None or m.channel_id != ctx.channel.id:
        raise CrossTenant(f"meeting {mid}")
    statuses = (status,) if isinstance(status, str) else status
    if m.status not in statuses or (step is not None and m.step != step):
        raise StaleDataError(f"meeting {m.id} is {m.status}/{m.step}")
    return m


async def member_of_channel(session: AsyncSession, ctx: Context, external_id: str) -> int:
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


async def next_number(
    session: AsyncSession, model: type[Meeting] | type[Agreement], channel_id: int
) -> int:
    # A concurrent insert with the same number violates the unique key: the turn is retried.
    current = await session.scalar(
        select(func.max(model.number)).where(model.channel_id == channel_id)
    )
    return (current or 0) + 1
