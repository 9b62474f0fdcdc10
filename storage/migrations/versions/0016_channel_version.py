"""a channel's data version

Revision ID: 0016_channel_version
Revises: 0013_agreement_signal
Create Date: 2026-12-05 23:40:00

Every unit of work that changes what a turn reads of a channel (its members, its assessment
round) counts `channels.version` up in the same transaction; a process keeps what it last read
of a channel with the version it read it at, and reuses it while the version is unchanged
(bot/engine.py, issue 21).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016_channel_version"
down_revision = "0014_board_links"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("channels") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("channels") as batch:
        batch.drop_column("version")
