"""What the meetings' and agreements' writes look up: a meeting of this channel, a member of
this channel, the next number — never another channel's or workspace's (CrossTenant)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from storage.feature import Applying
from storage.meeting_models import Agreement, Meeting
from storage.models import ChannelMember, Member
from storage.turns import CrossTenant

# A meeting that is not over: a channel has at most one.
ACTIVE = ("planned", "running")


async def meeting_in(
    w: Applying, mid: int, status: str | tuple[str, ...], step: int | None = None
) -> Meeting:
    """The meeting `mid` of this channel, in the status (one of them) and step the dialog saw
    when it decided: a concurrent turn may have moved it on (StaleDataError: the turn runs
    again on fresh state)."""
    m = await w.own(Meeting, mid)
    statuses = (status,) if isinstance(status, str) else status
    if m.status not in statuses or (step is not None and m.step != step):
        raise StaleDataError(f"meeting {m.id} is {m.status}/{m.step}")
    return m


async def member_of_channel(w: Applying, external_id: str) -> int:
    """A member of this channel (never another channel's or workspace's)."""
    channel = w.ctx.channel
    member_id = await w.session.scalar(
        select(Member.id)
        .join(ChannelMember, ChannelMember.member_id == Member.id)
        .where(
            Member.workspace_id == channel.workspace_id,
            Member.external_id == external_id,
            ChannelMember.channel_id == channel.id,
        )
    )
    if member_id is None:
        raise CrossTenant(f"member {external_id}")
    return member_id


async def next_number(w: Applying, model: type[Meeting] | type[Agreement]) -> int:
    """The number the channel's next meeting or agreement gets."""
    # A concurrent insert with the same number violates the unique key: the turn is retried.
    current = await w.session.scalar(
        select(func.max(model.number)).where(model.channel_id == w.ctx.channel.id)
    )
    return (current or 0) + 1
