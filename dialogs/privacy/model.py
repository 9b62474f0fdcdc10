"""Privacy's data operations (applied by `storage.privacy.PrivacyStore`) and the read model
that store loads into `turn.extra["privacy"]`."""

from __future__ import annotations

from dataclasses import dataclass

from dialogs.turn import Turn

OWNER = "privacy"


# ---- data operations (applied by storage.privacy.PrivacyStore) ----
@dataclass(frozen=True)
class ExportChannelData:
    """Write every row of the channel to a JSON file (in the turn's transaction)."""


@dataclass(frozen=True)
class DeleteChannelData:
    """Delete every row of the channel, the channel itself and members left in no channel."""


# ---- read model (loaded by storage.privacy.PrivacyStore) ----
@dataclass(frozen=True)
class ExportRef:
    file_id: str  # the stored file (storage/files.py)
    filename: str
    rows: int
    path: str | None = None  # its copy on disk (LOVENDE_OUTPUT_DIR), if any


@dataclass(frozen=True)
class PrivacyView:
    is_admin: bool = False
    export: ExportRef | None = None  # set in the turn that wrote an export


def privacy_of(turn: Turn) -> PrivacyView:
    data = turn.read(OWNER)
    return data if isinstance(data, PrivacyView) else PrivacyView()
