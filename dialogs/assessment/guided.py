"""One question at a time (`næste spørgsmål`, the guide button): the person's next
unanswered question privately, each answer bringing the next, `stop` to leave; `næste` alone
is the next element (pacing.py). Which questions a person is asked (2.3 only after c)."""

from __future__ import annotations

from dialogs.actions import Action
from dialogs.assessment.base import refresh
from dialogs.assessment.model import AssessmentView
from dialogs.assessment.pacing import Pacing, ensure_pace
from dialogs.assessment.render import element_posted, guided_target
from dialogs.assessment.status import GUIDED_STATE
from dialogs.assessment.team import question_status
from dialogs.assessment.views import own_answer
from dialogs.assessment.words import typed_here
from dialogs.effects import Outcome, SetDialogState
from dialogs.feature import Values, command, verb
from dialogs.messages import ToMember
from dialogs.replies import Refusal, tell
from dialogs.turn import Turn
from scoring.catalogue import Catalogue, Question

QUESTION_WORDS = ("spørgsmål", "spoergsmaal", "spm", "spm.", "question", "questions")


class Guided(Pacing):
    @command("næste", "naeste", "next")
    def next(self, turn: Turn, rest: str) -> Outcome:
        if rest.casefold() in QUESTION_WORDS:
            return self.guided_start(turn, self.open_round(turn))
        return self.next_element(turn, self.open_round(turn))

    @verb("next-el")
    def next_click(self, turn: Turn, a: Action, _values: Values) -> Outcome:
        return self.next_element(turn, self.open_round(turn, a.int_arg(0)))

    @verb("guide")
    def guide_click(self, turn: Turn, a: Action, _values: Values) -> Outcome:
        return self.guided_start(turn, self.open_round(turn, a.int_arg(0)))

    def guided_start(self, turn: Turn, view: AssessmentView) -> Outcome:
        """The person's next unanswered question, privately; each answer brings the next.
        Asked again, it skips the question they were given (it comes back at the end)."""
        started, view = ensure_pace(turn, view)
        current = self.guided_question(turn, view)
        after = current.id if current is not None else None
        note = Outcome()
        if isinstance(guided_target(view, turn), ToMember) and not turn.surface.private:
            note = tell(turn, "ok.guided_dm")  # one line where everyone reads
        return started + note + self.guided_next(turn, view, after, {})

    def guided_next(
        self, turn: Turn, view: AssessmentView, after: str | None, given: dict[str, str]
    ) -> Outcome:
        qid = next_question(self.catalogue, view, turn.actor.external_id, after, given)
        if qid is None:
            done = Outcome(out=(refresh("guided", view.id),))
            if turn.state_kind == GUIDED_STATE:
                done = Outcome(ops=(SetDialogState(None),)) + done
            return done
        state = SetDialogState(GUIDED_STATE, {"aid": view.id, "q": qid})
        return Outcome(ops=(state,), out=(refresh("guided", view.id, qid),))

    @command("stop", "stands", "stop.")
    def stop(self, turn: Turn, _rest: str) -> Outcome:
        view = self.open_round(turn)
        if self.guided_question(turn, view) is None:
            raise Refusal("err.guided_not_running", guided=typed_here(turn, "næste spørgsmål"))
        return Outcome(ops=(SetDialogState(None),)) + tell(
            turn, "ok.guided_stopped", guided=typed_here(turn, "næste spørgsmål")
        )

    def guided_question(self, turn: Turn, view: AssessmentView) -> Question | None:
        """The question the person was last given by `næste spørgsmål`, if they are at it."""
        data = turn.state_data
        if turn.state_kind != GUIDED_STATE or data.get("aid") != view.id:
            return None
        qid = data.get("q")
        if not isinstance(qid, str) or not self.catalogue.has_question(qid):
            return None
        return self.catalogue.question(qid)


def asked_of(q: Question, view: AssessmentView, member: str, given: dict[str, str]) -> bool:
    """Whether `member` is asked `q`: a conditional question (2.3) when their own answer
    (`given` in this turn, else saved) or the team's includes the option (2.2 c)."""
    if q.condition is None:
        return True
    other, option = q.condition
    mine = given.get(other) or own_answer(view, other, member)
    team = question_status(view, other).team
    return any(option in (v or "").split(",") for v in (mine, team))


def next_question(
    catalogue: Catalogue,
    view: AssessmentView,
    member: str,
    after: str | None,
    given: dict[str, str],
) -> str | None:
    """The member's next unanswered question after `after` (from the start again when none
    is left after it), among the elements put to the team; `given`: answers of this turn."""
    asked = [
        q
        for e in catalogue.elements
        if element_posted(view, e.number)
        for q in e.questions
        if asked_of(q, view, member, given)
    ]
    todo = [q.id for q in asked if q.id not in given and own_answer(view, q.id, member) is None]
    if not todo:
        return None
    order = [q.id for q in asked]
    if after in order:
        later = [qid for qid in todo if order.index(qid) > order.index(after)]
        if later:
            return later[0]
    return todo[0]
