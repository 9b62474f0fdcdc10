"""results discussion tables (booklet 1's proposed process after a measurement)

Revision ID: 0011_discussion
Revises: 0012_reminder_sending
Create Date: 2026-12-02 10:00:00

A discussion per channel and closed assessment round, its members' notes (strengths,
development potentials, surprises) and the votes that prioritise the potentials.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_discussion"
down_revision = "0012_reminder_sending"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "discussions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column("window_days", sa.Integer(), nullable=False),
        sa.Column("vote_limit", sa.Integer(), nullable=False),
        sa.Column("step_deadlines", sa.JSON(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("started_by", sa.Integer(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("meeting_planned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["channel_id"], ["channels.id"],
            name=op.f("fk_discussions_channel_id_channels"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["assessment_id"], ["assessments.id"],
            name=op.f("fk_discussions_assessment_id_assessments"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["started_by"], ["members.id"],
            name=op.f("fk_discussions_started_by_members"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discussions")),
    )
    with op.batch_alter_table("discussions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_discussions_channel_id"), ["channel_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_discussions_due_at"), ["due_at"], unique=False)

    op.create_table(
        "discussion_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("discussion_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("element", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("agreed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["discussion_id"], ["discussions.id"],
            name=op.f("fk_discussion_notes_discussion_id_discussions"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"],
            name=op.f("fk_discussion_notes_member_id_members"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discussion_notes")),
    )
    with op.batch_alter_table("discussion_notes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_discussion_notes_discussion_id"), ["discussion_id"], unique=False
        )

    op.create_table(
        "discussion_votes",
        sa.Column("note_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("discussion_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["note_id"], ["discussion_notes.id"],
            name=op.f("fk_discussion_votes_note_id_discussion_notes"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"],
            name=op.f("fk_discussion_votes_member_id_members"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["discussion_id"], ["discussions.id"],
            name=op.f("fk_discussion_votes_discussion_id_discussions"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("note_id", "member_id", name=op.f("pk_discussion_votes")),
    )
    with op.batch_alter_table("discussion_votes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_discussion_votes_discussion_id"), ["discussion_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("discussion_votes")
    op.drop_table("discussion_notes")
    op.drop_table("discussions")
