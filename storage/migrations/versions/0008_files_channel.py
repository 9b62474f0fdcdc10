"""Teams file links reference their channel

Revision ID: 0008_files_channel
Revises: 0007_inbox, 0003_teams
Create Date: 2026-11-30 10:00:00

`teams_files.channel_id` (nullable: links made before have none and expire within their TTL):
deleting a channel's data (storage/privacy.py) removes its links with the rest, so they answer
404 at once. The table comes from 0003_teams, on another branch off 0001_core: this revision
merges the two (a `depends_on` would leave 0003_teams out of the version table while it is
still a head of the scripts, and /readyz would report migrations pending forever).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_files_channel"
down_revision = ("0007_inbox", "0003_teams")
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("teams_files", schema=None) as batch_op:
        batch_op.add_column(sa.Column("channel_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_teams_files_channel_id", ["channel_id"], unique=False)
        batch_op.create_foreign_key(
            op.f("fk_teams_files_channel_id_channels"),
            "channels",
            ["channel_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade() -> None:
    with op.batch_alter_table("teams_files", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_teams_files_channel_id_channels"), type_="foreignkey")
        batch_op.drop_index("ix_teams_files_channel_id")
        batch_op.drop_column("channel_id")
