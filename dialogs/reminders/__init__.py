"""Reminders, generic: the rows features plan (`queue`), the channel's upcoming reminders
(`model`), and the `påmindelser` command (`dialog`). Each feature's own kinds live with the
feature (dialogs/assessment/reminders.py, dialogs/meetings/reminders.py)."""

from __future__ import annotations

from dialogs.reminders.dialog import RemindersDialog
from dialogs.reminders.model import ReminderData, RoundRef, Upcoming, reminder_data
from dialogs.reminders.queue import (
    Builder,
    Planned,
    ReminderKinds,
    ReminderView,
    ScheduleReminders,
    message,
)

__all__ = [
    "Builder",
    "Planned",
    "ReminderData",
    "ReminderKinds",
    "ReminderView",
    "RemindersDialog",
    "RoundRef",
    "ScheduleReminders",
    "Upcoming",
    "message",
    "reminder_data",
]
