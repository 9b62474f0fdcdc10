"""Read-only queries across the channels of one workspace, for overviews such as Slack's App
Home: the channels a member belongs to, with their assessment rounds and the open round.

Every query is scoped by the workspace (platform + external id) first, then by the member's
own channel memberships: a member never sees another workspace's or another channel's rounds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.assessment.model import AssessmentView
from storage.assessment import assessment_view
from storage.models import Assessment, Channel, ChannelMember, Member, Practice, Workspace


@dataclass(frozen=True)
class RoundSummary:
    id: int
    practice_name: str
    round_no: int
    status: str
    started_at: datetime
    closed_at: datetime | None


@dataclass(frozen=True)
class ChannelOverview:
    external_id: str
    name: str | None
    language: str
    rounds: tuple[RoundSummary, ...]  # newest first
    open_round: AssessmentView | None  # with every answer, to find a member's open questions


async def member_in_workspace(
    session: AsyncSession, platform: str, workspace: str, member_external_id: str
) -> Member | None:
    return await session.scalar(
        select(Member)
        .join(Workspace, Workspace.id == Member.workspace_id)
        .where(
            Workspace.platform == platform,
            Workspace.external_id == workspace,
            Member.external_id == member_external_id,
        )
    )


async def member_channels(session: AsyncSession, member: Member, limit: int) -> list[Channel]:
    """The member's channels (in the member's workspace) that have had an assessment,
    most recently started first."""
    latest = func.max(Assessment.id)
    rows = await session.execute(
        select(Channel, latest)
        .join(ChannelMember, ChannelMember.channel_id == Channel.id)
        .join(Assessment, Assessment.channel_id == Channel.id)
        .where(ChannelMember.member_id == member.id, Channel.workspace_id == member.workspace_id)
        .group_by(Channel.id)
        .order_by(latest.desc())
        .limit(limit)
    )
    return [channel for channel, _latest in rows]


async def channel_rounds(session: AsyncSession, channel: Channel, limit: int) -> list[Assessment]:
    rows = await session.scalars(
        select(Assessment)
        .where(Assessment.channel_id == channel.id)
        .order_by(Assessment.id.desc())
        .limit(limit)
    )
    return list(rows)


async def member_overview(
    session: AsyncSession,
    platform: str,
    workspace: str,
    member_external_id: str,
    *,
    max_channels: int = 20,
    max_rounds: int = 5,
) -> list[ChannelOverview]:
    member = await member_in_workspace(session, platform, workspace, member_external_id)
    if member is None:
        return []
    out = []
    for channel in await member_channels(session, member, max_channels):
        rounds = await channel_rounds(session, channel, max_rounds)
        practices = select(Practice.id, Practice.name).where(
            Practice.id.in_({a.practice_id for a in rounds}), Practice.channel_id == channel.id
        )
        names = {pid: name for pid, name in await session.execute(practices)}
        summaries = tuple(
            RoundSummary(
                a.id,
                names.get(a.practice_id, "?"),
                a.round_no,
                a.status,
                a.started_at,
                a.closed_at,
            )
            for a in rounds
        )
        open_row = next((a for a in rounds if a.status == "open"), None)
        view = await assessment_view(session, open_row, with_previous=False) if open_row else None
        out.append(
            ChannelOverview(channel.external_id, channel.name, channel.language, summaries, view)
        )
    return out
