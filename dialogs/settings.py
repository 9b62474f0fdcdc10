"""Channel settings (`indstillinger` / `settings`): language, time zone, delivery window,
reminder lead time, nudge cadence and cap, reassessment interval.

Anyone may look; only a facilitator (mødeleder) may change them. Changes come from a form or a
typed `indstillinger <navn> <værdi>`, are validated field by field with a clear message, and are
stored in the channel (language and time zone in their columns, the rest in its settings JSON;
the time zone is mirrored there too, where other features read it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import time

from dialogs import actions
from dialogs.calendar import (
    DEFAULT_END,
    DEFAULT_START,
    DEFAULT_TZ,
    Calendar,
    format_window,
    is_zone,
    parse_window,
)
from dialogs.effects import OpenForm, Outcome, Post, Refresh, RejectForm
from dialogs.events import Command, Event, Interaction
from dialogs.i18n import LANGUAGES, t
from dialogs.messages import (
    Button,
    Buttons,
    Choice,
    Fields,
    Form,
    FormField,
    Message,
    Text,
    ToActorOnly,
    ToChannel,
)
from dialogs.model import Turn

# Settings JSON keys (Channel.settings).
K_TIMEZONE = "timezone"
K_WINDOW = "delivery_window"
K_LEAD = "reminder_lead_days"
K_NUDGE_EVERY = "nudge_every_days"
K_NUDGE_MAX = "nudge_max"
K_REASSESS = "reassess_months"

# Field name -> (min, max) for the whole-number settings.
RANGES = {"lead": (0, 10), "nudge_every": (1, 20), "nudge_max": (0, 10), "reassess": (1, 60)}
FIELD_ORDER = ("language", "timezone", "window", "lead", "nudge_every", "nudge_max", "reassess")

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
        )

    def to_settings(self) -> dict[str, object]:
        return {
            K_TIMEZONE: self.timezone,
            K_WINDOW: format_window(self.window_start, self.window_end),
            K_LEAD: self.lead_days,
            K_NUDGE_EVERY: self.nudge_every,
            K_NUDGE_MAX: self.nudge_max,
            K_REASSESS: self.reassess_months,
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
        }


def _int(value: object, name: str, default: int) -> int:
    low, high = RANGES[name]
    return value if isinstance(value, int) and low <= value <= high else default


def prefs(turn: Turn) -> ChannelPrefs:
    """The channel's settings for this turn (loaded by the settings store)."""
    data = turn.extra.get("settings")
    if isinstance(data, ChannelPrefs):
        return data
    return ChannelPrefs.of(turn.lang, None, turn.channel_settings)


@dataclass(frozen=True)
class SetChannelSettings:
    """Replace the channel's settings (applied by `storage.reminders.SettingsStore`)."""

    language: str
    timezone: str
    values: dict[str, object] = field(default_factory=dict)


def op_for(p: ChannelPrefs) -> SetChannelSettings:
    return SetChannelSettings(p.language, p.timezone, p.to_settings())


def as_ops(*ops: object) -> tuple[object, ...]:
    """Feature operations travel in `Outcome.ops` beside the core's (the engine routes them
    by type to the store that declares them)."""
    return ops


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
        case _:
            return replace(p, reassess_months=number)


# ---- views ----
def _value(lang: str, p: ChannelPrefs, name: str) -> str:
    match name:
        case "language":
            return t(lang, f"set.lang.{p.language}")
        case "timezone":
            return p.timezone
        case "window":
            return format_window(p.window_start, p.window_end)
        case "lead":
            return t(lang, "set.value.days", n=p.lead_days)
        case "nudge_every":
            return t(lang, "set.value.days", n=p.nudge_every)
        case "nudge_max":
            return str(p.nudge_max)
        case _:
            return t(lang, "set.value.months", n=p.reassess_months)


def settings_message(lang: str, p: ChannelPrefs, can_change: bool) -> Message:
    rows = tuple((t(lang, f"set.label.{n}"), _value(lang, p, n)) for n in FIELD_ORDER)
    blocks: list[Text | Fields | Buttons] = [
        Text(t(lang, "set.title"), "header"),
        Fields(rows),
        Text(t(lang, "set.hint"), "muted"),
    ]
    if can_change:
        blocks.append(
            Buttons((Button(t(lang, "set.edit"), actions.encode("set-edit"), "primary"),))
        )
    text = t(lang, "set.title") + "\n" + "\n".join(f"{a}: {b}" for a, b in rows)
    return Message(tuple(blocks), text)


def settings_form(
    lang: str, raw: Mapping[str, str], errors: Mapping[str, str] | None = None
) -> Form:
    def text_field(name: str, max_length: int) -> FormField:
        return FormField(
            name,
            t(lang, f"set.label.{name}"),
            max_length=max_length,
            initial=raw.get(name),
            hint=t(lang, f"set.hint.{name}"),
        )

    language = FormField(
        "language",
        t(lang, "set.label.language"),
        kind="choice",
        options=tuple(Choice(code, t(lang, f"set.lang.{code}")) for code in LANGUAGES),
        initial=raw.get("language"),
    )
    return Form(
        action=actions.encode("f-set"),
        title=t(lang, "set.form_title"),
        intro=t(lang, "set.form_intro"),
        fields=(
            language,
            text_field("timezone", 64),
            text_field("window", 20),
            text_field("lead", 3),
            text_field("nudge_every", 3),
            text_field("nudge_max", 3),
            text_field("reassess", 3),
        ),
        submit_label=t(lang, "set.save"),
        errors=dict(errors or {}),
    )


def changes(lang: str, old: ChannelPrefs, new: ChannelPrefs) -> list[str]:
    return [
        f"{t(lang, f'set.label.{n}')}: {_value(lang, new, n)}"
        for n in FIELD_ORDER
        if _value(lang, old, n) != _value(lang, new, n)
    ]


class SettingsDialog:
    name = "settings"
    reads = frozenset({"settings"})
    aliases: Mapping[str, str] = {
        "indstillinger": "settings",
        "indstilling": "settings",
        "settings": "settings",
    }
    verbs = frozenset({"set-edit", "f-set"})

    def render(self, refresh: Refresh, turn: Turn) -> list[Post]:
        return []

    def step(self, turn: Turn, event: Event) -> Outcome:
        if isinstance(event, Command):
            return self.command(turn, event.text)
        return self.interaction(turn, event)

    def refuse(self, turn: Turn, key: str, **values: object) -> Outcome:
        text = t(turn.lang, key, **values)
        return Outcome(out=(Post(Message((Text(text),), text), ToActorOnly()),))

    def not_allowed(self, turn: Turn) -> Outcome | None:
        if turn.is_facilitator:
            return None
        key = "set.err.facilitator" if turn.has_facilitator else "set.err.no_facilitator"
        return self.refuse(turn, key)

    def command(self, turn: Turn, text: str) -> Outcome:
        words = text.strip().removeprefix("/lovende").split(maxsplit=2)[1:]
        current = prefs(turn)
        if not words:
            msg = settings_message(turn.lang, current, turn.is_facilitator)
            return Outcome(out=(Post(msg, ToActorOnly()),))
        name = NAMES.get(words[0].casefold())
        if name is None:
            return self.refuse(turn, "set.err.unknown", name=words[0][:40])
        refused = self.not_allowed(turn)
        if refused is not None:
            return refused
        if len(words) < 2:
            return self.refuse(turn, "set.err.missing_value", name=words[0][:40])
        new, errors = validate(turn.lang, current, {name: words[1]})
        if errors:
            return self.refuse(turn, "set.err.input", error=errors[name])
        return self.save(turn, current, new)

    def interaction(self, turn: Turn, event: Interaction) -> Outcome:
        try:
            verb = actions.decode(event.action).verb
        except actions.BadAction:
            verb = ""
        refused = self.not_allowed(turn)
        if refused is not None:
            return refused
        current = prefs(turn)
        if verb == "set-edit":
            return Outcome(out=(OpenForm(settings_form(turn.lang, current.raw())),))
        if verb != "f-set":
            return self.refuse(turn, "err.bad_action")
        raw = {n: str(event.values[n]) for n in FIELD_ORDER if n in event.values}
        new, errors = validate(turn.lang, current, raw)
        if errors:
            draft = {**current.raw(), **raw}
            return Outcome(out=(RejectForm(settings_form(turn.lang, draft, errors)),))
        return self.save(turn, current, new)

    def save(self, turn: Turn, old: ChannelPrefs, new: ChannelPrefs) -> Outcome:
        lang = new.language  # confirm in the language the channel now speaks
        changed = changes(lang, old, new)
        if not changed:
            return self.refuse(turn, "set.unchanged")
        text = t(lang, "set.changed", who=turn.actor.name, changes="; ".join(changed))
        return Outcome(
            ops=as_ops(op_for(new)),
            out=(Post(Message((Text(text),), text), ToChannel()),),
        )
