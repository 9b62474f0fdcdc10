"""What `ReminderStore.load` puts in `turn.extra["reminders"]`: the channel's rounds and its
next pending reminders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from dialogs.turn import Turn

OWNER = "reminders"


@dataclass(frozen=True)
class RoundRef:
    id: int
    practice: str
    round_no: int
    status: str
    closed_at: datetime | None


@dataclass(frozen=True)
class Upcoming:
    kind: str
    recipient: str | None
    due_at: datetime


@dataclass(frozen=True)
class ReminderData:
    rounds: tuple[RoundRef, ...] = ()  # every assessment round of the channel, oldest first
    upcoming: tuple[Upcoming, ...] = ()  # the channel's next pending reminders


def reminder_data(turn: Turn) -> ReminderData:
    data = turn.read(OWNER)
    return data if isinstance(data, ReminderData) else ReminderData()
