"""The results discussion's read model: what `DiscussionStore.load` puts in
`turn.extra["discussion"]` — the channel's latest results discussion, plain frozen data.

A discussion belongs to one closed assessment round and runs booklet 1's proposed process in
four steps; its notes (strengths, development potentials, surprises) are private to their
author in step 1 and shared from step 2; the votes of step 4 prioritise the potentials.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from dialogs.turn import Turn

OWNER = "discussion"  # the feature's (and its store's) name

# Steps: 1 = each for themselves, 2 = the round, 3 = the lowest scores, 4 = prioritising,
# 5 = finished (the result is out).
NOTES, ROUND, LOWEST, VOTE, FINISHED = 1, 2, 3, 4, 5
STEPS = (NOTES, ROUND, LOWEST, VOTE)

# What a note is about, in the order they are shown.
STRENGTH, POTENTIAL, SURPRISE = "strength", "potential", "surprise"
KINDS = (STRENGTH, POTENTIAL, SURPRISE)

RUNNING, DONE, CANCELLED = "running", "done", "cancelled"


@dataclass(frozen=True)
class NoteView:
    id: int
    author: str  # member external id
    author_name: str
    kind: str  # one of KINDS
    text: str
    element: int | None = None  # a potential noted on an element's card in step 3
    voters: tuple[str, ...] = ()  # external ids (potentials, step 4)
    agreed: bool = False  # a potential that became an agreement


@dataclass(frozen=True)
class DiscussionView:
    id: int
    assessment_id: int
    status: str  # RUNNING | DONE | CANCELLED
    step: int  # 1–4, FINISHED when done
    mode: str  # "live" | "async"
    window_days: int  # async: working days per step; live: 0
    vote_limit: int  # potentials each person may pick in step 4
    step_deadlines: tuple[datetime, ...]  # async: when steps 1–4 close; live: ()
    started_at: datetime
    ended_at: datetime | None = None
    meeting_planned_at: datetime | None = None  # the potentials went to a reflection meeting
    notes: tuple[NoteView, ...] = ()  # in the order they were written

    @property
    def is_running(self) -> bool:
        return self.status == RUNNING

    def deadline(self, step: int) -> datetime | None:
        if 1 <= step <= len(self.step_deadlines):
            return self.step_deadlines[step - 1]
        return None

    def of_kind(self, kind: str) -> tuple[NoteView, ...]:
        return tuple(n for n in self.notes if n.kind == kind)

    @property
    def potentials(self) -> tuple[NoteView, ...]:
        """Numbered 1… in this order (what people type and vote by)."""
        return self.of_kind(POTENTIAL)

    def potential(self, number: int) -> NoteView | None:
        found = self.potentials
        return found[number - 1] if 1 <= number <= len(found) else None

    def number_of(self, note_id: int) -> int:
        return next(i for i, n in enumerate(self.potentials, 1) if n.id == note_id)

    def mine(self, external_id: str) -> tuple[NoteView, ...]:
        return tuple(n for n in self.notes if n.author == external_id)

    @property
    def authors(self) -> tuple[str, ...]:
        """Who has written notes (external ids, in the order they first did)."""
        return tuple(dict.fromkeys(n.author for n in self.notes))

    def votes_of(self, external_id: str) -> tuple[int, ...]:
        return tuple(n.id for n in self.potentials if external_id in n.voters)

    @property
    def voters(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(v for n in self.potentials for v in n.voters))


def discussion_of(turn: Turn) -> DiscussionView | None:
    """The channel's latest results discussion (running, done or cancelled), or None."""
    view = turn.read(OWNER)
    return view if isinstance(view, DiscussionView) else None
