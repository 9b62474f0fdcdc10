"""organisational self-evaluation tables

Revision ID: 0006_selfeval
Revises: 0001_core
Create Date: 2026-11-23 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0006_selfeval"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "selfevals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("round_no", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("pacing", sa.String(length=8), nullable=True),
        sa.Column("current_dimension", sa.Integer(), nullable=True),
        sa.Column("previous_id", sa.Integer(), nullable=True),
        sa.Column("started_by", sa.Integer(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_by", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["channel_id"], ["channels.id"],
            name=op.f("fk_selfevals_channel_id_channels"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["previous_id"], ["selfevals.id"],
            name=op.f("fk_selfevals_previous_id_selfevals"), ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["started_by"], ["members.id"],
            name=op.f("fk_selfevals_started_by_members"), ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["closed_by"], ["members.id"],
            name=op.f("fk_selfevals_closed_by_members"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_selfevals")),
    )
    op.create_table(
        "selfeval_reflections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("selfeval_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(length=8), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["selfeval_id"], ["selfevals.id"],
            name=op.f("fk_selfeval_reflections_selfeval_id_selfevals"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"],
            name=op.f("fk_selfeval_reflections_member_id_members"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_selfeval_reflections")),
        sa.UniqueConstraint(
            "selfeval_id", "question_id", "member_id",
            name=op.f("uq_selfeval_reflections_selfeval_id"),
        ),
    )
    op.create_table(
        "selfeval_ratings",
        sa.Column("selfeval_id", sa.Integer(), nullable=False),
        sa.Column("dimension", sa.String(length=4), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("rated_by", sa.Integer(), nullable=True),
        sa.Column("rated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["selfeval_id"], ["selfevals.id"],
            name=op.f("fk_selfeval_ratings_selfeval_id_selfevals"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["rated_by"], ["members.id"],
            name=op.f("fk_selfeval_ratings_rated_by_members"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("selfeval_id", "dimension", name=op.f("pk_selfeval_ratings")),
    )
    op.create_table(
        "selfeval_points",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("selfeval_id", sa.Integer(), nullable=False),
        sa.Column("dimension", sa.String(length=4), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("agreed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["selfeval_id"], ["selfevals.id"],
            name=op.f("fk_selfeval_points_selfeval_id_selfevals"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["members.id"],
            name=op.f("fk_selfeval_points_created_by_members"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_selfeval_points")),
    )


def downgrade() -> None:
    op.drop_table("selfeval_points")
    op.drop_table("selfeval_ratings")
    op.drop_table("selfeval_reflections")
    op.drop_table("selfevals")
