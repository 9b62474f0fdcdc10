"""The meetings feature's storage half: `read` loads the channel's meetings and agreements
into the turn, `write` applies the feature's operations (`MeetingStore`), `reminders` plans
the feature's reminders."""

from __future__ import annotations

from storage.meetings.read import due_meetings, load_meetings
from storage.meetings.reminders import plan_reminders
from storage.meetings.write import MeetingStore

__all__ = ["MeetingStore", "due_meetings", "load_meetings", "plan_reminders"]
