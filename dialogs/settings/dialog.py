"""Channel settings (`indstillinger` / `settings`): language, time zone, delivery window,
reminder lead time, nudge cadence and cap, reassessment interval, how long a closed round can
be reopened, how long a board link (`tavle`) works.

Anyone may look; only a facilitator (mødeleder) may change them. Changes come from a form or a
typed `indstillinger <navn> <værdi>`, are validated field by field with a clear message, and are
stored in the channel (language and time zone in their columns, the rest in its settings JSON;
the time zone is mirrored there too, where other features read it).
"""

from __future__ import annotations

from collections.abc import Mapping

from dialogs import actions
from dialogs.actions import Action
from dialogs.calendar import format_window
from dialogs.effects import OpenForm, Outcome, Post
from dialogs.feature import FeatureDialog, Values, command, verb
from dialogs.forms import Draft
from dialogs.i18n import LANGUAGES, plural, t
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
from dialogs.replies import Refusal, reject
from dialogs.settings.prefs import FIELD_ORDER, NAMES, OWNER, ChannelPrefs, op_for, prefs, validate
from dialogs.turn import Turn


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
        case "reopen":
            return plural(lang, "count.day", p.reopen_days)
        case "board":
            return plural(lang, "count.hour", p.board_hours)
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
    d = Draft(lang, raw)

    def text_field(name: str, max_length: int) -> FormField:
        return d.text(
            name,
            d.t(f"set.label.{name}"),
            max_length,
            multiline=False,
            hint=d.t(f"set.hint.{name}"),
        )

    languages = tuple(Choice(code, d.t(f"set.lang.{code}")) for code in LANGUAGES)
    language = d.choice("language", d.t("set.label.language"), languages)
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
            text_field("reopen", 3),
            text_field("board", 3),
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


class SettingsDialog(FeatureDialog):
    name = OWNER

    def may_change(self, turn: Turn) -> None:
        if not turn.is_facilitator:
            key = "set.err.facilitator" if turn.has_facilitator else "set.err.no_facilitator"
            raise Refusal(key)

    @command("indstillinger", "indstilling", "settings")
    def settings(self, turn: Turn, rest: str) -> Outcome:
        words = rest.split(maxsplit=1)
        current = prefs(turn)
        if not words:
            msg = settings_message(turn.lang, current, turn.is_facilitator)
            return Outcome(out=(Post(msg, ToActorOnly()),))
        name = NAMES.get(words[0].casefold())
        if name is None:
            raise Refusal("set.err.unknown", name=words[0][:40])
        self.may_change(turn)
        if len(words) < 2:
            raise Refusal("set.err.missing_value", name=words[0][:40])
        new, errors = validate(turn.lang, current, {name: words[1]})
        if errors:
            raise Refusal("set.err.input", error=errors[name])
        return self.save(turn, current, new)

    @verb("set-edit")
    def edit_click(self, turn: Turn, _a: Action, _values: Values) -> Outcome:
        self.may_change(turn)
        return Outcome(out=(OpenForm(settings_form(turn.lang, prefs(turn).raw())),))

    @verb("f-set")
    def form_submit(self, turn: Turn, _a: Action, values: Values) -> Outcome:
        self.may_change(turn)
        current = prefs(turn)
        raw = {n: str(values[n]) for n in FIELD_ORDER if n in values}
        new, errors = validate(turn.lang, current, raw)
        if errors:
            return reject(settings_form(turn.lang, {**current.raw(), **raw}), errors)
        return self.save(turn, current, new)

    def save(self, turn: Turn, old: ChannelPrefs, new: ChannelPrefs) -> Outcome:
        lang = new.language  # confirm in the language the channel now speaks
        changed = changes(lang, old, new)
        if not changed:
            raise Refusal("set.unchanged")
        text = t(lang, "set.changed", who=turn.actor.name, changes="; ".join(changed))
        return Outcome(ops=(op_for(new),), out=(Post(Message((Text(text),), text), ToChannel()),))
