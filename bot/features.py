"""The features the bot runs: each a pure dialog plus its storage half.

A new feature adds one line to `default_features`.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.settings import Settings, load_settings
from dialogs.assessment import AssessmentDialog
from dialogs.feature import Dialog
from dialogs.meetings import MeetingsDialog
from dialogs.privacy import PrivacyDialog
from dialogs.reminders import RemindersDialog
from dialogs.selfeval import SelfEvalDialog
from dialogs.settings import SettingsDialog
from scoring.catalogue import Catalogue
from scoring.table import ScoringTable
from storage.feature import Store
from storage.meetings import MeetingStore
from storage.privacy import PrivacyStore, parse_admins
from storage.reminders import ReminderStore, SettingsStore
from storage.repository import AssessmentStore
from storage.selfeval import SelfEvalStore


@dataclass(frozen=True)
class Feature:
    dialog: Dialog
    store: Store


def default_features(
    catalogue: Catalogue, table: ScoringTable, settings: Settings | None = None
) -> list[Feature]:
    """`settings`: the runtime's (None: read from the environment); stores get what they
    need of them as arguments."""
    settings = settings or load_settings()
    # The first feature also answers unknown commands (with the help text).
    return [
        Feature(AssessmentDialog(catalogue, table), AssessmentStore()),
        Feature(MeetingsDialog(catalogue, table), MeetingStore()),
        Feature(SelfEvalDialog(), SelfEvalStore()),
        Feature(RemindersDialog(catalogue), ReminderStore()),
        Feature(SettingsDialog(), SettingsStore()),
        Feature(PrivacyDialog(), PrivacyStore(settings.output_dir, parse_admins(settings.admins))),
    ]
