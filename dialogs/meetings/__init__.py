"""Reflection meetings (læringsdialog) on the team's data, and the agreements they produce.

The public surface for other features:
- `MeetingsDialog` — the pure dialog (registered in `bot.features`);
- `due_step_advances(turn, now)` / `next_due_at(turn)` — for the scheduler (async meetings);
- `CreateAgreement`, `SetAgreementStatus` — data operations any feature may emit;
- `agreement_from_values`, `agreement_form` — the agreement form and its validation;
- `status_buttons`, `agreement_message` — how an agreement is shown with its status buttons.
"""

from __future__ import annotations

from dialogs.meetings.agreements import agreement_from_values
from dialogs.meetings.dialog import MeetingsDialog
from dialogs.meetings.forms import agreement_form
from dialogs.meetings.model import AgreementView, MeetingsData, MeetingView, meetings_of
from dialogs.meetings.ops import CreateAgreement, SetAgreementStatus
from dialogs.meetings.steps import due_step_advances, next_due_at
from dialogs.meetings.views import agreement_message, status_buttons

__all__ = [
    "AgreementView",
    "CreateAgreement",
    "MeetingView",
    "MeetingsData",
    "MeetingsDialog",
    "SetAgreementStatus",
    "agreement_form",
    "agreement_from_values",
    "agreement_message",
    "due_step_advances",
    "meetings_of",
    "next_due_at",
    "status_buttons",
]
