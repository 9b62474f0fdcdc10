"""Privacy: export and delete everything a channel has stored (`dialog`; its operations and
read model in `model`)."""

from __future__ import annotations

from dialogs.privacy.dialog import PrivacyDialog
from dialogs.privacy.model import DeleteChannelData, ExportChannelData, PrivacyView

__all__ = ["DeleteChannelData", "ExportChannelData", "PrivacyDialog", "PrivacyView"]
