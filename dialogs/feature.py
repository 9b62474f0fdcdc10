"""What a dialog feature (assessment, meetings, self-evaluation…) offers the engine.

The engine routes a typed command by its first word (`aliases`) and a click or form by its
action verb (`verbs`) to one feature's pure `step`, and `Refresh` effects by their `owner` to
that feature's `render`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from dialogs.effects import Outcome, Post, Refresh
from dialogs.events import Event
from dialogs.model import Turn


class Dialog(Protocol):
    name: str
    aliases: Mapping[str, str]  # command word (Danish and English) -> canonical command
    verbs: frozenset[str]  # action verbs this feature owns

    def step(self, turn: Turn, event: Event) -> Outcome: ...

    def render(self, refresh: Refresh, turn: Turn) -> list[Post]: ...
