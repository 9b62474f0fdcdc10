"""Adaptive Cards 1.5 for the neutral message model: pure functions, no botbuilder.

`message_cards` turns a Message into one or more cards (a message whose card JSON would pass
MAX_CARD_BYTES is split over several activities); `form_card` renders a Form with inputs.

Buttons carry data {"lp": <action id>}. In a 1:1 chat they are `Action.Submit`: Teams sends
them back as a message with empty text whose `value` holds that data plus the values of the
card's inputs. Where a card is shared (channels and group chats, `shared=True`) they are
`Action.Execute` (Universal Actions, Adaptive Cards 1.4+): the click arrives as an
`adaptiveCard/action` invoke, whose answer Teams shows to the person who clicked alone — their
own view of the card, or a word only they see (handler.py). Forms stay `Action.Submit`: a form
card is the person's own, and a saved one becomes read-only in place.

Text never loses a `<placeholder>`: Teams takes `<…>` for HTML and shows nothing, so angle
brackets around a word become «…» (`safe`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from dialogs.messages import (
    Block,
    Buttons,
    Fields,
    File,
    Form,
    FormField,
    Generate,
    Image,
    Message,
    MultiSelect,
    Progress,
    Text,
    picker_parts,
)

Card = dict[str, Any]
Element = dict[str, Any]

VERSION = "1.5"
SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
ACTION_KEY = "lp"  # the key of our action id in Action.Submit / Action.Execute data
VERB = "lp"  # the verb of our Action.Execute buttons (the action id travels in the data)
REFRESH_VERB = "lp-own"  # the verb of a shared card's refresh: the person's own view of it
CARD_KEY = "lpcard"  # the key of the card's activity id in the refresh data
TIME_SUFFIX = "~time"  # the id of a "datetime" field's time input: <name>~time
# The key of a form's title and field labels in its submit data: a saved form's card becomes a
# read-only confirmation drawn from them (`saved_card`).
FORM_KEY = "lpform"
# Teams' documented limits have moved between 28, 40 and 100 KB; stay well under 28 KB with the
# card measured ASCII-escaped (its largest wire form) to leave room for the activity envelope.
MAX_CARD_BYTES = 24_000
MAX_TEXT_CHARS = 3_000  # one TextBlock; longer text is cut at line ends into several blocks
BAR_WIDTH = 20
MAX_ACTIONS = 5  # per ActionSet (the renderers' default host config allows 5)
STYLES = {"primary": "positive", "danger": "destructive"}


def card_size(card: Card) -> int:
    return len(json.dumps(card, ensure_ascii=True, separators=(",", ":")).encode())


# ---- text ----
_BOLD = re.compile(r"(?<![\w*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\w*])")
_CODE = re.compile(r"`([^`\n]+)`")
_PLACEHOLDER = re.compile(r"<([^\s<>](?:[^<>\n]{0,78}[^\s<>])?)>")  # (not "3 < 4 og 5 > 2")


def safe(text: str) -> str:
    """`<praksis>` as «praksis»: Teams reads angle brackets as HTML and drops what is inside,
    so "start <praksis>" would show as "start". A lone "<" or ">" stays."""
    return _PLACEHOLDER.sub(lambda m: f"«{m.group(1)}»", text)


def markdown(text: str) -> str:
    """Our tiny markup (*bold*, _italic_, `code`) as Adaptive Card markdown, one paragraph a
    line (a single newline is not a line break in every Teams client)."""
    text = _CODE.sub(r"**\1**", _BOLD.sub(r"**\1**", safe(text)))
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    return "\n\n".join(line for line in lines if line.strip())


def _chunks(text: str, limit: int = MAX_TEXT_CHARS) -> list[str]:
    """Cut text at line ends (or, for one huge line, at spaces) into pieces ≤ limit."""
    out: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            cut = line.rfind(" ", 0, limit)
            cut = cut if cut > limit // 2 else limit
            pieces = (line[:cut], line[cut:].lstrip())
            if current:
                out.append(current)
                current = ""
            out.append(pieces[0])
            line = pieces[1]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            out.append(current)
            current = line
        else:
            current = candidate
    if current or not out:
        out.append(current)
    return out


def text_blocks(text: str, style: str = "plain") -> list[Element]:
    blocks = []
    for i, chunk in enumerate(_chunks(text)):
        block: Element = {"type": "TextBlock", "text": markdown(chunk) or " ", "wrap": True}
        if style == "header":
            block.update(weight="Bolder", size="Large")
        elif style == "muted":
            block.update(isSubtle=True, size="Small")
        if i > 0:
            block["spacing"] = "None"
        blocks.append(block)
    return blocks


def submit(title: str, action: str, style: str = "default", *, shared: bool = False) -> Element:
    """A button; `shared`: on a card many people see (Action.Execute, see the module doc)."""
    element: Element = {"type": "Action.Submit", "title": safe(title), "data": {ACTION_KEY: action}}
    if shared:
        element.update(type="Action.Execute", verb=VERB)
    if style in STYLES:
        element["style"] = STYLES[style]
    return element


def action_set(actions: list[Element]) -> Element:
    return {"type": "ActionSet", "actions": actions}


def bar(done: int, total: int) -> str:
    filled = round(BAR_WIDTH * done / total) if total else 0
    return "█" * filled + "░" * (BAR_WIDTH - filled)


# ---- blocks ----
def block_elements(block: Block, urls: Mapping[str, str], *, shared: bool = False) -> list[Element]:
    """The card elements for one neutral block; `urls` maps an Image/File id to its link;
    `shared`: the card is shown to many (its buttons are Action.Execute)."""
    match block:
        case Text(text, style):
            return text_blocks(text, style)
        case Buttons(buttons):
            acts = [submit(b.label, b.action, b.style, shared=shared) for b in buttons]
            return [action_set(acts[i : i + MAX_ACTIONS]) for i in range(0, len(acts), MAX_ACTIONS)]
        case MultiSelect(action, label, options, selected, submit_label):
            return [
                {
                    "type": "Input.ChoiceSet",
                    "id": "selected",
                    "label": safe(label),
                    "isMultiSelect": True,
                    "style": "expanded",
                    "wrap": True,
                    "value": ",".join(selected),
                    "choices": [{"title": safe(o.label), "value": o.key} for o in options],
                },
                action_set([submit(submit_label, action, "primary", shared=shared)]),
            ]
        case Fields(rows):
            if not rows:
                return []
            facts = [{"title": safe(a), "value": safe(b)} for a, b in rows]
            return [{"type": "FactSet", "facts": facts}]
        case Progress(label, done, total):
            return [
                {
                    "type": "TextBlock",
                    "text": f"{label}: {bar(done, total)} {done}/{total}",
                    "fontType": "Monospace",
                    "wrap": True,
                }
            ]
        case Image(file_id, alt):
            url = urls.get(file_id)
            if not url:
                return text_blocks(f"[{alt}]", "muted")
            return [{"type": "Image", "url": url, "altText": alt[:250], "size": "Stretch"}]
        case File(file_id, filename, title):
            url = urls.get(file_id)
            if not url:
                return text_blocks(f"{title} ({filename})", "muted")
            return [
                *text_blocks(f"{title} ({filename})"),
                action_set([{"type": "Action.OpenUrl", "title": f"⬇ {title}"[:80], "url": url}]),
            ]
        case Generate(_kind, _aid, alt):
            return text_blocks(alt, "muted")  # the engine replaces these before sending
    raise TypeError(f"unknown block {type(block).__name__}")


def card(body: list[Element], fallback: str) -> Card:
    return {
        "type": "AdaptiveCard",
        "$schema": SCHEMA,
        "version": VERSION,
        "body": body or [{"type": "TextBlock", "text": " "}],
        "fallbackText": fallback[:500],
        "msteams": {"width": "Full"},
    }


def message_cards(
    message: Message, urls: Mapping[str, str] | None = None, *, shared: bool = False
) -> list[Card]:
    """One card, or several when the message is too large for one activity; `shared`: for a
    channel or group chat (buttons as Action.Execute)."""
    urls = urls or {}
    elements = [e for b in message.blocks for e in _fit(block_elements(b, urls, shared=shared))]
    cards: list[Card] = []
    body: list[Element] = []
    for element in elements:
        # An input's id must be unique in its card (and a submit sends every input of the
        # card): a second group of check boxes starts a card of its own.
        clash = "id" in element and any(e.get("id") == element["id"] for e in body)
        if body and (clash or card_size(card([*body, element], message.fallback)) > MAX_CARD_BYTES):
            cards.append(card(body, message.fallback))
            body = []
        body.append(element)
    cards.append(card(body, message.fallback))
    return cards


def _fit(elements: list[Element]) -> list[Element]:
    """Split a FactSet that alone would not fit a card (text is already cut in text_blocks)."""
    out: list[Element] = []
    for element in elements:
        if element["type"] == "FactSet" and card_size(card([element], "")) > MAX_CARD_BYTES:
            facts = element["facts"]
            half = max(1, len(facts) // 2)
            out += _fit([{"type": "FactSet", "facts": facts[:half]}])
            out += _fit([{"type": "FactSet", "facts": facts[half:]}])
        else:
            out.append(element)
    return out


# ---- forms ----
def form_card(form: Form) -> Card:
    """A form as a card with inputs holding the user's draft and the errors beside them (an
    error about the whole form, not one field, above the fields)."""
    body: list[Element] = text_blocks(form.title, "header")
    if form.intro:
        body += text_blocks(form.intro)
    for label, message in form.labelled_errors():
        if label is None:
            body.append(_error(message))
    for f in form.fields:
        body.append(_input(f))
        if f.hint and f.kind == "text":
            body += text_blocks(f.hint, "muted")
        error = form.errors.get(f.name)
        if error:
            body.append(_error(error))
    button = submit(form.submit_label, form.action, "primary")
    button["data"][FORM_KEY] = {
        "title": form.title,
        "labels": {f.name: f.label for f in form.fields},
        "choices": {f.name: {o.key: o.label for o in f.options} for f in form.fields if f.options},
    }
    body.append(action_set([button]))
    return card(body, form.title)


def _error(text: str) -> Element:
    return {"type": "TextBlock", "text": safe(text), "color": "Attention", "wrap": True}


def saved_card(submitted: dict[str, object], note: str) -> Card | None:
    """The read-only card that replaces a saved form: its title, what was entered, `note`
    ("✓ Gemt."); None when the submit data carries no form."""
    form = submitted.get(FORM_KEY)
    if not isinstance(form, dict):
        return None
    submitted = {**submitted, **(parse_submit({**submitted, ACTION_KEY: "-"}) or ("", {}))[1]}
    title = str(form.get("title") or "")
    labels = form.get("labels") if isinstance(form.get("labels"), dict) else {}
    choices = form.get("choices") if isinstance(form.get("choices"), dict) else {}
    assert isinstance(labels, dict) and isinstance(choices, dict)
    facts = []
    for name, label in labels.items():
        value = submitted.get(name)
        if not isinstance(value, str) or not value.strip():
            continue
        options = choices.get(name)
        shown = options.get(value, value) if isinstance(options, dict) else _shown(value)
        facts.append({"title": safe(str(label))[:100], "value": safe(str(shown))[:2000]})
    body: list[Element] = text_blocks(title, "header") + text_blocks(note)
    if facts:
        body.append({"type": "FactSet", "facts": facts})
    return card(body, f"{title} – {note}")


def _shown(value: str) -> str:
    """A picked date as Danish teams write it (2026-12-01 13:00 → 01.12.2026 13:00)."""
    day, clock = picker_parts(value)
    if day is None or not value.strip().startswith(day):
        return value
    yyyy, mm, dd = day.split("-")
    return f"{dd}.{mm}.{yyyy}" + (f" {clock}" if clock else "")


def _input(f: FormField) -> Element:
    base: Element = {"id": f.name, "label": safe(f.label)}
    if f.required:
        base.update(isRequired=True, errorMessage=safe(f.missing or f"{f.label} ⚠"))
    if f.kind in ("date", "time", "datetime"):
        return _picker(f, base)
    if f.kind == "choice":
        element = {
            "type": "Input.ChoiceSet",
            **base,
            "style": "expanded",
            "wrap": True,
            "choices": [{"title": safe(o.label), "value": o.key} for o in f.options],
        }
        if f.initial:
            element["value"] = f.initial
        return element
    element = {"type": "Input.Text", **base, "maxLength": f.max_length}
    if f.multiline:
        element["isMultiline"] = True
    if f.initial:
        element["value"] = f.initial
    if f.hint:
        element["placeholder"] = safe(f.hint)[:200]
    return element


def _picker(f: FormField, base: Element) -> Element:
    """Input.Date / Input.Time; a "datetime" is both side by side (the time's id is the
    field's + TIME_SUFFIX, joined again in `parse_submit`)."""
    day, clock = picker_parts(f.initial)
    date_input: Element = {"type": "Input.Date", **base}
    if day:
        date_input["value"] = day
    if f.kind == "date":
        return date_input
    time_input: Element = {"type": "Input.Time", **base}
    if clock:
        time_input["value"] = clock
    if f.kind == "time":
        return time_input
    # The time part has its own label ("Klokkeslæt"): a blank one showed a lone red "*".
    time_input.update(id=f.name + TIME_SUFFIX, label=safe(f.time_label or f.label))
    return {
        "type": "ColumnSet",
        "columns": [
            {"type": "Column", "width": "stretch", "items": [date_input]},
            {"type": "Column", "width": "stretch", "items": [time_input]},
        ],
    }


def parse_submit(value: object) -> tuple[str, dict[str, str]] | None:
    """(action id, input values) from an Action.Submit `activity.value`, or None (a form's
    title and labels, `FORM_KEY`, are not values)."""
    if not isinstance(value, dict):
        return None
    action = value.get(ACTION_KEY)
    if not isinstance(action, str) or not action:
        return None
    values = {
        str(k): v if isinstance(v, str) else json.dumps(v)
        for k, v in value.items()
        if k != ACTION_KEY and isinstance(v, str | int | float | bool)
    }
    for key in [k for k in values if k.endswith(TIME_SUFFIX)]:  # a "datetime": date and time
        name, clock = key.removesuffix(TIME_SUFFIX), values.pop(key).strip()
        values[name] = " ".join(part for part in (values.get(name, "").strip(), clock) if part)
    return action, values


def refresh_clause(activity_id: str, user_ids: list[str]) -> Element:
    """A shared card's `refresh`: the people in `user_ids` get their own view of it (the card's
    activity id travels in the data: the refresh invoke asks for that card's view)."""
    action = {"type": "Action.Execute", "verb": REFRESH_VERB, "data": {CARD_KEY: activity_id}}
    return {"action": action, "userIds": user_ids}


def execute_data(value: object) -> dict[str, object] | None:
    """The data of an `adaptiveCard/action` invoke's Action.Execute (our buttons': with the
    card's input values), or None when it is not one of ours."""
    if not isinstance(value, dict):
        return None
    action = value.get("action")
    if not isinstance(action, dict) or action.get("type") != "Action.Execute":
        return None
    data = action.get("data")
    if not isinstance(data, dict):
        return None
    if action.get("verb") == REFRESH_VERB:
        return data if isinstance(data.get(CARD_KEY), str) else None
    return data if isinstance(data.get(ACTION_KEY), str) else None
