"""Channel settings: `prefs` (what the dialogs read, its validation and operation) and
`dialog` (the `indstillinger` command and form)."""

from __future__ import annotations

from dialogs.settings.dialog import SettingsDialog
from dialogs.settings.prefs import ChannelPrefs, SetChannelSettings, prefs

__all__ = ["ChannelPrefs", "SetChannelSettings", "SettingsDialog", "prefs"]
