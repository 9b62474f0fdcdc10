"""self-evaluation: leaders' and staff's answers side by side

Revision ID: 0015_selfeval_roles
Revises: 0013_agreement_signal
Create Date: 2026-12-06 00:00:00

Booklet 1 proposes the organisational self-evaluation as a shared process of leaders and staff:
which each respondent answers as (once per round, changeable), and each one's own rating of a
dimension (1–5), so the two perspectives can be shown beside each other.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_selfeval_roles"
down_revision = "0013_agreement_signal"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "selfeval_respondents",
        sa.Column("selfeval_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["selfeval_id"], ["selfevals.id"],
            name=op.f("fk_selfeval_respondents_selfeval_id_selfevals"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"],
            name=op.f("fk_selfeval_respondents_member_id_members"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("selfeval_id", "member_id", name=op.f("pk_selfeval_respondents")),
    )  # fmt: skip
    op.create_table(
        "selfeval_own_ratings",
        sa.Column("selfeval_id", sa.Integer(), nullable=False),
        sa.Column("dimension", sa.String(length=4), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("rated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["selfeval_id"], ["selfevals.id"],
            name=op.f("fk_selfeval_own_ratings_selfeval_id_selfevals"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"],
            name=op.f("fk_selfeval_own_ratings_member_id_members"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "selfeval_id", "dimension", "member_id", name=op.f("pk_selfeval_own_ratings")
        ),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_table("selfeval_own_ratings")
    op.drop_table("selfeval_respondents")
