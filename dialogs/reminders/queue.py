"""Reminders, pure and generic: the rows a feature plans, and how it builds a due row.

Each feature that reminds people brings its own kinds (`ReminderKinds`):
- its *planners* turn facts (an assessment started, an agreement with a due date) and the
  channel's settings into `Planned` rows with a stable key; the storage side writes missing
  rows and cancels rows that no longer apply, so planning is idempotent and can be re-run at
  any time (at start, on every sweep);
- its *builders* turn a due row into an `Outcome` at send time, from the current `Turn`: a
  reminder whose reason has gone (the member has answered, the agreement is done) builds
  nothing and is cancelled.

No awaits, no clock reads: time comes in as arguments.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from dialogs.effects import Outcome
from dialogs.i18n import t
from dialogs.messages import Block, Message, Text
from dialogs.turn import Turn


@dataclass(frozen=True)
class Planned:
    """A reminder row to exist (the key makes scheduling idempotent)."""

    kind: str
    key: str
    due_at: datetime  # UTC
    subject_type: str
    subject_id: int
    recipient: str | None = None  # a member's external id; None for the channel
    payload: dict[str, object] = field(default_factory=dict)
    late: bool = False  # fanned out from a reminder that was itself late


@dataclass(frozen=True)
class ScheduleReminders:
    """Data operation: make these rows exist (applied by `storage.reminders.ReminderStore`)."""

    items: tuple[Planned, ...]


@dataclass(frozen=True)
class ReminderView:
    """A due row as the builder sees it."""

    id: int
    kind: str
    recipient: str | None
    subject_type: str
    subject_id: int
    payload: Mapping[str, object]
    due_at: datetime
    late: bool = False


# Builds a due row from the turn; `memo` carries what several rows of one channel share (who
# has answered what) while the turn holds.
Builder = Callable[[Turn, ReminderView, dict[str, object]], Outcome]


@dataclass(frozen=True)
class ReminderKinds:
    """A feature's reminder kinds and their builders."""

    builders: Mapping[str, Builder]
    # Kinds that are transitions rather than messages to people: they run at their exact
    # time (the team was told when a meeting step closes), not held back to the window.
    unwindowed: frozenset[str] = frozenset()


def late_note(lang: str, late: bool) -> tuple[Block, ...]:
    return (Text(t(lang, "rem.late"), "muted"),) if late else ()


def message(lang: str, blocks: Sequence[Block], fallback: str, late: bool) -> Message:
    """A reminder's message; one sent late says so first."""
    note = t(lang, "rem.late") + " " if late else ""
    return Message((*late_note(lang, late), *blocks), note + fallback)
