"""Where the board's links point."""

from __future__ import annotations

import os
from collections.abc import Mapping

from bot.settings import Settings


def base_url(settings: Settings, env: Mapping[str, str] = os.environ) -> str:
    """LOVENDE_PUBLIC_URL, else the Teams app's TEAMS_PUBLIC_URL (the same web app serves
    both); "" when neither is set (then `tavle` says what is missing)."""
    return settings.public_url or env.get("TEAMS_PUBLIC_URL", "").strip().rstrip("/")
