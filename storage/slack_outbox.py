"""Slack messages whose sending failed part-way, in the database (bot/slack/sender.py).

A long message goes out as several Slack messages, then its files. When a part fails, the
engine tries the whole send again — perhaps on another replica (a reminder claimed again after
its lease ran out, an interaction replayed from the inbox). What was already posted must be
known there too, or the team would see those parts twice: so it is a row here, not a process's
memory. Rows live an hour (`TTL`): after that a send of the same message starts afresh.

No message text is stored: `key` is a hash of the message and where it goes (its channel,
thread and content), `stamps` are Slack's message timestamps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import JSON, Boolean, Index, Integer, String, delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import TS, Base

TTL = timedelta(hours=1)


class SlackSentParts(Base):
    """The parts of one message already posted (and whether the next one may have been)."""

    __tablename__ = "slack_sent_parts"
    __table_args__ = (Index("ix_slack_sent_parts_since", "since"),)
    workspace: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    marker: Mapped[str] = mapped_column(String(64))  # the parts' markers are `<marker>.<part>`
    since: Mapped[datetime] = mapped_column(TS)  # the first attempt (wall clock)
    channel: Mapped[str | None] = mapped_column(String(64))
    stamps: Mapped[list[Any]] = mapped_column(JSON)
    uploads: Mapped[int] = mapped_column(Integer)
    maybe: Mapped[bool] = mapped_column(Boolean)


@dataclass
class SentParts:
    """What a retry needs of a message sent part-way (bot/slack/sender.py `Unfinished`)."""

    marker: str
    since: float  # wall-clock seconds since the epoch (Slack's `ts` scale)
    channel: str | None = None
    stamps: list[str] = field(default_factory=list)
    uploads: int = 0
    maybe: bool = False


def _moment(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _seconds(moment: datetime) -> float:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


class SentPartsStore:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], ttl: timedelta = TTL) -> None:
        self.sessions, self.ttl = sessions, ttl

    async def take(self, workspace: str, key: str, now: float) -> SentParts | None:
        """The parts sent of this message within the TTL, removed from the table: two replicas
        trying the same message at once do not both continue it (one starts afresh)."""
        async with self.sessions() as session, session.begin():
            row = await session.execute(
                delete(SlackSentParts)
                .where(SlackSentParts.workspace == workspace, SlackSentParts.key == key)
                .returning(
                    SlackSentParts.marker,
                    SlackSentParts.since,
                    SlackSentParts.channel,
                    SlackSentParts.stamps,
                    SlackSentParts.uploads,
                    SlackSentParts.maybe,
                )
            )
            found = row.first()
        if found is None:
            return None
        marker, since, channel, stamps, uploads, maybe = found
        if _seconds(since) <= now - self.ttl.total_seconds():
            return None
        return SentParts(marker, _seconds(since), channel, [str(s) for s in stamps], uploads, maybe)

    async def keep(self, workspace: str, key: str, parts: SentParts, now: float) -> None:
        """Remember the parts sent (replacing what was kept for the message); forget rows
        older than the TTL."""
        async with self.sessions() as session, session.begin():
            await self._forget(session, now)
            await session.execute(
                delete(SlackSentParts).where(
                    SlackSentParts.workspace == workspace, SlackSentParts.key == key
                )
            )
            session.add(
                SlackSentParts(
                    workspace=workspace,
                    key=key,
                    marker=parts.marker,
                    since=_moment(parts.since),
                    channel=parts.channel,
                    stamps=list(parts.stamps),
                    uploads=parts.uploads,
                    maybe=parts.maybe,
                )
            )

    async def _forget(self, session: AsyncSession, now: float) -> None:
        cutoff = _moment(now) - self.ttl
        await session.execute(delete(SlackSentParts).where(SlackSentParts.since <= cutoff))
