"""Alembic environment: always called with a connection from storage.migrate."""

from __future__ import annotations

from alembic import context

# Every feature's models must be imported so that Base.metadata describes the whole schema.
from storage import (  # noqa: F401
    board,  # the board's links (tavle)
    discussion_models,  # results discussion
    file_models,  # generated files (charts, reports, exports)
    inbox,  # interactions acknowledged before their turn
    meeting_models,  # reflection meetings, agreements
    reminder_models,  # reminders
    selfeval_models,  # organisational self-evaluation
    slack_models,  # Slack installation and OAuth state stores
    slack_outbox,  # Slack messages sent part-way
    teams_models,  # Teams conversation references, files
)
from storage.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations with `lovende migrate` (storage.migrate.upgrade)")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite can only alter tables by copying them
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
