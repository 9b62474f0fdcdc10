"""Messages derived from the discussion after a turn's operations (the engine calls `render`
for this feature's Refreshes). Every channel message has a key and is updated in place.

Kinds (`Refresh.what`, owner "discussion", `subject_id` the discussion):
  started     the root message and step 1 (asynchronous: each member's private invitation)
  root        the root message
  notes       what shows the notes: step 1's count, the round of step 2, the root's progress
  vote        step 4 with who has voted, and the root
  advanced    after a step change (`arg` the closed step): the closed step in its final form,
              the opened one — or, at the end, the ranking and the result
  result      the result with its buttons
"""

from __future__ import annotations

from dialogs.assessment import AssessmentView, assessment_of
from dialogs.discussion import views as v
from dialogs.discussion.model import (
    FINISHED,
    LOWEST,
    NOTES,
    ROUND,
    VOTE,
    DiscussionView,
    discussion_of,
)
from dialogs.discussion.results import lowest_elements
from dialogs.effects import Post, Refresh
from dialogs.meetings.when import zone
from dialogs.messages import ToChannel, ToMember
from dialogs.turn import Turn
from scoring.catalogue import Catalogue
from scoring.table import ScoringTable


def assessment_for(turn: Turn, d: DiscussionView) -> AssessmentView | None:
    """The round the discussion is about: the channel's current one, or the one before it
    when a new round has started since."""
    view = assessment_of(turn)
    while view is not None and view.id != d.assessment_id:
        view = view.previous
    return view


class Renderer:
    def __init__(self, catalogue: Catalogue, table: ScoringTable) -> None:
        self.catalogue, self.table = catalogue, table

    def look(self, turn: Turn) -> v.Look:
        return v.Look(turn.lang, zone(turn), self.catalogue, self.table)

    def render(self, r: Refresh, turn: Turn) -> list[Post]:
        d = discussion_of(turn)
        if d is None or r.subject_id not in (None, d.id):
            return []
        look = self.look(turn)
        match r.what:
            case "started":
                posts = [self.root(look, turn, d), *self.step(look, turn, d, NOTES)]
                if d.mode == "async":
                    request = v.notes_request(look, d, assessment_for(turn, d))
                    posts += [Post(request, ToMember(m.external_id)) for m in turn.members]
                return posts
            case "root":
                return [self.root(look, turn, d)]
            case "notes":
                posts = [self.root(look, turn, d), *self.step(look, turn, d, NOTES)]
                return posts + (self.step(look, turn, d, ROUND) if d.step >= ROUND else [])
            case "vote":
                return [self.root(look, turn, d), *self.step(look, turn, d, VOTE)]
            case "advanced":
                closed = int(r.arg or 0)
                posts = [self.root(look, turn, d), *self.step(look, turn, d, closed, final=True)]
                if d.step >= FINISHED:
                    return [*posts, self.result(look, turn, d)]
                return posts + self.step(look, turn, d, d.step)
            case "result":
                return [self.result(look, turn, d)] if d.status == "done" else []
        raise ValueError(f"unknown refresh {r.what}")

    def thread(self, d: DiscussionView) -> ToChannel:
        return ToChannel(thread_key=v.root_key(d.id))

    def root(self, look: v.Look, turn: Turn, d: DiscussionView) -> Post:
        msg = v.root_message(look, d, assessment_for(turn, d), len(turn.members))
        return Post(msg, ToChannel(), key=v.root_key(d.id))

    def result(self, look: v.Look, turn: Turn, d: DiscussionView) -> Post:
        msg = v.result_message(look, d, assessment_for(turn, d))
        return Post(msg, ToChannel(), key=v.result_key(d.id))

    def step(
        self, look: v.Look, turn: Turn, d: DiscussionView, step: int, *, final: bool = False
    ) -> list[Post]:
        """A step's message(s) in the thread; `final`: the step just closed (step 3's element
        cards lose their buttons, its header stays as it was)."""
        thread, key = self.thread(d), v.step_key(d.id, step)
        if step == NOTES:
            return [Post(v.notes_step_message(look, d), thread, key=key)]
        if step == ROUND:
            return [Post(v.round_step_message(look, d), thread, key=key)]
        if step == VOTE:
            return [Post(v.vote_step_message(look, d, len(turn.members)), thread, key=key)]
        if step != LOWEST:
            return []
        assessment = assessment_for(turn, d)
        lowest, too_few = (
            lowest_elements(assessment, self.catalogue, self.table) if assessment else ([], [])
        )
        posts = (
            []
            if final
            else [Post(v.lowest_step_message(look, d, lowest, too_few), thread, key=key)]
        )
        if assessment is not None:
            posts += [
                Post(
                    v.element_message(look, d, assessment, s),
                    thread,
                    key=v.element_key(d.id, s.number),
                )
                for s in lowest
            ]
        return posts
