"""Block Kit for the neutral message model: pure functions, no Slack client.

A message becomes one or more Slack messages (`Rendered.chunks`) that respect Block Kit's
limits: 50 blocks per message, section text 3000 characters, 10 fields per section, 25
elements per actions block, button text 75 — and the blocks' JSON stays well below the ~13k
characters at which Slack answers `msg_blocks_too_long`. Images and files are not blocks: they
are uploaded beside the message (`Rendered.uploads`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from hashlib import sha256
from typing import Any

from bot.slack.mrkdwn import mrkdwn, split_text, truncate
from dialogs.messages import (
    Block,
    Button,
    Buttons,
    Fields,
    File,
    Image,
    Message,
    MultiSelect,
    Progress,
    Text,
)

Json = dict[str, Any]
Sign = Callable[[str], str]  # action -> button value (a DM's buttons carry their channel)

MAX_BLOCKS = 50
MAX_SURFACE_BLOCKS = 100  # modals and the Home tab
MAX_TEXT = 3000
MAX_FIELD = 2000
MAX_FIELDS = 10
MAX_ELEMENTS = 25
MAX_OPTIONS = 10  # per checkboxes element
MAX_MESSAGE_JSON = 11_000
MAX_FALLBACK = 3000
BAR_WIDTH = 20
CHECKBOX_TAG, SUBMIT_TAG = "c", "s"


def plain(text: str, limit: int = MAX_TEXT) -> Json:
    return {"type": "plain_text", "text": truncate(text, limit) or " ", "emoji": True}


def markdown(text: str) -> Json:
    return {"type": "mrkdwn", "text": text}


def strip_tag(action_id: str) -> str:
    """The action of an element: action ids are `<action>` or `<action>#<tag>`."""
    return action_id.rpartition("#")[0] if "#" in action_id else action_id


@dataclass
class ActionIds:
    """Slack needs action ids unique within a message; duplicates get a `#n` tag."""

    used: set[str] = field(default_factory=set)

    def take(self, action: str, tag: str | None = None) -> str:
        candidate = f"{action}#{tag}" if tag else action
        n = 2
        while candidate in self.used:
            candidate = f"{action}#{tag or ''}{n}"
            n += 1
        self.used.add(candidate)
        return candidate


@dataclass(frozen=True)
class Rendered:
    chunks: list[list[Json]]  # one list of blocks per Slack message
    text: str  # the notification / fallback text
    uploads: list[Image | File]


def sections(text: str) -> list[Json]:
    return [
        {"type": "section", "text": markdown(piece)}
        for piece in split_text(mrkdwn(text), MAX_TEXT)
        if piece.strip()
    ]


def text_blocks(block: Text) -> list[Json]:
    if block.style == "header":
        return [{"type": "header", "text": plain(block.text.replace("*", ""), 150)}]
    if block.style == "muted":
        return [
            {"type": "context", "elements": [markdown(piece)]}
            for piece in split_text(mrkdwn(block.text), MAX_TEXT)
            if piece.strip()
        ]
    return sections(block.text)


def button(b: Button, ids: ActionIds, tag: str | None = None, sign: Sign | None = None) -> Json:
    out: Json = {
        "type": "button",
        "text": plain(b.label, 75),
        "action_id": ids.take(b.action, tag),
        "value": sign(b.action) if sign else b.action,
    }
    if b.style != "default":
        out["style"] = b.style
    return out


def buttons_blocks(block: Buttons, ids: ActionIds, sign: Sign | None = None) -> list[Json]:
    elements = [button(b, ids, sign=sign) for b in block.buttons]
    return [
        {"type": "actions", "elements": elements[i : i + MAX_ELEMENTS]}
        for i in range(0, len(elements), MAX_ELEMENTS)
    ]


def option(key: str, label: str) -> Json:
    out: Json = {"text": plain(label, 75), "value": key}
    if len(label) > 75:
        out["description"] = plain(label, 150)
    return out


def checkbox_block_id(block: MultiSelect, part: int) -> str:
    """A block id that stays the same while the message shows the same selection.

    Slack keeps what each person has ticked in a message's check boxes across `chat.update`
    while the block id and action id stay the same (a new or missing block id starts them
    afresh from `initial_options`). A shared question card is updated whenever anyone answers:
    with a stable id, the person who just saved 2.2 — and anyone ticking meanwhile — keeps
    their ticks. When the message itself shows another selection (a person's own copy), the
    id changes with it, so the new `initial_options` apply."""
    digest = sha256(f"{block.action}|{','.join(block.selected)}".encode()).hexdigest()[:16]
    return f"ms:{digest}:{part}"


def multiselect_blocks(block: MultiSelect, ids: ActionIds, sign: Sign | None = None) -> list[Json]:
    """Check boxes (toggling them only acks) and a button that submits the selection."""
    elements: list[Json] = []
    for i in range(0, len(block.options), MAX_OPTIONS):
        group = block.options[i : i + MAX_OPTIONS]
        options = [option(o.key, o.label) for o in group]
        boxes: Json = {
            "type": "checkboxes",
            "action_id": ids.take(block.action, CHECKBOX_TAG),
            "options": options,
        }
        initial = [o for o in options if o["value"] in block.selected]
        if initial:
            boxes["initial_options"] = initial
        elements.append(boxes)
    submit = Button(block.submit_label, block.action, "primary")
    elements.append(button(submit, ids, SUBMIT_TAG, sign))
    return [{"type": "section", "text": markdown(mrkdwn(block.label))}] + [
        {
            "type": "actions",
            "block_id": ids.take(checkbox_block_id(block, i // MAX_ELEMENTS)),
            "elements": elements[i : i + MAX_ELEMENTS],
        }
        for i in range(0, len(elements), MAX_ELEMENTS)
    ]


def fields_blocks(block: Fields) -> list[Json]:
    fields = [
        markdown(truncate(f"*{mrkdwn(label)}*\n{mrkdwn(value)}", MAX_FIELD))
        for label, value in block.rows
    ]
    return [
        {"type": "section", "fields": fields[i : i + MAX_FIELDS]}
        for i in range(0, len(fields), MAX_FIELDS)
    ]


def bar(done: int, total: int) -> str:
    filled = round(BAR_WIDTH * done / total) if total else 0
    return "█" * filled + "░" * (BAR_WIDTH - filled)


def progress_blocks(block: Progress) -> list[Json]:
    line = f"*{mrkdwn(block.label)}*  `{bar(block.done, block.total)}` {block.done}/{block.total}"
    return [{"type": "section", "text": markdown(line)}]


def block_kit(block: Block, ids: ActionIds, sign: Sign | None = None) -> list[Json]:
    """Blocks for one neutral block (images, files and placeholders have none)."""
    match block:
        case Text():
            return text_blocks(block)
        case Buttons():
            return buttons_blocks(block, ids, sign)
        case MultiSelect():
            return multiselect_blocks(block, ids, sign)
        case Fields():
            return fields_blocks(block)
        case Progress():
            return progress_blocks(block)
    return []


def chunk(blocks: Iterable[Json], limit: int = MAX_BLOCKS) -> list[list[Json]]:
    """Split blocks into messages of at most `limit` blocks and MAX_MESSAGE_JSON characters."""
    chunks: list[list[Json]] = []
    current: list[Json] = []
    size = 0
    for b in blocks:
        n = len(json.dumps(b, ensure_ascii=False))
        if current and (len(current) == limit or size + n > MAX_MESSAGE_JSON):
            chunks.append(current)
            current, size = [], 0
        current.append(b)
        size += n
    if current:
        chunks.append(current)
    return chunks


def render_message(message: Message, sign: Sign | None = None) -> Rendered:
    """The message as Slack messages; `sign` makes each button's value (its action) carry the
    channel a DM message is about (see `bot.slack.origin`)."""
    ids = ActionIds()
    blocks = [b for block in message.blocks for b in block_kit(block, ids, sign)]
    uploads = [b for b in message.blocks if isinstance(b, Image | File)]
    # The fallback is mrkdwn too (notifications): escaped, so `<!channel>` stays words.
    return Rendered(chunk(blocks), mrkdwn(truncate(message.fallback, MAX_FALLBACK)), uploads)
