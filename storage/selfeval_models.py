"""Tables of the organisational self-evaluation (booklet 1, tool 4.2).

A self-evaluation is a round per channel: free-text reflections per question and member, the
team's own rating per dimension (optional, set by a facilitator) and development points.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import TS, Base, deleted_with, nulled_with


class SelfEval(Base):
    __tablename__ = "selfevals"
    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = deleted_with("channels")
    round_no: Mapped[int] = mapped_column(Integer, default=1)
    title: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default="open")
    pacing: Mapped[str | None] = mapped_column(String(8))
    current_dimension: Mapped[int | None] = mapped_column(Integer)
    previous_id: Mapped[int | None] = nulled_with("selfevals")
    started_by: Mapped[int | None] = nulled_with("members")
    started_at: Mapped[datetime] = mapped_column(TS)
    closed_by: Mapped[int | None] = nulled_with("members")
    closed_at: Mapped[datetime | None] = mapped_column(TS)


class SelfEvalReflection(Base):
    """One member's reflection on one question (editable until the round closes)."""

    __tablename__ = "selfeval_reflections"
    __table_args__ = (UniqueConstraint("selfeval_id", "question_id", "member_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    selfeval_id: Mapped[int] = deleted_with("selfevals")
    question_id: Mapped[str] = mapped_column(String(8))
    member_id: Mapped[int] = deleted_with("members")
    text: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(TS)
    received_at: Mapped[datetime | None] = mapped_column(TS)  # storage.turns.Context


class SelfEvalRating(Base):
    """The team's own rating of a dimension (1–5): a judgement, not a score of the tool. A
    removed rating keeps its row without a rating, so that the time its removal was received
    still holds back a replayed older rating (storage.turns.Context)."""

    __tablename__ = "selfeval_ratings"
    selfeval_id: Mapped[int] = deleted_with("selfevals", primary_key=True)
    dimension: Mapped[str] = mapped_column(String(4), primary_key=True)
    rating: Mapped[int | None] = mapped_column(Integer)
    rated_by: Mapped[int | None] = nulled_with("members")
    rated_at: Mapped[datetime] = mapped_column(TS)
    received_at: Mapped[datetime | None] = mapped_column(TS)


class SelfEvalPoint(Base):
    """A development point on a dimension; `agreed_at` is set once it became an agreement."""

    __tablename__ = "selfeval_points"
    id: Mapped[int] = mapped_column(primary_key=True)
    selfeval_id: Mapped[int] = deleted_with("selfevals")
    dimension: Mapped[str] = mapped_column(String(4))
    text: Mapped[str] = mapped_column(Text)
    created_by: Mapped[int | None] = nulled_with("members")
    created_at: Mapped[datetime] = mapped_column(TS)
    agreed_at: Mapped[datetime | None] = mapped_column(TS)


class SelfEvalRespondent(Base):
    """Which a member answers a self-evaluation as: `leader` or `staff` (dialogs.selfeval.model
    ROLES). One row per member and round; changing it moves the member's answers with it."""

    __tablename__ = "selfeval_respondents"
    selfeval_id: Mapped[int] = deleted_with("selfevals", primary_key=True)
    member_id: Mapped[int] = deleted_with("members", primary_key=True)
    role: Mapped[str] = mapped_column(String(16))
    updated_at: Mapped[datetime] = mapped_column(TS)
    received_at: Mapped[datetime | None] = mapped_column(TS)


class SelfEvalOwnRating(Base):
    """A member's own rating of a dimension (1–5), so leaders' and staff's views can be set
    side by side. A removed rating keeps its row without a rating, for its received stamp."""

    __tablename__ = "selfeval_own_ratings"
    selfeval_id: Mapped[int] = deleted_with("selfevals", primary_key=True)
    dimension: Mapped[str] = mapped_column(String(4), primary_key=True)
    member_id: Mapped[int] = deleted_with("members", primary_key=True)
    rating: Mapped[int | None] = mapped_column(Integer)
    rated_at: Mapped[datetime] = mapped_column(TS)
    received_at: Mapped[datetime | None] = mapped_column(TS)
