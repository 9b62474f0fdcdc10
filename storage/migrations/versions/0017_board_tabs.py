"""a board link can be a Teams channel tab's

Revision ID: 0017_board_tabs
Revises: 0016_channel_version
Create Date: 2026-12-06 02:30:00

`tavle fane` hands the facilitator a code for the Teams channel tab: a board link that lives
long (a year) and may be framed by Teams, which an ordinary link may not (issue 20). It is a
row of board_links like any other, so `tavle luk` and `slet-data` end it too; `tab` says what
it is.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017_board_tabs"
down_revision = "0016_channel_version"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("board_links") as batch:
        batch.add_column(sa.Column("tab", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("board_links") as batch:
        batch.drop_column("tab")
