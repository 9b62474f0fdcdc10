"""A channel's settings as the dialogs read them (`prefs(turn)`), their validation, and the
operation that stores them (the command and its form: dialog.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import time

from dialogs.calendar import (
    DEFAULT_END,
    DEFAULT_START,
    DEFAULT_TZ,
    Calendar,
    format_window,
    is_zone,
    parse_window,
)
from dialogs.i18n import LANGUAGES, t
from dialogs.turn import Turn

OWNER = "settings"  # the feature's (and its store's) name

# Settings JSON keys (Channel.settings).
K_TIMEZONE = "timezone"
K_WINDOW = "delivery_window"
K_LEAD = "reminder_lead_days"
K_NUDGE_EVERY = "nudge_every_days"
K_NUDGE_MAX = "nudge_max"
K_REASSESS = "reassess_months"
K_REOPEN = "reopen_days"
K_BOARD = "board_link_hours"  # how long a `tavle` link works (dialogs/board)

# Field name -> (min, max) for the whole-number settings.
RANGES = {
    "lead": (0, 10),
    "nudge_every": (1, 20),
    "nudge_max": (0, 10),
    "reassess": (1, 60),
    "reopen": (0, 90),
    "board": (1, 168),
}
FIELD_ORDER = (
    "language", "timezone", "window", "lead", "nudge_every", "nudge_max", "reassess", "reopen",
    "board",
)  # fmt: skip

# Typed names (Danish and English) -> field name.
NAMES = {
    "sprog": "language",
    "language": "language",
    "tidszone": "timezone",
    "timezone": "timezone",
    "tz": "timezone",
    "vindue": "window",
    "tidsrum": "window",
    "window": "window",
    "varsel": "lead",
    "lead": "lead",
    "hyppighed": "nudge_every",
    "cadence": "nudge_every",
    "antal": "nudge_max",
    "cap": "nudge_max",
    "genmåling": "reassess",
    "genmaaling": "reassess",
    "reassess": "reassess",
    "reassessment": "reassess",
    "genåbn": "reopen",
    "genaabn": "reopen",
    "genåbning": "reopen",
    "reopen": "reopen",
    "tavle": "board",
    "board": "board",
}
LANGUAGE_WORDS = {
    "da": "da",
    "dansk": "da",
    "danish": "da",
    "en": "en",
    "engelsk": "en",
    "english": "en",
}


@dataclass(frozen=True)
class ChannelPrefs:
    language: str = "da"
    timezone: str = DEFAULT_TZ
    window_start: time = DEFAULT_START
    window_end: time = DEFAULT_END
    lead_days: int = 2  # agreement reminder: working days before the due date
    nudge_every: int = 3  # working days between assessment nudges
    nudge_max: int = 3  # nudges per member and assessment at most
    reassess_months: int = 12
    reopen_days: int = 14  # a closed round can be reopened this many days after (0: never)
    board_hours: int = 12  # a board link (`tavle`) works this many hours

    @property
    def calendar(self) -> Calendar:
        return Calendar(self.timezone, self.window_start, self.window_end)

    @classmethod
    def of(
        cls, language: str, timezone: str | None, settings: Mapping[str, object]
    ) -> ChannelPrefs:
        """Read a channel's stored values; anything missing or broken keeps its default."""
        d = cls()
        window = settings.get(K_WINDOW)
        start, end = (parse_window(window) if isinstance(window, str) else None) or (
            d.window_start,
            d.window_end,
        )
        zone = timezone or settings.get(K_TIMEZONE)
        return cls(
            language=language if language in LANGUAGES else d.language,
            timezone=zone if isinstance(zone, str) and is_zone(zone) else d.timezone,
            window_start=start,
            window_end=end,
            lead_days=_int(settings.get(K_LEAD), "lead", d.lead_days),
            nudge_every=_int(settings.get(K_NUDGE_EVERY), "nudge_every", d.nudge_every),
            nudge_max=_int(settings.get(K_NUDGE_MAX), "nudge_max", d.nudge_max),
            reassess_months=_int(settings.get(K_REASSESS), "reassess", d.reassess_months),
            reopen_days=_int(settings.get(K_REOPEN), "reopen", d.reopen_days),
            board_hours=_int(settings.get(K_BOARD), "board", d.board_hours),
        )

    def to_settings(self) -> dict[str, object]:
        return {
            K_TIMEZONE: self.timezone,
            K_WINDOW: format_window(self.window_start, self.window_end),
            K_LEAD: self.lead_days,
            K_NUDGE_EVERY: self.nudge_every,
            K_NUDGE_MAX: self.nudge_max,
            K_REASSESS: self.reassess_months,
            K_REOPEN: self.reopen_days,
            K_BOARD: self.board_hours,
        }

    def raw(self) -> dict[str, str]:
        """The values as a user would type them (form initial values)."""
        return {
            "language": self.language,
            "timezone": self.timezone,
            "window": format_window(self.window_start, self.window_end),
            "lead": str(self.lead_days),
            "nudge_every": str(self.nudge_every),
            "nudge_max": str(self.nudge_max),
            "reassess": str(self.reassess_months),
            "reopen": str(self.reopen_days),
            "board": str(self.board_hours),
        }


def _int(value: object, name: str, default: int) -> int:
    low, high = RANGES[name]
    return value if isinstance(value, int) and low <= value <= high else default


def prefs(turn: Turn) -> ChannelPrefs:
    """The channel's settings for this turn (part of every turn: the language, and the
    settings JSON, which mirrors the time zone column)."""
    return ChannelPrefs.of(turn.lang, None, turn.channel_settings)


@dataclass(frozen=True)
class SetChannelSettings:
    """Replace the channel's settings (applied by `storage.settings.SettingsStore`)."""

    language: str
    timezone: str
    values: dict[str, object] = field(default_factory=dict)


def op_for(p: ChannelPrefs) -> SetChannelSettings:
    return SetChannelSettings(p.language, p.timezone, p.to_settings())


# ---- validation ----
def validate(
    lang: str, current: ChannelPrefs, raw: Mapping[str, str]
) -> tuple[ChannelPrefs, dict[str, str]]:
    """New settings from typed values (fields not given keep their value) and the errors."""
    errors: dict[str, str] = {}
    new = current
    for name in FIELD_ORDER:
        if name not in raw:
            continue
        value = raw[name].strip()
        if name == "language":
            code = LANGUAGE_WORDS.get(value.casefold())
            if code is None:
                errors[name] = t(lang, "set.err.language")
            else:
                new = replace(new, language=code)
        elif name == "timezone":
            if not is_zone(value):
                errors[name] = t(lang, "set.err.timezone", value=value[:64])
            else:
                new = replace(new, timezone=value)
        elif name == "window":
            window = parse_window(value)
            if window is None:
                errors[name] = t(lang, "set.err.window")
            else:
                new = replace(new, window_start=window[0], window_end=window[1])
        else:
            low, high = RANGES[name]
            number = int(value) if value.isdigit() and len(value) < 4 else None
            if number is None or not low <= number <= high:
                errors[name] = t(lang, "set.err.number", low=low, high=high)
            else:
                new = _with_number(new, name, number)
    return new, errors


def _with_number(p: ChannelPrefs, name: str, number: int) -> ChannelPrefs:
    match name:
        case "lead":
            return replace(p, lead_days=number)
        case "nudge_every":
            return replace(p, nudge_every=number)
        case "nudge_max":
            return replace(p, nudge_max=number)
        case "reopen":
            return replace(p, reopen_days=number)
        case "board":
            return replace(p, board_hours=number)
        case _:
            return replace(p, reassess_months=number)
