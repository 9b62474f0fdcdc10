"""The features the bot runs. Each brings its pure dialog (dialogs/<feature>/), its storage
half (storage/<feature>) and, where it has them, its reminders (the kinds it builds and its
planning sweep) and its generators (charts, reports). A new feature adds one line to
`default_features`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.board.config import base_url
from bot.clock import Clock
from bot.generators import Generator
from bot.generators.assessment import AssessmentFiles
from bot.generators.keeper import Keeper
from bot.generators.selfeval import SelfEvalFiles
from bot.settings import Settings
from dialogs.assessment import AssessmentDialog
from dialogs.assessment.reminders import AssessmentReminders
from dialogs.board import BoardDialog
from dialogs.discussion import DiscussionDialog
from dialogs.discussion import reminders as discussion_reminders
from dialogs.feature import Dialog
from dialogs.meetings import MeetingsDialog
from dialogs.meetings import reminders as meeting_reminders
from dialogs.privacy import PrivacyDialog
from dialogs.reminders import ReminderKinds, RemindersDialog
from dialogs.selfeval import SelfEvalDialog
from dialogs.settings import SettingsDialog
from scoring.catalogue import Catalogue
from scoring.table import ScoringTable
from storage import assessment, discussion, meetings
from storage.assessment import AssessmentStore
from storage.board import BoardStore
from storage.discussion import DiscussionStore
from storage.feature import Store
from storage.files import GeneratedFiles
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
    generators: Mapping[str, Generator] = field(default_factory=dict)  # by `Generate.kind`


@dataclass(frozen=True)
class Env:
    """What the features are built from: the instrument, the settings, the database (for the
    generators, which load after a turn's commit) and the clock."""

    catalogue: Catalogue
    table: ScoringTable
    settings: Settings
    sessions: async_sessionmaker[AsyncSession]
    clock: Clock


def default_features(env: Env) -> list[Feature]:
    cat, table, settings, out = env.catalogue, env.table, env.settings, env.settings.output_dir
    keeper = Keeper(GeneratedFiles(env.sessions), env.clock, out)  # the database, a copy in `out`
    # The first feature also answers unknown commands (with the help text).
    return [
        Feature(
            AssessmentDialog(cat, table),
            AssessmentStore(),
            Reminders(AssessmentReminders(cat).kinds(), assessment.plan_reminders),
            AssessmentFiles(env.sessions, cat, table, keeper, env.clock).kinds(),
        ),
        Feature(
            MeetingsDialog(cat, table),
            MeetingStore(),
            Reminders(meeting_reminders.KINDS, meetings.plan_reminders),
        ),
        Feature(
            DiscussionDialog(cat, table),
            DiscussionStore(),
            Reminders(discussion_reminders.KINDS, discussion.plan_reminders),
        ),
        Feature(
            SelfEvalDialog(), SelfEvalStore(), None, SelfEvalFiles(env.sessions, keeper).kinds()
        ),
        Feature(RemindersDialog(), ReminderStore()),
        Feature(SettingsDialog(), SettingsStore()),
        Feature(BoardDialog(base_url(settings)), BoardStore()),  # `tavle`: bot/board
        Feature(PrivacyDialog(), PrivacyStore(out, parse_admins(settings.admins))),
    ]
