"""Forms as Block Kit: a modal view (with a trigger id) or, without one, inline input blocks in
an ephemeral message; and the submitted values back as {field: value}.

The form's action and the channel travel in `private_metadata`, so a submission is routed like
a click. Each field is an input block with block id `f:<name>`; errors use the same ids. A date
or time field is a `datepicker`/`timepicker`; a "datetime" field is a datepicker (`f:<name>`)
with a timepicker below it (`t:<name>`), joined again into one value ("2026-12-01 13:00").
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.slack.blocks import MAX_SURFACE_BLOCKS, Json, Sign, markdown, option, plain, sections
from bot.slack.mrkdwn import mrkdwn
from dialogs.messages import Form, FormField, picker_parts

CALLBACK_ID = "lp_form"
FIELD = "f:"
TIME_PART = "t:"  # the block id prefix of a "datetime" field's time picker
VALUE = "value"  # the action id of every input element
MAX_INPUT = 3000


@dataclass(frozen=True)
class FormMeta:
    action: str
    channel: str
    dm: bool = False  # opened from the bot's DM about `channel`: replies go to the DM

    def dump(self) -> str:
        data: dict[str, object] = {"a": self.action, "c": self.channel}
        if self.dm:
            data["d"] = 1
        return json.dumps(data, separators=(",", ":"))

    @classmethod
    def load(cls, text: str) -> FormMeta | None:
        try:
            data = json.loads(text or "{}")
            return cls(str(data["a"]), str(data["c"]), data.get("d") == 1)
        except (ValueError, KeyError, TypeError, AttributeError):
            return None


def element(f: FormField) -> Json:
    if f.kind in ("date", "datetime"):
        day, _clock = picker_parts(f.initial)
        return {"type": "datepicker", "action_id": VALUE, **({"initial_date": day} if day else {})}
    if f.kind == "time":
        return time_picker(f)
    if f.kind == "choice":
        options = [option(o.key, o.label) for o in f.options[:100]]
        select: Json = {"type": "static_select", "action_id": VALUE, "options": options}
        chosen = [o for o in options if o["value"] == f.initial]
        if chosen:
            select["initial_option"] = chosen[0]
        return select
    limit = min(f.max_length, MAX_INPUT)
    box: Json = {
        "type": "plain_text_input",
        "action_id": VALUE,
        "multiline": f.multiline,
        "max_length": limit,
    }
    if f.initial:
        box["initial_value"] = f.initial[:limit]
    return box


def time_picker(f: FormField) -> Json:
    _day, clock = picker_parts(f.initial)
    return {"type": "timepicker", "action_id": VALUE, **({"initial_time": clock} if clock else {})}


def form_blocks(form: Form) -> list[Json]:
    names = {f.name for f in form.fields}
    blocks = sections(form.intro) if form.intro else []
    for name, error in form.errors.items():
        if name not in names:
            blocks += sections(f"⚠️ {error}")
    for f in form.fields:
        block: Json = {
            "type": "input",
            "block_id": FIELD + f.name,
            "label": plain(f.label, 2000),
            "optional": not f.required,
            "element": element(f),
        }
        if f.hint and f.kind in ("text", "choice"):  # ("dd.mm.åååå" says nothing to a picker)
            block["hint"] = plain(f.hint, 2000)
        blocks.append(block)
        if f.kind == "datetime":
            blocks.append(
                {
                    "type": "input",
                    "block_id": TIME_PART + f.name,
                    "label": plain("🕒 " + (f.time_label or f.label), 2000),
                    "optional": not f.required,
                    "element": time_picker(f),
                }
            )
        if f.name in form.errors:
            blocks.append(
                {"type": "context", "elements": [markdown("⚠️ " + mrkdwn(form.errors[f.name]))]}
            )
    return blocks[:MAX_SURFACE_BLOCKS]


def form_view(form: Form, channel: str, close_label: str, dm: bool = False) -> Json:
    return {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "title": plain(form.title, 24),
        "submit": plain(form.submit_label, 24),
        "close": plain(close_label, 24),
        "private_metadata": FormMeta(form.action, channel, dm).dump(),
        "blocks": form_blocks(form),
    }


def inline_form(form: Form, sign: Sign | None = None) -> list[Json]:
    """The form as message blocks, submitted by a button carrying the form's action."""
    submit = {
        "type": "button",
        "text": plain(form.submit_label, 75),
        "action_id": form.action,
        "value": sign(form.action) if sign else form.action,
        "style": "primary",
    }
    header = {"type": "header", "text": plain(form.title, 150)}
    return [header, *form_blocks(form), {"type": "actions", "elements": [submit]}]


def field_errors(form: Form) -> dict[str, str] | None:
    """Errors keyed by block id for `response_action: errors`; None when an error is not
    about one field (then the whole view is replaced)."""
    names = {f.name for f in form.fields}
    if not form.errors or not set(form.errors) <= names:
        return None
    return {FIELD + name: error for name, error in form.errors.items()}


def submitted_values(state_values: dict[str, Any]) -> dict[str, str]:
    """{field name: text} from a view's or a message's `state.values`."""
    values: dict[str, str] = {}
    times: dict[str, str] = {}
    for block_id, elements in (state_values or {}).items():
        if not isinstance(elements, dict):
            continue
        if block_id.startswith(TIME_PART):
            for state in elements.values():
                times[block_id[len(TIME_PART) :]] = str(state.get("selected_time") or "")
        if not block_id.startswith(FIELD):
            continue
        name = block_id[len(FIELD) :]
        for state in elements.values():
            kind = state.get("type")
            if kind == "plain_text_input":
                values[name] = state.get("value") or ""
            elif kind in ("static_select", "radio_buttons"):
                selected = state.get("selected_option") or {}
                values[name] = str(selected.get("value", ""))
            elif kind == "datepicker":
                values[name] = str(state.get("selected_date") or "")
            elif kind == "timepicker":
                values[name] = str(state.get("selected_time") or "")
    for name, clock in times.items():  # a "datetime": the date and the time, in one value
        values[name] = " ".join(part for part in (values.get(name, ""), clock) if part)
    return values
