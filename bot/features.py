"""The features the bot runs. Each brings its pure dialog (dialogs/<feature>/), its storage
half (storage/<feature>), and, where it has them, its reminders: the kinds it builds (pure)
and its planning sweep. A new feature adds one line to `default_features`.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.settings import Settings, load_settings
from dialogs.assessment import AssessmentDialog
from dialogs.assessment.reminders import AssessmentReminders
from dialogs.feature import Dialog
from dialogs.meetings import MeetingsDialog
from dialogs.meetings import reminders as meeting_reminders
from dialogs.privacy import PrivacyDialog
from dialogs.reminders import ReminderKinds, RemindersDialog
from dialogs.selfeval import SelfEvalDialog
from dialogs.settings import SettingsDialog
from scoring.catalogue import Catalogue
from scoring.table import ScoringTable
from storage import assessment, meetings
from storage.assessment import AssessmentStore
from storage.feature import Store
from storage.meetings import MeetingStore
from storage.privacy import PrivacyStore, parse_admins
from storage.reminders import Planner, ReminderStore
from storage.selfeval import SelfEvalStore
from storage.settings import SettingsStore


@dataclass(frozen=True)
class Reminders:
    """A feature's reminders: how its kinds are built when due, and how they are planned."""

    kinds: ReminderKinds
    plan: Planner


@dataclass(frozen=True)
class Feature:
    dialog: Dialog
    store: Store
    reminders: Reminders | None = None


def default_features(
    catalogue: Catalogue, table: ScoringTable, settings: Settings | None = None
) -> list[Feature]:
    """`settings`: the runtime's (None: read from the environment); stores get what they
    need of them as arguments."""
    settings = settings or load_settings()
    # The first feature also answers unknown commands (with the help text).
    return [
        Feature(
            AssessmentDialog(catalogue, table),
            AssessmentStore(),
            Reminders(AssessmentReminders(catalogue).kinds(), assessment.plan_reminders),
        ),
        Feature(
            MeetingsDialog(catalogue, table),
            MeetingStore(),
            Reminders(meeting_reminders.KINDS, meetings.plan_reminders),
        ),
        Feature(SelfEvalDialog(), SelfEvalStore()),
        Feature(RemindersDialog(), ReminderStore()),
        Feature(SettingsDialog(), SettingsStore()),
        Feature(PrivacyDialog(), PrivacyStore(settings.output_dir, parse_admins(settings.admins))),
    ]
