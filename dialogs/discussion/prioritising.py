"""Step 4 and after: the vote on the potentials, the result, and the prioritised potentials
made agreements or the data basis of a reflection meeting."""

from __future__ import annotations

from collections.abc import Mapping

from dialogs.actions import Action
from dialogs.discussion import meeting
from dialogs.discussion import views as v
from dialogs.discussion.agreements import agreement_form, agreement_op
from dialogs.discussion.base import DISCUSSION, NONE_WORDS, DiscussionBase, numbers
from dialogs.discussion.model import (
    VOTE,
    DiscussionView,
    NoteView,
)
from dialogs.discussion.ops import (
    CastDiscussionVotes,
    MarkPotentialAgreed,
)
from dialogs.discussion.render import assessment_for
from dialogs.discussion.results import lowest_elements
from dialogs.discussion.steps import outcome, refresh
from dialogs.effects import OpenForm, Outcome, Post, RejectForm
from dialogs.feature import Values, command, verb
from dialogs.layout import group
from dialogs.meetings import meetings_of
from dialogs.messages import Form, ToActorOnly
from dialogs.replies import Refusal, announce, tell
from dialogs.turn import Turn
from dialogs.votes import checked_marks


class Prioritising(DiscussionBase):
    @command("stem", "stemme", "vote", under=DISCUSSION)
    def cmd_vote(self, turn: Turn, rest: str) -> Outcome:
        self.member_only(turn)
        d = self.at_step(turn, None, VOTE)
        among = tuple(n.id for n in d.potentials)
        if rest.strip().casefold() in NONE_WORDS:
            return self.votes(turn, d, among, ())
        chosen = numbers(rest)
        if not chosen or any(not 1 <= p <= len(d.potentials) for p in chosen):
            raise Refusal("dc.err.bad_numbers", n=len(d.potentials))
        return self.votes(turn, d, among, tuple(d.potentials[p - 1].id for p in chosen))

    @verb("dc-vote")
    def act_vote(self, turn: Turn, a: Action, values: Values) -> Outcome:
        self.member_only(turn)
        d = self.at_step(turn, a.int_arg(0), VOTE)
        g = group(d.potentials, a.int_arg(1))
        picked = numbers(values.get("selected", ""))
        chosen = g.picked(picked) if g is not None and picked is not None else None
        if g is None or chosen is None:
            raise Refusal("err.bad_action")
        return self.votes(turn, d, tuple(n.id for n in g.items), tuple(n.id for n in chosen))

    def votes(
        self, turn: Turn, d: DiscussionView, among: tuple[int, ...], chosen: tuple[int, ...]
    ) -> Outcome:
        held = d.votes_of(turn.actor.external_id)
        shown = checked_marks(
            held, among, chosen, d.vote_limit, "dc.err.too_many_votes", d.number_of
        )
        return outcome([CastDiscussionVotes(d.id, among, chosen)], [refresh("vote", d.id)]) + tell(
            turn, "dc.ok.voted" if chosen else "dc.ok.unvoted", list=shown
        )

    @command("resultat", "result", under=DISCUSSION)
    def cmd_result(self, turn: Turn, _rest: str) -> Outcome:
        d = self.done(turn)
        msg = v.result_message(self.look(turn), d, assessment_for(turn, d))
        return Outcome(out=(Post(msg, ToActorOnly()),))

    @command("aftale", "agreement", "agree", under=DISCUSSION)
    def cmd_agree(self, turn: Turn, rest: str) -> Outcome:
        d = self.done(turn)
        self.facilitator_only(turn)
        return self.open_agreement(turn, d, *self.potential(d, rest))

    @verb("dc-agree")
    def act_agree(self, turn: Turn, a: Action, _values: Values) -> Outcome:
        d = self.done(turn, a.int_arg(0))
        self.facilitator_only(turn)
        return self.open_agreement(turn, d, *self.note_by_id(d, a.int_arg(1)))

    def open_agreement(self, turn: Turn, d: DiscussionView, n: int, note: NoteView) -> Outcome:
        if note.agreed:
            raise Refusal("dc.err.already_agreed", number=n)
        return Outcome(out=(OpenForm(agreement_form(turn, d.id, n, note, {})),))

    @verb("dcf-agree")
    def act_submit_agreement(self, turn: Turn, a: Action, values: Values) -> Outcome:
        d = self.done(turn, a.int_arg(0))
        self.facilitator_only(turn)
        n, note = self.note_by_id(d, a.int_arg(1))
        if note.agreed:
            raise Refusal("dc.err.already_agreed", number=n)
        result = agreement_op(turn, d.id, n, note, values)
        if isinstance(result, Form):
            return Outcome(out=(RejectForm(result),))
        return outcome(
            [result, MarkPotentialAgreed(d.id, note.id)], [refresh("result", d.id)]
        ) + announce(turn, "dc.ok.agreed", who=turn.actor.name, number=n, what=result.what[:80])

    @command("møde", "moede", "meeting", under=DISCUSSION, reads=("meetings",))
    def cmd_meeting(self, turn: Turn, _rest: str) -> Outcome:
        return self.open_meeting(turn, None)

    @verb("dc-meet", reads=("meetings",))
    def act_meeting(self, turn: Turn, a: Action, _values: Values) -> Outcome:
        return self.open_meeting(turn, a.int_arg(0))

    def ready_for_meeting(self, turn: Turn, did: int | None) -> DiscussionView:
        d = self.done(turn, did)
        self.facilitator_only(turn)
        if not d.potentials:
            raise Refusal("dc.err.no_potentials_result")
        if d.meeting_planned_at is not None:
            raise Refusal("dc.err.meeting_planned")
        active = meetings_of(turn).active
        if active is not None:
            raise Refusal("dc.err.meeting_active", number=active.number)
        return d

    def open_meeting(self, turn: Turn, did: int | None) -> Outcome:
        d = self.ready_for_meeting(turn, did)
        assessment = assessment_for(turn, d)
        lowest = lowest_elements(assessment, self.catalogue, self.table)[0] if assessment else []
        form = meeting.plan_form(self.meetings, turn, d, meeting.focus_of(d, lowest))
        return Outcome(out=(OpenForm(form),))

    @verb("dcf-meet", reads=("meetings",))
    def act_submit_meeting(self, turn: Turn, a: Action, values: Mapping[str, str]) -> Outcome:
        d = self.ready_for_meeting(turn, a.int_arg(0))
        return meeting.carried_over(self.meetings.submit_plan(turn, values), turn, d)
