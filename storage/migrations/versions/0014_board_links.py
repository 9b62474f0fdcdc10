"""the board's links

Revision ID: 0014_board_links
Revises: 0013_agreement_signal
Create Date: 2026-12-05 23:45:00

`tavle` hands out links to a channel's board (bot/board): one row per link with the SHA-256 of
its token (never the token), its expiry and when it was revoked (`tavle luk`); an admin's link to
the organisation overview (`tavle organisation`) names its workspace too. The rows go with the
channel's data (`slet-data`) by their foreign key.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_board_links"
down_revision = "0015_selfeval_roles"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "board_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("workspace_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["channel_id"],
            ["channels.id"],
            name=op.f("fk_board_links_channel_id_channels"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_board_links_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_board_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_board_links_token_hash")),
    )
    op.create_index("ix_board_links_channel_id", "board_links", ["channel_id"])


def downgrade() -> None:
    op.drop_index("ix_board_links_channel_id", table_name="board_links")
    op.drop_table("board_links")
