"""The table of generated files.

Generated files (charts, reports, exports, data exports) are rows, not files on a replica's
disk, so that every replica serves every Teams file link and uploads every file to Slack. The
row references its channel (and its round, when it has one) with ON DELETE CASCADE: deleting
a channel's data (storage/privacy.py) or a round (retention) takes its files along in the same
transaction. The bytes are a `LargeBinary` (PostgreSQL `bytea`, SQLite `BLOB`), deferred so
that listing files never reads them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import TS, Base, deleted_with


class GeneratedFile(Base):
    """One generated file, under an unguessable id (`secrets.token_urlsafe`)."""

    __tablename__ = "generated_files"
    __table_args__ = (
        Index("ix_generated_files_channel_id", "channel_id"),
        Index("ix_generated_files_assessment_id", "assessment_id"),
        Index("ix_generated_files_created_at", "created_at"),
    )
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    channel_id: Mapped[int] = deleted_with("channels")
    # The round the file was made for (its charts, report, exports), if any: retention deletes
    # the round and, by this foreign key, its files.
    assessment_id: Mapped[int | None] = deleted_with("assessments")
    kind: Mapped[str] = mapped_column(String(32))  # the `Generate` kind, or "data_export"
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(128))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(TS)
