"""What a dialog feature (assessment, meetings, self-evaluation…) offers the engine.

The engine routes a typed command by its first word (`aliases`) and a click or form by its
action verb (`verbs`) to one feature's pure `step`, and `Refresh` effects by their `owner` to
that feature's `render`. A turn loads the core read model plus the `reads` of the feature it is
routed to (and, after the operations, of the features whose `Refresh` effects it renders).
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
    # The stores (by name) whose data `step` and `render` read from `Turn.extra`. The engine
    # loads only these for a turn routed here, so every accessor a feature calls must be named
    # (a test checks the source against this set).
    reads: frozenset[str]

    def step(self, turn: Turn, event: Event) -> Outcome: ...

    def render(self, refresh: Refresh, turn: Turn) -> list[Post]: ...
