"""The inbox: interactions acknowledged before their turn has run

Revision ID: 0007_inbox
Revises: 0001_core
Create Date: 2026-11-23 10:00:00

See storage/inbox.py. On SQLite the bot keeps this table in a file of its own beside the
database (created at start); the table here serves PostgreSQL.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_inbox"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=36), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("workspace", sa.String(length=255), nullable=False),
        sa.Column("channel", sa.String(length=255), nullable=False),
        sa.Column("actor", sa.String(length=255), nullable=True),
        sa.Column("channel_name", sa.String(length=255), nullable=True),
        sa.Column("event", sa.JSON(), nullable=False),
        sa.Column("event_id", sa.String(length=255), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("replays", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox")),
        sa.UniqueConstraint("key", name=op.f("uq_inbox_key")),
    )
    op.create_index("ix_inbox_lease_until", "inbox", ["lease_until"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_inbox_lease_until", table_name="inbox")
    op.drop_table("inbox")
