"""Pieces the features' forms share: fields that start from what the person wrote (`Draft`),
the live-or-async choice of a facilitated process, and the form that asks for one text."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from dialogs.i18n import t
from dialogs.messages import Choice, Form, FormField


@dataclass(frozen=True)
class Draft:
    """The values a form is drawn with: empty the first time, what the person wrote when a
    submission comes back rejected (RejectForm), so nothing typed is lost and nothing is
    stored half-way. Labels and hints are finished texts (`t` makes them)."""

    lang: str
    values: Mapping[str, str]

    def t(self, key: str, **values: object) -> str:
        return t(self.lang, key, **values)

    def initial(self, name: str, default: str | None = None) -> str | None:
        """The draft's value; `default` where the draft has none (or an empty one)."""
        value = self.values.get(name)
        return default if default is not None and not value else value

    def text(
        self,
        name: str,
        label: str,
        limit: int,
        *,
        multiline: bool = True,
        required: bool = True,
        hint: str | None = None,
        default: str | None = None,
    ) -> FormField:
        """A text box: of several lines, or one (`multiline=False`: a number, a name)."""
        return FormField(
            name,
            label,
            multiline=multiline,
            required=required,
            max_length=limit,
            initial=self.initial(name, default),
            hint=hint,
        )

    def choice(
        self, name: str, label: str, options: tuple[Choice, ...], *, default: str | None = None
    ) -> FormField:
        return FormField(
            name, label, kind="choice", options=options, initial=self.initial(name, default)
        )


def number(text: str, low: int, high: int) -> int | None:
    """A whole number typed in a form or a command, if it is within low–high; else None."""
    s = text.strip()
    if not (s.isascii() and s.isdigit()):  # str.isdigit alone accepts "²" and "٣"
        return None
    value = int(s)
    return value if low <= value <= high else None


def mode_field(draft: Draft, prefix: str) -> FormField:
    """Whether a facilitated process (a meeting, a results discussion) runs live, everyone
    together, or asynchronously over some days; `prefix`: the feature's text keys ("mt")."""
    options = (
        Choice("live", draft.t(f"{prefix}.mode.live")),
        Choice("async", draft.t(f"{prefix}.mode.async")),
    )
    return draft.choice("mode", draft.t(f"{prefix}.form.mode"), options, default="live")


def mode_and_window(
    values: Mapping[str, str], lang: str, prefix: str, days: tuple[int, int], errors: dict[str, str]
) -> tuple[str, int | None]:
    """The mode `mode_field` was answered with, and the days an asynchronous process stays
    open (0 when live); what is wrong goes into `errors` under the field's name."""
    mode = values.get("mode", "live").strip()
    if mode not in ("live", "async"):
        errors["mode"] = t(lang, f"{prefix}.err.bad_mode")
    window = number(values.get("window", ""), *days) if mode == "async" else 0
    if window is None:
        errors["window"] = t(lang, f"{prefix}.err.bad_number", low=days[0], high=days[1])
    return mode, window


def one_text_form(
    lang: str,
    *,
    action: str,
    title: str,
    intro: str | None,
    label: str,
    limit: int,
    initial: str | None,
    name: str = "text",
    multiline: bool = True,
    submit_key: str = "form.save",
) -> Form:
    """A form that asks for one text (a comment, an observation, a reflection…)."""
    field = FormField(name, label, multiline=multiline, max_length=limit, initial=initial)
    return Form(
        action=action, title=title, intro=intro, fields=(field,), submit_label=t(lang, submit_key)
    )
