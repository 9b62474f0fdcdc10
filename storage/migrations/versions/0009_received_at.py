"""Last received wins, and one message per key

Revision ID: 0009_received_at
Revises: 0008_files_channel, 0004_meetings, 0006_selfeval
Create Date: 2026-12-01 10:00:00

Every value a person sets (an answer and its comment, a team answer, notes, the delimitation,
an agreement's status, preparation points, reflections and ratings) is stamped with the time
the interaction that set it was received; an interaction replayed later changes nothing that
something received after it has set (storage.turns.Context). A removed self-evaluation rating
keeps its row (without a rating) for its stamp.

`posted_messages` rows may be reservations: no ref yet, a turn is posting under the key until
`lease_until`; `rendered_at` says when the content last sent under the key was rendered.

It also merges the meetings and self-evaluation branches, whose tables it changes (with
`depends_on` instead, Alembic would record fewer heads than the scripts have, and
`storage.migrate.is_current` would never be satisfied).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_received_at"
down_revision = ("0008_files_channel", "0004_meetings", "0006_selfeval")
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)

# table -> the stamp columns it gets
STAMPS = {
    "practices": ("delimitation_received_at",),
    "assessments": ("overall_received_at",),
    "member_answers": ("value_received_at", "comment_received_at"),
    "team_decisions": ("received_at",),
    "element_notes": ("received_at",),
    "agreements": ("status_received_at",),
    "meeting_participants": ("preparation_received_at",),
    "selfeval_reflections": ("received_at",),
    "selfeval_ratings": ("received_at",),
}


def upgrade() -> None:
    for table, columns in STAMPS.items():
        with op.batch_alter_table(table) as batch:
            for column in columns:
                batch.add_column(sa.Column(column, TS, nullable=True))
    with op.batch_alter_table("selfeval_ratings") as batch:
        batch.alter_column("rating", existing_type=sa.Integer(), nullable=True)
    with op.batch_alter_table("posted_messages") as batch:
        batch.alter_column("ref", existing_type=sa.String(length=512), nullable=True)
        batch.add_column(sa.Column("lease_until", TS, nullable=True))
        batch.add_column(sa.Column("rendered_at", TS, nullable=True))


def downgrade() -> None:
    # Reservations and removed ratings have no place in the old schema.
    op.execute("DELETE FROM posted_messages WHERE ref IS NULL")
    op.execute("DELETE FROM selfeval_ratings WHERE rating IS NULL")
    with op.batch_alter_table("posted_messages") as batch:
        batch.drop_column("rendered_at")
        batch.drop_column("lease_until")
        batch.alter_column("ref", existing_type=sa.String(length=512), nullable=False)
    with op.batch_alter_table("selfeval_ratings") as batch:
        batch.alter_column("rating", existing_type=sa.Integer(), nullable=False)
    for table, columns in reversed(STAMPS.items()):
        with op.batch_alter_table(table) as batch:
            for column in reversed(columns):
                batch.drop_column(column)
