"""The reminders table: the truth about what is to be sent, to whom, when, and what became of it.

APScheduler only wakes us up; a row here is claimed atomically by one replica (with a lease
that expires if that replica dies), sent, and marked with the platform's message reference.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import TS, Base, deleted_with

# Row states. pending → claimed → sent | failed | cancelled (or back to pending: retry/defer).
PENDING, CLAIMED, SENT, FAILED, CANCELLED = "pending", "claimed", "sent", "failed", "cancelled"


class Reminder(Base):
    __tablename__ = "reminders"
    __table_args__ = (
        Index("ix_reminders_status_due", "status", "due_at"),
        Index("ix_reminders_subject", "subject_type", "subject_id"),
        Index("ix_reminders_channel_status", "channel_id", "status"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = deleted_with("channels")
    kind: Mapped[str] = mapped_column(String(32))
    # A member's external id for a private reminder; None for the channel.
    recipient: Mapped[str | None] = mapped_column(String(255))
    # What the reminder is about ("assessment" 12, "agreement" 7, "meeting" 3).
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int] = mapped_column(Integer)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    due_at: Mapped[datetime] = mapped_column(TS)  # UTC, already inside the delivery window
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[datetime | None] = mapped_column(TS)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    # When its message began to go out (set just before the send): a row claimed again with
    # this set may have been delivered by a worker that died (bot/reminders.py).
    sending_at: Mapped[datetime | None] = mapped_column(TS)
    sent_at: Mapped[datetime | None] = mapped_column(TS)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    message_ref: Mapped[str | None] = mapped_column(String(512))
    # Scheduling is idempotent: the same reminder planned twice is one row.
    dedupe_key: Mapped[str] = mapped_column(String(512), unique=True)
    last_error: Mapped[str | None] = mapped_column(String(200))  # an error type, never text
    created_at: Mapped[datetime] = mapped_column(TS)
