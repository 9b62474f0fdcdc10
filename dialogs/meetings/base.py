"""What every part of the meetings dialog shares: the feature's data, its checks and the
small parsers of typed numbers."""

from __future__ import annotations

import re

from dialogs.effects import Outcome, Post, Refresh, SetDialogState
from dialogs.feature import FeatureDialog
from dialogs.meetings import views
from dialogs.meetings.content import step_name
from dialogs.meetings.model import AgreementView, MeetingView, meetings_of
from dialogs.meetings.render import Renderer
from dialogs.replies import Refusal
from dialogs.turn import Turn
from scoring.catalogue import Catalogue
from scoring.table import ScoringTable

# The first word of the meeting commands (`møde planlæg`, `møde start` …).
MEETING = ("møde", "moede", "meeting", "læringsdialog")


class MeetingsBase(FeatureDialog):
    def __init__(self, catalogue: Catalogue, table: ScoringTable) -> None:
        self.catalogue, self.table = catalogue, table
        self.renderer = Renderer(catalogue, table)

    def render(self, refresh: Refresh, turn: Turn) -> list[Post]:
        return self.renderer.render(refresh, turn)

    def look(self, turn: Turn) -> views.Look:
        return views.Look.of(turn, self.catalogue, self.table)

    def unknown_command(self, turn: Turn, line: str) -> Outcome:
        words = line.split()
        raise Refusal("mt.err.unknown", text=(words[1] if len(words) > 1 else "")[:40])

    # ---- shared checks ----
    def active(self, turn: Turn, mid: int | None = None) -> MeetingView:
        data = meetings_of(turn)
        if mid is not None:
            m = data.meeting(mid)
            if m is None:
                raise Refusal("err.bad_action")  # another channel's id, or made up
            if not m.is_active:
                raise Refusal("mt.err.not_active", number=m.number)
            return m
        m = data.active
        if m is None:
            raise Refusal("mt.err.none")
        return m

    def running(self, turn: Turn, mid: int | None, step: int) -> MeetingView:
        m = self.active(turn, mid)
        if m.status != "running":
            raise Refusal("mt.err.not_started")
        if m.step != step:
            raise Refusal(
                "mt.err.wrong_step",
                step=m.step,
                name=step_name(m.step, turn.lang),
            )
        return m

    def facilitator_only(self, turn: Turn, m: MeetingView) -> None:
        if not views.is_facilitator(turn, m):
            raise Refusal("mt.err.facilitator_only", name=m.facilitator_name)

    def member_only(self, turn: Turn) -> None:
        if turn.actor.role == "system":
            raise Refusal("err.bad_action")

    def no_active(self, turn: Turn) -> None:
        m = meetings_of(turn).active
        if m is not None:
            raise Refusal("mt.err.active", number=m.number, when=self.look(turn).when(m))

    def agreement(self, turn: Turn, aid: int) -> AgreementView:
        a = meetings_of(turn).agreement(aid)
        if a is None:
            raise Refusal("err.bad_action")
        return a


def state(kind: str | None, data: dict[str, object] | None = None) -> SetDialogState:
    return SetDialogState(kind, data or {})


def ids(text: str) -> tuple[int, ...] | None:
    """`"3,5"` → (3, 5); None when something is not a number."""
    parts = [p for p in re.split(r"[,\s]+", text.strip()) if p]
    if any(not p.isdigit() for p in parts):
        return None
    return tuple(dict.fromkeys(int(p) for p in parts))


def elements(text: str, count: int) -> tuple[int, ...] | None:
    found = ids(text.replace(".", " "))
    if found is None or any(not 1 <= n <= count for n in found):
        return None
    return found
