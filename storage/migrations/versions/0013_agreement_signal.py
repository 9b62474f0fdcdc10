"""an agreement's data signal

Revision ID: 0013_agreement_signal
Revises: 0010_generated_files
Create Date: 2026-12-05 10:00:00

Which data will show the team is on the right track with an agreement (booklet 7's agreement
paper asks it): asked in the agreement's form, shown with it and in its reminders.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_agreement_signal"
down_revision = "0010_generated_files"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("agreements") as batch:
        batch.add_column(sa.Column("signal", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("agreements") as batch:
        batch.drop_column("signal")
