"""The features the bot runs: each a pure dialog plus its storage half.

A new feature adds one line to `default_features`.
"""

from __future__ import annotations

from dataclasses import dataclass

from dialogs.assessment import AssessmentDialog
from dialogs.feature import Dialog
from scoring.catalogue import Catalogue
from scoring.table import ScoringTable
from storage.feature import Store
from storage.repository import AssessmentStore


@dataclass(frozen=True)
class Feature:
    dialog: Dialog
    store: Store


def default_features(catalogue: Catalogue, table: ScoringTable) -> list[Feature]:
    # The first feature also answers unknown commands (with the help text).
    return [
        Feature(AssessmentDialog(catalogue, table), AssessmentStore()),
    ]
