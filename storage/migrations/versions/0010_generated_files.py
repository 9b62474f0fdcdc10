"""Generated files in the database; Slack's parts-sent memory too

Revision ID: 0010_generated_files
Revises: 0011_discussion
Create Date: 2026-12-05 10:00:00

Nothing a replica needs lives on its disk any more (issue 19, point 1):
- `generated_files` holds every chart, report, export and data export (storage/files.py),
  referencing its channel and its round with ON DELETE CASCADE.
- `teams_files` links name a stored file (`file_id`) instead of a path on one replica's disk.
  Links made before this revision pointed at files on disk that no replica serves any more:
  they are deleted (they expired within TEAMS_FILE_TTL_HOURS anyway; a message sent with one
  shows its image or button without a working link).
- `slack_sent_parts` remembers, for an hour, the parts of a Slack message already posted when
  its sending failed part-way (bot/slack/sender.py), for whichever replica tries again.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_generated_files"
down_revision = "0011_discussion"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "generated_files",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=128), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_generated_files_assessment_id_assessments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["channel_id"],
            ["channels.id"],
            name=op.f("fk_generated_files_channel_id_channels"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_generated_files")),
    )
    op.create_index("ix_generated_files_assessment_id", "generated_files", ["assessment_id"])
    op.create_index("ix_generated_files_channel_id", "generated_files", ["channel_id"])
    op.create_index("ix_generated_files_created_at", "generated_files", ["created_at"])

    op.execute(sa.text("DELETE FROM teams_files"))  # links to files on some replica's disk
    with op.batch_alter_table("teams_files", schema=None) as batch_op:
        batch_op.add_column(sa.Column("file_id", sa.String(length=64), nullable=False))
        batch_op.alter_column("channel_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_index("ix_teams_files_file_id", ["file_id"], unique=False)
        batch_op.create_foreign_key(
            op.f("fk_teams_files_file_id_generated_files"),
            "generated_files",
            ["file_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.drop_column("path")
        batch_op.drop_column("filename")
        batch_op.drop_column("content_type")

    op.create_table(
        "slack_sent_parts",
        sa.Column("workspace", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("marker", sa.String(length=64), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(length=64), nullable=True),
        sa.Column("stamps", sa.JSON(), nullable=False),
        sa.Column("uploads", sa.Integer(), nullable=False),
        sa.Column("maybe", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("workspace", "key", name=op.f("pk_slack_sent_parts")),
    )
    op.create_index("ix_slack_sent_parts_since", "slack_sent_parts", ["since"])


def downgrade() -> None:
    op.drop_index("ix_slack_sent_parts_since", table_name="slack_sent_parts")
    op.drop_table("slack_sent_parts")
    op.execute(sa.text("DELETE FROM teams_files"))  # their files are about to go
    with op.batch_alter_table("teams_files", schema=None) as batch_op:
        batch_op.add_column(sa.Column("content_type", sa.String(length=128), nullable=False))
        batch_op.add_column(sa.Column("filename", sa.String(length=255), nullable=False))
        batch_op.add_column(sa.Column("path", sa.String(length=1024), nullable=False))
        batch_op.drop_constraint(
            op.f("fk_teams_files_file_id_generated_files"), type_="foreignkey"
        )
        batch_op.drop_index("ix_teams_files_file_id")
        batch_op.alter_column("channel_id", existing_type=sa.Integer(), nullable=True)
        batch_op.drop_column("file_id")
    op.drop_index("ix_generated_files_created_at", table_name="generated_files")
    op.drop_index("ix_generated_files_channel_id", table_name="generated_files")
    op.drop_index("ix_generated_files_assessment_id", table_name="generated_files")
    op.drop_table("generated_files")
