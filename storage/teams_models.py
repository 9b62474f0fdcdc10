"""Tables of the Teams adapter: conversation references, members met, DM origins, file links.

Teams can only be written to proactively (reminders, nudges, the progress card after a
restart) through a serialized `ConversationReference` stored when the bot met the
conversation. These tables hold them in the shared database so that any replica can send.
No botbuilder import here: references are stored as the plain JSON botbuilder produces.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage import file_models  # noqa: F401  (teams_files references generated_files)
from storage.models import TS, Base, deleted_with


class TeamsConversation(Base):
    """A channel, group chat or 1:1 chat the bot has met (one row per tenant + conversation)."""

    __tablename__ = "teams_conversations"
    __table_args__ = (UniqueConstraint("tenant_id", "conversation_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(128))
    conversation_id: Mapped[str] = mapped_column(String(255))  # without ";messageid=…"
    conversation_type: Mapped[str] = mapped_column(String(16))  # personal | groupChat | channel
    reference: Mapped[dict[str, Any]] = mapped_column(JSON)  # ConversationReference.serialize()
    blocked_at: Mapped[datetime | None] = mapped_column(TS)
    blocked_reason: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(TS)


class TeamsMember(Base):
    """A person the bot has met, keyed like the engine's member id (AAD object id or user id)."""

    __tablename__ = "teams_members"
    __table_args__ = (UniqueConstraint("tenant_id", "member_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(128))
    member_key: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[str] = mapped_column(String(255))  # the Teams id ("29:…") for 1:1 chats
    name: Mapped[str | None] = mapped_column(String(200))
    # Where they were last met (a conversation reference with them as the user): its service
    # URL and bot account are what creating their 1:1 chat needs.
    reference: Mapped[dict[str, Any]] = mapped_column(JSON)
    personal_conversation_id: Mapped[str | None] = mapped_column(String(255))
    blocked_at: Mapped[datetime | None] = mapped_column(TS)
    updated_at: Mapped[datetime] = mapped_column(TS)


class TeamsDmOrigin(Base):
    """A card sent into someone's 1:1 chat on behalf of a channel: its buttons act there."""

    __tablename__ = "teams_dm_origins"
    tenant_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    activity_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    origin_conversation_id: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(TS)


class TeamsFile(Base):
    """An unguessable, expiring link to a generated image or document served to Teams.

    It names a stored file (`generated_files`, storage/files.py), so any replica serves it.
    The file references its channel, and the link the file and the channel: deleting the
    channel's data (`slet-data`, storage/privacy.py finds the link through these foreign keys)
    or the file (retention) deletes the link, and it answers 404 at once."""

    __tablename__ = "teams_files"
    __table_args__ = (
        Index("ix_teams_files_expires_at", "expires_at"),
        Index("ix_teams_files_channel_id", "channel_id"),
        Index("ix_teams_files_file_id", "file_id"),
    )
    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    channel_id: Mapped[int] = deleted_with("channels")
    file_id: Mapped[str] = deleted_with("generated_files")
    created_at: Mapped[datetime] = mapped_column(TS)
    expires_at: Mapped[datetime] = mapped_column(TS)
