"""A reminder row records when its message began to be sent

Revision ID: 0012_reminder_sending
Revises: 0009_received_at, 0005_reminders
Create Date: 2026-12-05 10:00:00

`reminders.sending_at`: set (and committed) just before a claimed reminder's message goes out.
A row claimed again after its worker died with this set may have been delivered already: the
next worker looks the message up where the platform allows it (Slack: the message carries the
reminder's marker) and does not send it again where it cannot (storage/reminders.py). The
table comes from 0005_reminders, on another branch off 0001_core: this revision merges the two.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_reminder_sending"
down_revision = ("0009_received_at", "0005_reminders")
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sending_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.drop_column("sending_at")
