"""The board's links (dialogs/board): one row per link, only the token's hash kept.

A row references its channel with ON DELETE CASCADE, so `slet-data` (storage/privacy.py,
which deletes every row that references the channel) takes the links along: the board answers
404 at once. `channel_of_token` is what the web page asks: the channel of a link that is
neither expired nor revoked, else None (`workspace_of_token` likewise for an admin's link to the
organisation overview), so that an unknown, expired, revoked or foreign token
all look the same from outside.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, false, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from dialogs.board.model import OWNER, CreateBoardLink, RevokeBoardLinks, plausible, token_hash
from storage.feature import Applying, FeatureStore, applies
from storage.models import TS, Base, Channel, Workspace


class BoardLink(Base):
    __tablename__ = "board_links"
    __table_args__ = (Index("ix_board_links_channel_id", "channel_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # hex SHA-256
    created_at: Mapped[datetime] = mapped_column(TS)
    expires_at: Mapped[datetime] = mapped_column(TS)
    revoked_at: Mapped[datetime | None] = mapped_column(TS, nullable=True)
    # Set for an admin's link to the organisation overview (`tavle organisation`): it opens the
    # workspace's overview, never a channel's board. It still belongs to the channel it was
    # asked for in, so that channel's `tavle luk` and `slet-data` end it too.
    workspace_id: Mapped[int | None] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=True
    )
    # A Teams channel tab's code (`tavle fane`): long-lived, and its pages may be framed by
    # Teams (an ordinary link's may not be framed at all).
    tab: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


def _utc(moment: datetime) -> datetime:
    """SQLite gives back naive datetimes; everything stored is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class BoardStore(FeatureStore):
    name = OWNER

    @applies(CreateBoardLink)
    async def create(self, w: Applying, op: CreateBoardLink) -> None:
        w.session.add(
            BoardLink(
                channel_id=w.ctx.channel.id,
                token_hash=op.token_hash,
                created_at=w.now,
                expires_at=op.expires_at,
                workspace_id=w.ctx.workspace.id if op.workspace else None,
                tab=op.tab,
            )
        )

    @applies(RevokeBoardLinks)
    async def revoke(self, w: Applying, op: RevokeBoardLinks) -> None:
        await w.session.execute(
            update(BoardLink)
            .where(BoardLink.channel_id == w.ctx.channel.id, BoardLink.revoked_at.is_(None))
            .values(revoked_at=w.now)
        )


async def _live_link(session: AsyncSession, token: str, now: datetime) -> BoardLink | None:
    if not plausible(token):
        return None
    link = await session.scalar(select(BoardLink).where(BoardLink.token_hash == token_hash(token)))
    if link is None or link.revoked_at is not None or _utc(link.expires_at) <= now:
        return None
    return link


@dataclass(frozen=True)
class Opened:
    """What a token opens now: a channel's board, and whether through a Teams tab's code."""

    channel: Channel
    tab: bool


async def board_of_token(session: AsyncSession, token: str, now: datetime) -> Opened | None:
    """The channel whose board this token opens now; None for anything else (an organisation
    link too)."""
    link = await _live_link(session, token, now)
    if link is None or link.workspace_id is not None:
        return None
    channel = await session.get(Channel, link.channel_id)
    return Opened(channel, link.tab) if channel is not None else None


async def channel_of_token(session: AsyncSession, token: str, now: datetime) -> Channel | None:
    opened = await board_of_token(session, token, now)
    return opened.channel if opened else None


async def tab_channel(
    session: AsyncSession, code: str, platform: str, workspace: str, channel: str, now: datetime
) -> Channel | None:
    """The channel of a live tab code, when it is the channel the tab is being added to (by
    platform, workspace and channel external ids); None for anything else, alike: an ordinary
    link, an expired or revoked code, another channel's."""
    opened = await board_of_token(session, code, now)
    if opened is None or not opened.tab or opened.channel.external_id != channel:
        return None
    ws = await session.get(Workspace, opened.channel.workspace_id)
    if ws is None or ws.platform != platform or ws.external_id != workspace:
        return None
    return opened.channel


async def workspace_of_token(session: AsyncSession, token: str, now: datetime) -> Workspace | None:
    """The workspace whose organisation overview this token opens now; None otherwise."""
    link = await _live_link(session, token, now)
    if link is None or link.workspace_id is None:
        return None
    return await session.get(Workspace, link.workspace_id)
