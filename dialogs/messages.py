"""The neutral message model: what the bot says, independent of Slack, Teams or the console.

Renderers in the adapters turn these frozen dataclasses into Block Kit, Adaptive Cards or
terminal text. Every message carries a plain-text fallback for notifications and logs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Literal


@dataclass(frozen=True)
class Text:
    text: str
    style: Literal["plain", "header", "muted"] = "plain"


@dataclass(frozen=True)
class Button:
    label: str
    action: str  # an encoded action id (dialogs.actions)
    style: Literal["default", "primary", "danger"] = "default"


@dataclass(frozen=True)
class Buttons:
    buttons: tuple[Button, ...]


@dataclass(frozen=True)
class Choice:
    key: str
    label: str


@dataclass(frozen=True)
class MultiSelect:
    """A group of check boxes submitted together (question 2.2)."""

    action: str
    label: str
    options: tuple[Choice, ...]
    selected: tuple[str, ...] = ()
    submit_label: str = "OK"


@dataclass(frozen=True)
class Fields:
    """A small table of label/value pairs."""

    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Image:
    """A generated PNG, kept by the bot under `file_id` (opaque here): adapters upload it
    (Slack), link it (Teams) or show `path`, a copy on disk if there is one (console)."""

    file_id: str
    alt: str
    path: str | None = None


@dataclass(frozen=True)
class File:
    """A generated document (report, workbook, CSV, data export) kept under `file_id`,
    delivered as a file or a link; `path`: a copy on disk, if there is one."""

    file_id: str
    filename: str
    title: str
    path: str | None = None


@dataclass(frozen=True)
class Generate:
    """A placeholder for an image or file that is produced after commit, off the event loop
    (a radar chart, a Word report…). The engine replaces it with `Image`/`File` using the
    generator registered for `kind`; adapters never see it."""

    kind: str  # e.g. "radar", "report_docx"
    subject_id: int  # the round, or self-evaluation, it is about
    alt: str


@dataclass(frozen=True)
class Progress:
    label: str
    done: int
    total: int


Block = Text | Buttons | MultiSelect | Fields | Image | File | Generate | Progress


@dataclass(frozen=True)
class Message:
    blocks: tuple[Block, ...]
    fallback: str
    # A stable identity for this message on the platform, where it must be found again after
    # a crash (a reminder whose sender died mid-send); ports that can look messages up mark
    # the message with it.
    marker: str | None = None


FieldKind = Literal["text", "choice", "date", "time", "datetime"]


@dataclass(frozen=True)
class FormField:
    """One input of a form. `kind` says what the adapters draw: a text box, a choice, or a
    date/time picker (Teams `Input.Date`/`Input.Time`, Slack `datepicker`/`timepicker`; a
    "datetime" is both side by side). A picked value comes back as ISO text — "2026-12-01",
    "13:00", "2026-12-01 13:00" —, a typed one (the console) as typed: the form's parser takes
    both. `initial` may be either too (`picker_parts` reads it for the pickers)."""

    name: str
    label: str
    kind: FieldKind = "text"
    max_length: int = 2000
    required: bool = True
    multiline: bool = False
    options: tuple[Choice, ...] = ()
    initial: str | None = None
    hint: str | None = None
    # A "datetime" picker's time part: its own label ("Klokkeslæt"), and what a required
    # field left empty says (Teams shows it under the picker; default: the label and ⚠).
    time_label: str | None = None
    missing: str | None = None


@dataclass(frozen=True)
class Form:
    """A small form (Slack modal, Teams card with inputs, console prompts)."""

    action: str  # encoded action id; the submission comes back with it
    title: str
    fields: tuple[FormField, ...]
    submit_label: str
    intro: str | None = None
    errors: dict[str, str] = field(default_factory=dict)

    def __hash__(self) -> int:
        return hash((self.action, self.title))

    def labelled_errors(self) -> list[tuple[str | None, str]]:
        """The errors with the label of the field each is about, as the form names it for the
        person (never the internal name); None for an error about the whole form."""
        labels = {f.name: f.label for f in self.fields}
        return [(labels.get(name), error) for name, error in self.errors.items()]


_DATE = re.compile(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_TIME = re.compile(r"(?:kl\.?\s*)?(\d{1,2})[:.](\d{2})")


def picker_parts(text: str | None) -> tuple[str | None, str | None]:
    """A date and a time in `text` ("24.11.2026 13:00", "2026-11-24", "kl. 9.30") as a picker
    wants them ("2026-11-24", "13:00"); None for a part that is missing or not valid (a draft
    with a typo starts the picker empty, its error shown beside it)."""
    day = clock = None
    for word in (text or "").replace(",", " ").split():
        if day is None and (m := _DATE.fullmatch(word)):
            day = _iso(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        elif day is None and (m := _ISO_DATE.fullmatch(word)):
            day = _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        elif clock is None and (m := _TIME.fullmatch(word)):
            hh, mm = int(m.group(1)), int(m.group(2))
            clock = f"{hh:02d}:{mm:02d}" if hh < 24 and mm < 60 else None
    return day, clock


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


# Where a message goes.
@dataclass(frozen=True)
class ToChannel:
    thread_key: str | None = None  # post into the thread rooted at this keyed message


@dataclass(frozen=True)
class ToMember:
    """Privately (a DM in Slack, a 1:1 chat in Teams)."""

    member_external_id: str


@dataclass(frozen=True)
class ToActorOnly:
    """Visible only to the person who acted (Slack ephemeral; elsewhere a quiet reply)."""


@dataclass(frozen=True)
class InPlaceOfForm(ToActorOnly):
    """In place of the form the person just saved, where the form stays on screen (a Teams
    card becomes a read-only confirmation); elsewhere as `ToActorOnly`."""


@dataclass(frozen=True)
class OwnAnswer(ToActorOnly):
    """The person's own current answer, privately, right after they answered ("Dit svar på
    1.1: Ja"): `answers` are (question id, stored value) pairs, `cards` the keys of the
    keyed messages that show those questions to everyone. A port may show it its own way
    (mark the choice in a card only this person sees); elsewhere it is a `ToActorOnly`."""

    answers: tuple[tuple[str, str], ...] = ()
    cards: tuple[str, ...] = ()


Target = ToChannel | ToMember | ToActorOnly
