"""What every part of the results discussion's dialog shares: its data, its checks and the
renderer of its messages (the parts: running.py, notes.py, prioritising.py)."""

from __future__ import annotations

import re

from dialogs.discussion import views as v
from dialogs.discussion.model import (
    DiscussionView,
    NoteView,
    discussion_of,
)
from dialogs.discussion.render import Renderer
from dialogs.effects import Outcome, Post, Refresh
from dialogs.feature import FeatureDialog
from dialogs.forms import number
from dialogs.meetings import MeetingsDialog
from dialogs.replies import Refusal
from dialogs.turn import Turn
from scoring.catalogue import Catalogue
from scoring.table import ScoringTable

# The first word of every command.
DISCUSSION = ("drøftelse", "droeftelse", "drøft", "resultatdrøftelse", "discussion", "discuss")

MODE_WORDS = {
    "live": "live",
    "asynkron": "async",
    "asynkront": "async",
    "asynk": "async",
    "async": "async",
    "asynchronous": "async",
}
NONE_WORDS = frozenset({"ingen", "none", "-", "0"})


def numbers(text: str) -> tuple[int, ...] | None:
    """`"3,5"` / `"3 5"` → (3, 5); None when something is not a number."""
    parts = [p for p in re.split(r"[,;\s]+", text.strip()) if p]
    if any(not (p.isascii() and p.isdigit()) for p in parts):
        return None
    return tuple(dict.fromkeys(int(p) for p in parts))


class DiscussionBase(FeatureDialog):
    bad_action = "err.bad_action"

    def __init__(self, catalogue: Catalogue, table: ScoringTable) -> None:
        self.catalogue, self.table = catalogue, table
        self.renderer = Renderer(catalogue, table)
        # Planning a meeting from the result reuses the meetings feature's plan form and checks.
        self.meetings = MeetingsDialog(catalogue, table)

    def render(self, refresh: Refresh, turn: Turn) -> list[Post]:
        return self.renderer.render(refresh, turn)

    def current(self, turn: Turn, did: int | None = None) -> DiscussionView:
        d = discussion_of(turn)
        if did is not None and (d is None or d.id != did):
            raise Refusal("dc.err.not_this")  # an older discussion's button, or made up
        if d is None:
            raise Refusal("dc.err.none")
        return d

    def running(self, turn: Turn, did: int | None = None) -> DiscussionView:
        d = self.current(turn, did)
        if not d.is_running:
            raise Refusal("dc.err.not_running")
        return d

    def at_step(self, turn: Turn, did: int | None, *steps: int) -> DiscussionView:
        d = self.running(turn, did)
        if d.step not in steps:
            raise Refusal(
                f"dc.err.step.{steps[0]}", step=d.step, name=v.step_name(self.look(turn), d.step)
            )
        return d

    def done(self, turn: Turn, did: int | None = None) -> DiscussionView:
        d = self.current(turn, did)
        if d.status != "done":
            raise Refusal("dc.err.not_done")
        return d

    def facilitator_only(self, turn: Turn) -> None:
        if not turn.is_facilitator:
            raise Refusal("dc.err.facilitator_only")

    def member_only(self, turn: Turn) -> None:
        if turn.actor.role == "system":
            raise Refusal("err.bad_action")

    def look(self, turn: Turn) -> v.Look:
        return self.renderer.look(turn)

    def potential(self, d: DiscussionView, number_text: str) -> tuple[int, NoteView]:
        word = number_text.strip().lstrip("#").split(" ")[0]
        n = number(word, 1, max(1, len(d.potentials))) if word else None
        note = d.potential(n) if n is not None else None
        if n is None or note is None:
            raise Refusal("dc.err.bad_potential", text=word[:12] or "–", n=len(d.potentials))
        return n, note

    def note_by_id(self, d: DiscussionView, note_id: int) -> tuple[int, NoteView]:
        for i, note in enumerate(d.potentials, 1):
            if note.id == note_id:
                return i, note
        raise Refusal("err.bad_action")

    def unknown_command(self, turn: Turn, line: str) -> Outcome:
        words = line.split()
        raise Refusal("dc.err.unknown", word=(words[1] if len(words) > 1 else "")[:40])
