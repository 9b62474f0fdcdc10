"""Tables of the meetings feature: reflection meetings (læringsdialog), their participants,
preparation points and observations, theme votes and themes, interpretations, the agreement
paper, and agreements with their status history.

Every row hangs off a channel (directly or through its meeting), which is the tenant boundary.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import TS, Base, deleted_with, nulled_with


class Meeting(Base):
    __tablename__ = "meetings"
    __table_args__ = (UniqueConstraint("channel_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = deleted_with("channels")
    number: Mapped[int] = mapped_column(Integer)  # per channel
    status: Mapped[str] = mapped_column(String(16))  # planned | running | done | cancelled
    step: Mapped[int] = mapped_column(Integer, default=0)  # 0 preparation, 1–4, 5 finished
    mode: Mapped[str] = mapped_column(String(8))  # live | async
    scheduled_at: Mapped[datetime] = mapped_column(TS)
    facilitator_id: Mapped[int | None] = nulled_with("members")
    planned_by: Mapped[int | None] = nulled_with("members")
    assessment_id: Mapped[int | None] = nulled_with("assessments")
    focus_elements: Mapped[list[int]] = mapped_column(JSON, default=list)
    theme_limit: Mapped[int] = mapped_column(Integer, default=2)
    window_days: Mapped[int] = mapped_column(Integer, default=0)
    # Async meetings: when each of the four steps closes (ISO 8601, UTC).
    step_deadlines: Mapped[list[str]] = mapped_column(JSON, default=list)
    # When the scheduler has something to do for this meeting (async start or step end).
    due_at: Mapped[datetime | None] = mapped_column(TS, index=True)
    started_at: Mapped[datetime | None] = mapped_column(TS)
    ended_at: Mapped[datetime | None] = mapped_column(TS)
    created_at: Mapped[datetime] = mapped_column(TS)
    updated_at: Mapped[datetime] = mapped_column(TS)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__: dict[str, Any] = {"version_id_col": version}  # noqa: RUF012


class MeetingParticipant(Base):
    __tablename__ = "meeting_participants"
    meeting_id: Mapped[int] = deleted_with("meetings", primary_key=True)
    member_id: Mapped[int] = deleted_with("members", primary_key=True)
    prepared_at: Mapped[datetime | None] = mapped_column(TS)
    joined_at: Mapped[datetime] = mapped_column(TS)
    # When what set the preparation points was received (storage.turns.Context).
    preparation_received_at: Mapped[datetime | None] = mapped_column(TS)


class MeetingObservation(Base):
    """A preparation point (positive trend, improvement, question) or an observation added
    during *Udforsk*. Preparation points stay private to their author until the start."""

    __tablename__ = "meeting_observations"
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = deleted_with("meetings", index=True)
    member_id: Mapped[int] = deleted_with("members")
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    from_preparation: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(TS)


class MeetingVote(Base):
    """A participant's choice of an observation as a theme."""

    __tablename__ = "meeting_votes"
    observation_id: Mapped[int] = deleted_with("meeting_observations", primary_key=True)
    member_id: Mapped[int] = deleted_with("members", primary_key=True)
    meeting_id: Mapped[int] = deleted_with("meetings", index=True)
    created_at: Mapped[datetime] = mapped_column(TS)


class MeetingTheme(Base):
    """A theme the facilitator confirmed (its title copied from the observation)."""

    __tablename__ = "meeting_themes"
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = deleted_with("meetings", index=True)
    observation_id: Mapped[int | None] = nulled_with("meeting_observations")
    title: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(TS)


class MeetingInterpretation(Base):
    """An explanation offered for a theme in *Fortolk*."""

    __tablename__ = "meeting_interpretations"
    id: Mapped[int] = mapped_column(primary_key=True)
    theme_id: Mapped[int] = deleted_with("meeting_themes", index=True)
    meeting_id: Mapped[int] = deleted_with("meetings")
    member_id: Mapped[int] = deleted_with("members")
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(TS)


class AgreementPaper(Base):
    """The aftalepapir's goals: short term (until the next dialogue), long term (in x months),
    the data that will show progress, and the next meeting. Its actions are `Agreement`s."""

    __tablename__ = "agreement_papers"
    meeting_id: Mapped[int] = deleted_with("meetings", primary_key=True)
    short_goal: Mapped[str | None] = mapped_column(Text)
    long_goal: Mapped[str | None] = mapped_column(Text)
    long_months: Mapped[int | None] = mapped_column(Integer)
    progress_data: Mapped[str | None] = mapped_column(Text)
    next_meeting_at: Mapped[datetime | None] = mapped_column(TS)
    updated_by: Mapped[int | None] = nulled_with("members")
    updated_at: Mapped[datetime] = mapped_column(TS)


class MeetingReview(Base):
    """An agreement followed up in a meeting's *Siden sidst*."""

    __tablename__ = "meeting_reviews"
    meeting_id: Mapped[int] = deleted_with("meetings", primary_key=True)
    agreement_id: Mapped[int] = deleted_with("agreements", primary_key=True)
    position: Mapped[int] = mapped_column(Integer)


class Agreement(Base):
    __tablename__ = "agreements"
    __table_args__ = (UniqueConstraint("channel_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = deleted_with("channels")
    number: Mapped[int] = mapped_column(Integer)  # per channel
    meeting_id: Mapped[int | None] = nulled_with("meetings", index=True)
    element: Mapped[int | None] = mapped_column(Integer)
    what: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int] = deleted_with("members")
    follow_up_id: Mapped[int] = deleted_with("members")
    due: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(64))  # "meeting", "selvevaluering:<dimension>", …
    learned: Mapped[str | None] = mapped_column(Text)
    # Which data will show the team is on the right track (the agreement's data signal).
    signal: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int | None] = nulled_with("members")
    created_at: Mapped[datetime] = mapped_column(TS)
    status_changed_at: Mapped[datetime] = mapped_column(TS)
    # When what set the status was received (storage.turns.Context).
    status_received_at: Mapped[datetime | None] = mapped_column(TS)


class AgreementStatusChange(Base):
    __tablename__ = "agreement_status_history"
    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = deleted_with("agreements", index=True)
    status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    member_id: Mapped[int | None] = nulled_with("members")
    changed_at: Mapped[datetime] = mapped_column(TS)
