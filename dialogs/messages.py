"""The neutral message model: what the bot says, independent of Slack, Teams or the console.

Renderers in the adapters turn these frozen dataclasses into Block Kit, Adaptive Cards or
terminal text. Every message carries a plain-text fallback for notifications and logs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    kind: Literal["text", "choice"] = "text"
    max_length: int = 2000
    required: bool = True
    multiline: bool = False
    options: tuple[Choice, ...] = ()
    initial: str | None = None
    hint: str | None = None


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


Target = ToChannel | ToMember | ToActorOnly
