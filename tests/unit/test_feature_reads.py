"""Each feature declares the stores its dialog reads (`Dialog.reads`); the engine loads only
those. A read that is not declared would silently see empty data, so this test reads each
feature's source for the accessors of other stores' data and checks they are declared."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from bot.features import Feature, default_features
from scoring.catalogue import load_catalogue
from scoring.table import DEFAULT_TABLE, load_table

# accessor function -> the store whose data it reads
ACCESSORS = {
    "meetings_of": "meetings",
    "selfeval_of": "selfeval",
    "reminder_data": "reminders",
    "prefs": "settings",
    "privacy_of": "privacy",
}
CALL = re.compile(r"\b(" + "|".join(ACCESSORS) + r")\(")


def feature_sources(dialog: object) -> list[Path]:
    module = Path(inspect.getfile(type(dialog)))
    # a feature that is a package (dialogs/meetings/) reads through all of its modules
    return sorted(module.parent.glob("*.py")) if module.parent.name != "dialogs" else [module]


CATALOGUE = load_catalogue()
FEATURES = default_features(CATALOGUE, load_table(DEFAULT_TABLE, CATALOGUE))


@pytest.mark.parametrize("feature", FEATURES, ids=[f.dialog.name for f in FEATURES])
def test_declared_reads_cover_the_accessors_used(feature: Feature) -> None:
    dialog = feature.dialog
    used: set[str] = set()
    for path in feature_sources(dialog):
        source = path.read_text(encoding="utf-8")
        used |= {
            ACCESSORS[m.group(1)]
            for m in CALL.finditer(source)
            if not source[: m.start()].rstrip().endswith("def")
        }
    assert used <= dialog.reads, f"{dialog.name} reads {sorted(used - dialog.reads)} undeclared"


def test_every_declared_read_is_a_store() -> None:
    stores = {f.store.name for f in FEATURES}
    for f in FEATURES:
        assert f.dialog.reads <= stores, f.dialog.name
