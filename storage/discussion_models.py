"""Tables of the results discussion (booklet 1's proposed process after a measurement).

A discussion belongs to a channel and to the closed assessment round it discusses (it goes
with the round when retention deletes it); its notes are one row per strength, development
potential or surprise of a member, and the votes of step 4 one row per member and potential.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import TS, Base, deleted_with, nulled_with


class Discussion(Base):
    __tablename__ = "discussions"
    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = deleted_with("channels", index=True)
    assessment_id: Mapped[int] = deleted_with("assessments")
    status: Mapped[str] = mapped_column(String(16))  # running | done | cancelled
    step: Mapped[int] = mapped_column(Integer)  # 1–4, 5 when done
    mode: Mapped[str] = mapped_column(String(8))  # live | async
    window_days: Mapped[int] = mapped_column(Integer, default=0)
    vote_limit: Mapped[int] = mapped_column(Integer)
    # Asynchronous discussions: when each of the four steps closes (ISO 8601, UTC).
    step_deadlines: Mapped[list[str]] = mapped_column(JSON, default=list)
    # When the scheduler has something to do (the current step's end), else NULL.
    due_at: Mapped[datetime | None] = mapped_column(TS, index=True)
    started_by: Mapped[int | None] = nulled_with("members")
    started_at: Mapped[datetime] = mapped_column(TS)
    ended_at: Mapped[datetime | None] = mapped_column(TS)
    meeting_planned_at: Mapped[datetime | None] = mapped_column(TS)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__: dict[str, Any] = {"version_id_col": version}  # noqa: RUF012


class DiscussionNote(Base):
    """A member's strength, development potential or surprise (private until step 2)."""

    __tablename__ = "discussion_notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    discussion_id: Mapped[int] = deleted_with("discussions", index=True)
    member_id: Mapped[int] = deleted_with("members")
    kind: Mapped[str] = mapped_column(String(16))  # strength | potential | surprise
    text: Mapped[str] = mapped_column(Text)
    element: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(TS)
    agreed_at: Mapped[datetime | None] = mapped_column(TS)


class DiscussionVote(Base):
    """A member's vote for a development potential in step 4."""

    __tablename__ = "discussion_votes"
    note_id: Mapped[int] = deleted_with("discussion_notes", primary_key=True)
    member_id: Mapped[int] = deleted_with("members", primary_key=True)
    discussion_id: Mapped[int] = deleted_with("discussions", index=True)
    created_at: Mapped[datetime] = mapped_column(TS)
