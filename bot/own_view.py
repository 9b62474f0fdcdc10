"""The person's own view of the message they clicked: their choice marked, their words below.

A click on a shared message (a question card) changes what everyone sees — the card is
updated ("3 har svaret.") — and the dialog tells the person privately what was saved (a short
`ToActorOnly` confirmation). Where the platform can show a message to the clicker alone, the
message they clicked shows them their own answer in place: the button they pressed marked
("✓ Ja"), 2.2's ticks as they saved them, and the private confirmation beneath it, instead of
a confirmation that arrives as a message of its own.

This module is pure: it builds that view from what one turn sends (`OwnView`). The adapters
decide where it goes — Teams: the answer to the click (Action.Execute), which Teams shows to the
clicker alone, in channels and group chats, and the card itself in a 1:1 chat; Slack: the
clicked copy in the person's DM, or their ephemeral copy in a channel. A message counts as the
clicked one when it holds the clicked action (the card that was updated because of the click);
a turn that refused the click updates nothing, so nothing is marked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from dialogs.messages import Block, Button, Buttons, Message, MultiSelect, Text

MARK = "✓ "
# A private word short enough to sit under the card (or in Teams' pop-up for one person);
# longer messages (an element's whole text) still go as messages of their own.
MAX_NOTE_CHARS = 600
SENTENCE_ENDS = '.!?…:;)»”"'


@dataclass(frozen=True)
class Click:
    """The button (or 2.2's "Gem valg") a person pressed, with the card's input values."""

    action: str
    values: Mapping[str, str] = field(default_factory=dict)

    @property
    def selected(self) -> tuple[str, ...]:
        return tuple(k for k in self.values.get("selected", "").split(",") if k)


def shows(message: Message, action: str) -> bool:
    """Whether `message` holds the button (or the group of check boxes) of `action`."""
    for block in message.blocks:
        if isinstance(block, Buttons) and any(b.action == action for b in block.buttons):
            return True
        if isinstance(block, MultiSelect) and block.action == action:
            return True
    return False


def is_note(message: Message, click: Click | None = None) -> bool:
    """A short message of text: it can stand under a card or in a one-line pop-up. Check
    boxes of the clicked action may come with it (a confirmation of 2.2 that shows the ticks
    again): the clicked card already shows them, so only its words are kept (`own_view`)."""
    texts = [b for b in message.blocks if isinstance(b, Text)]
    restated = [
        b
        for b in message.blocks
        if isinstance(b, MultiSelect) and click is not None and b.action == click.action
    ]
    size = sum(len(b.text) for b in texts)
    whole = len(texts) + len(restated) == len(message.blocks)
    return bool(texts) and whole and size <= MAX_NOTE_CHARS


def note_text(notes: tuple[Message, ...] | list[Message]) -> str:
    """The notes as plain lines (for a pop-up that shows no formatting), each a sentence of
    its own: a pop-up may show a newline as a space, and "Dit svar på 2.1: Delvist Du har
    svaret på alle …" must not run together."""
    lines = [b.text for n in notes for b in n.blocks if isinstance(b, Text)]
    plain = (line.replace("*", "").replace("`", "").strip() for line in lines)
    return "\n".join(_sentence(line) for line in plain if line)


def _sentence(line: str) -> str:
    return line if line[-1] in SENTENCE_ENDS else line + "."


def group_of(message: Message, action: str) -> frozenset[str]:
    """The actions that are one choice with `action` in `message`: the buttons of its row (a
    question's answers), or `action` alone (2.2's check boxes, a button not shown)."""
    for block in message.blocks:
        if isinstance(block, Buttons) and any(b.action == action for b in block.buttons):
            return frozenset(b.action for b in block.buttons)
    return frozenset((action,))


def own_view(message: Message, clicks: Sequence[Click], notes: tuple[Message, ...] = ()) -> Message:
    """`message` as the clicker sees it: the buttons they pressed marked (one a question, on a
    card of several), their ticks kept, `notes` below."""
    blocks: list[Block] = [_marked(block, clicks) for block in message.blocks]
    for note in notes:
        blocks += [replace(b, style="muted") for b in note.blocks if isinstance(b, Text)]
    fallback = notes[-1].fallback if notes else message.fallback
    return Message(tuple(blocks), fallback, message.marker)


def _marked(block: Block, clicks: Sequence[Click]) -> Block:
    if isinstance(block, Buttons):
        pressed = {click.action for click in clicks}
        return Buttons(tuple(_mark(b) if b.action in pressed else b for b in block.buttons))
    if isinstance(block, MultiSelect):
        for click in clicks:
            if block.action == click.action:
                return replace(block, selected=click.selected)
    return block


def _mark(button: Button) -> Button:
    label = button.label if button.label.startswith(MARK) else MARK + button.label
    return Button(label, button.action, "primary")


@dataclass
class OwnView:
    """What one click's turn sends, gathered into the clicker's view of the clicked message."""

    click: Click
    source: Message | None = None  # the clicked message as the turn left it
    notes: list[Message] = field(default_factory=list)  # private words of the turn

    def saw(self, message: Message) -> bool:
        """Offer a message the turn posts or updates; True when it is the clicked one."""
        if shows(message, self.click.action):
            self.source = message
            return True
        return False

    @property
    def view(self) -> Message | None:
        if self.source is None:
            return None
        return own_view(self.source, (self.click,), tuple(self.notes))
