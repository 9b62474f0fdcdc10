"""The channel's settings: language and time zone in their columns, the rest in its settings
JSON (the dialogs read them from every turn's core: `dialogs.settings.prefs`)."""

from __future__ import annotations

from dialogs.settings.prefs import K_TIMEZONE, OWNER, SetChannelSettings
from storage.feature import Applying, FeatureStore, applies


class SettingsStore(FeatureStore):
    name = OWNER

    @applies(SetChannelSettings)
    async def save(self, w: Applying, op: SetChannelSettings) -> None:
        ch = w.ctx.channel
        ch.language, ch.timezone = op.language, op.timezone
        # A new dict, so the JSON column sees the change; other features' keys are kept.
        ch.settings = {**(ch.settings or {}), **op.values, K_TIMEZONE: op.timezone}
