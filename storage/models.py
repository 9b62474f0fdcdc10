"""SQLAlchemy 2 models: the database is the truth for everything that must survive a restart.

Team answers are stored only when a facilitator decides one; a consensus team answer is derived
from the member answers when read (storing it too would let the two drift apart).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, MappedColumn, mapped_column

# Stable constraint names so Alembic's batch mode on SQLite can alter tables.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


TS = DateTime(timezone=True)


def deleted_with(table: str, **options: Any) -> MappedColumn[Any]:
    """A column naming a row of `table` (its id), this row deleted with it (ON DELETE CASCADE):
    what belongs to a channel, a round, a meeting… goes when it goes (`slet-data`)."""
    return mapped_column(ForeignKey(f"{table}.id", ondelete="CASCADE"), **options)


def nulled_with(table: str, **options: Any) -> MappedColumn[Any]:
    """A column naming a row of `table` (its id), emptied when that row is deleted (ON DELETE
    SET NULL): who did something is forgotten, what they did stays."""
    return mapped_column(ForeignKey(f"{table}.id", ondelete="SET NULL"), **options)


class Workspace(Base):
    """A Slack workspace, a Teams tenant or the console: the tenant boundary."""

    __tablename__ = "workspaces"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(128))
    name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(TS)


class Channel(Base):
    __tablename__ = "channels"
    __table_args__ = (UniqueConstraint("workspace_id", "external_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = deleted_with("workspaces")
    external_id: Mapped[str] = mapped_column(String(255))
    name: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(2), default="da")
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Copenhagen")
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(TS)
    # Counted up by every unit of work that changes what a turn reads of the channel (its
    # members, its round): a process reuses what it read at an unchanged version (bot/engine.py).
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Member(Base):
    __tablename__ = "members"
    __table_args__ = (UniqueConstraint("workspace_id", "external_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = deleted_with("workspaces")
    external_id: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(TS)


class ChannelMember(Base):
    """A member seen in a channel, with their role there (facilitator or member)."""

    __tablename__ = "channel_members"
    channel_id: Mapped[int] = deleted_with("channels", primary_key=True)
    member_id: Mapped[int] = deleted_with("members", primary_key=True)
    role: Mapped[str] = mapped_column(String(16), default="member")
    joined_at: Mapped[datetime] = mapped_column(TS)


class Practice(Base):
    __tablename__ = "practices"
    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = deleted_with("channels")
    name: Mapped[str] = mapped_column(String(200))
    delimitation: Mapped[str | None] = mapped_column(Text)
    delimitation_received_at: Mapped[datetime | None] = mapped_column(TS)
    created_by: Mapped[int | None] = nulled_with("members")
    created_at: Mapped[datetime] = mapped_column(TS)


class Assessment(Base):
    """One measurement round of a practice."""

    __tablename__ = "assessments"
    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = deleted_with("practices")
    channel_id: Mapped[int] = deleted_with("channels")
    round_no: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(16), default="open")
    pacing: Mapped[str | None] = mapped_column(String(8))
    current_element: Mapped[int | None] = mapped_column(Integer)
    previous_id: Mapped[int | None] = nulled_with("assessments")
    started_by: Mapped[int | None] = nulled_with("members")
    started_at: Mapped[datetime] = mapped_column(TS)
    closed_by: Mapped[int | None] = nulled_with("members")
    closed_at: Mapped[datetime | None] = mapped_column(TS)
    overall_assessment: Mapped[str | None] = mapped_column(Text)
    overall_potentials: Mapped[str | None] = mapped_column(Text)
    # When what set the overall notes was received (last received wins: storage.turns.Context).
    overall_received_at: Mapped[datetime | None] = mapped_column(TS)


class MemberAnswer(Base):
    __tablename__ = "member_answers"
    __table_args__ = (UniqueConstraint("assessment_id", "question_id", "member_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = deleted_with("assessments")
    question_id: Mapped[str] = mapped_column(String(8))
    member_id: Mapped[int] = deleted_with("members")
    value: Mapped[str | None] = mapped_column(String(64))
    comment: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(TS)
    # When what set the value and the comment was received, each on its own: a comment
    # received later must not hold back an answer received earlier (storage.turns.Context).
    value_received_at: Mapped[datetime | None] = mapped_column(TS)
    comment_received_at: Mapped[datetime | None] = mapped_column(TS)


class TeamDecision(Base):
    """A team answer recorded by a facilitator, with the justification the method asks for."""

    __tablename__ = "team_decisions"
    assessment_id: Mapped[int] = deleted_with("assessments", primary_key=True)
    question_id: Mapped[str] = mapped_column(String(8), primary_key=True)
    value: Mapped[str] = mapped_column(String(64))
    justification: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[int | None] = nulled_with("members")
    decided_at: Mapped[datetime] = mapped_column(TS)
    received_at: Mapped[datetime | None] = mapped_column(TS)


class ElementNote(Base):
    """Samlet vurdering and Udviklingspotentiale for one element of one round."""

    __tablename__ = "element_notes"
    assessment_id: Mapped[int] = deleted_with("assessments", primary_key=True)
    element_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    overall: Mapped[str | None] = mapped_column(Text)
    potential: Mapped[str | None] = mapped_column(Text)
    updated_by: Mapped[int | None] = nulled_with("members")
    updated_at: Mapped[datetime] = mapped_column(TS)
    received_at: Mapped[datetime | None] = mapped_column(TS)


class DialogState(Base):
    """Small per-conversation state (e.g. "waiting for the delimitation") with a version."""

    __tablename__ = "dialog_states"
    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_key: Mapped[str] = mapped_column(String(255), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(TS)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class ProcessedEvent(Base):
    """Platform event ids already handled: Slack and Teams re-deliver."""

    __tablename__ = "processed_events"
    event_key: Mapped[str] = mapped_column(String(255), primary_key=True)
    processed_at: Mapped[datetime] = mapped_column(TS)


class PostedMessage(Base):
    """Where a keyed message (progress, element thread root…) was posted, to update it later.

    A row without `ref` is a reservation: a turn is posting the message right now (until
    `lease_until`), and a turn that wants the same key waits for the ref instead of posting a
    second message. `rendered_at`: when the content last sent under the key was rendered, so
    that content rendered earlier does not replace it (bot/engine.py)."""

    __tablename__ = "posted_messages"
    __table_args__ = (UniqueConstraint("channel_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = deleted_with("channels")
    key: Mapped[str] = mapped_column(String(128))
    ref: Mapped[str | None] = mapped_column(String(512))
    created_at: Mapped[datetime] = mapped_column(TS)
    lease_until: Mapped[datetime | None] = mapped_column(TS)
    rendered_at: Mapped[datetime | None] = mapped_column(TS)


class DeliveryFailure(Base):
    """A message that could not be delivered after retries: reported, never swallowed."""

    __tablename__ = "delivery_failures"
    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int | None] = deleted_with("channels")
    description: Mapped[str] = mapped_column(String(255))
    error: Mapped[str] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(TS)
