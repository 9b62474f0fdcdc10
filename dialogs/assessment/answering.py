"""Answering the questions: the pace (one element at a time or all), typed answers and
clicks, comments, "ikke relevant" with its reason, and each person's own open questions."""

from __future__ import annotations

from dialogs import actions
from dialogs.actions import Action
from dialogs.assessment import forms
from dialogs.assessment import ops as fx
from dialogs.assessment.base import AssessmentBase, refresh
from dialogs.assessment.commands import normalise_multi, parse_answer, split_comment
from dialogs.assessment.model import AssessmentView, assessment_of
from dialogs.assessment.views import answer_label
from dialogs.effects import OpenForm, Outbound, Outcome
from dialogs.feature import Values, command, verb
from dialogs.replies import Refusal, reject, tell
from dialogs.text_input import check_text
from dialogs.turn import Turn
from scoring.catalogue import Question


class Answering(AssessmentBase):
    @verb("pace")
    def pace_click(self, turn: Turn, a: Action, _values: Values) -> Outcome:
        view = self.open_round(turn, a.int_arg(0))
        pacing = a.arg(1)
        if pacing not in ("all", "one"):
            raise actions.BadAction(pacing)
        if view.pacing is not None:
            raise Refusal("err.pacing_chosen")
        first = len(self.catalogue.elements) if pacing == "all" else 1
        return Outcome(
            ops=(fx.SetPacing(view.id, pacing, first),), out=(refresh("elements", view.id),)
        )

    @command("næste", "naeste", "next")
    def next(self, turn: Turn, _rest: str) -> Outcome:
        view = self.open_round(turn)
        self.facilitator_only(turn)
        if view.pacing != "one":
            raise Refusal("err.next_not_paced")
        current = view.current_element or 0
        if current >= len(self.catalogue.elements):
            raise Refusal("err.no_more_elements")
        return Outcome(
            ops=(fx.SetPacing(view.id, "one", current + 1),),
            out=(refresh("element", view.id, str(current + 1)),),
        )

    @command("svar", "answer")
    def answer(self, turn: Turn, rest: str) -> Outcome:
        view = self.open_round(turn)
        qid, _, answer_text = rest.partition(" ")
        q = self.question(qid.rstrip("."))
        value_text, comment = split_comment(answer_text)
        value = parse_answer(q, value_text)
        if value is None:
            raise Refusal("err.bad_answer", question=q.id, choices=self.choice_hint(turn, q))
        return self.record_answer(turn, view, q, value, comment, typed=True)

    @verb("ans")
    def answer_click(self, turn: Turn, a: Action, _values: Values) -> Outcome:
        view = self.open_round(turn, a.int_arg(0))
        q = self.question(a.arg(1))
        value = a.arg(2)
        if q.type == "multi" or value not in q.choices():
            raise actions.BadAction(value)
        return self.record_answer(turn, view, q, value, None, typed=False)

    @verb("multi")
    def multi_click(self, turn: Turn, a: Action, values: Values) -> Outcome:
        view = self.open_round(turn, a.int_arg(0))
        q = self.question(a.arg(1))
        if q.type != "multi":
            raise actions.BadAction(q.id)
        chosen = [k for k in values.get("selected", "").split(",") if k]
        value = normalise_multi(q, chosen)
        if value is None:
            raise Refusal("err.bad_multi", exclusive=", ".join(q.exclusive))
        return self.record_answer(turn, view, q, value, None, typed=False)

    def record_answer(
        self,
        turn: Turn,
        view: AssessmentView,
        q: Question,
        value: str,
        comment: str | None,
        *,
        typed: bool,
    ) -> Outcome:
        if comment is not None:
            error = check_text(comment, "comment", turn.lang)
            if error:
                return tell(turn, "err.input", error=error)
        if value == "ikke_relevant" and not (comment or self.my_comment(view, turn, q.id)):
            if typed:
                raise Refusal("err.not_relevant_needs_comment", question=q.id)
            return Outcome(out=(OpenForm(forms.not_relevant_form(turn.lang, view.id, q, None)),))
        op = fx.SetMemberAnswer(view.id, q.id, value, comment, keep_comment=comment is None)
        out: tuple[Outbound, ...] = (refresh("question", view.id, q.id), refresh("progress"))
        if q.type == "multi":
            out += (refresh("conditional", view.id, q.id),)
        done = tell(turn, "ok.answer", question=q.id, answer=answer_label(turn.lang, q, value))
        return Outcome(ops=(op,), out=out) + (done if typed else Outcome())

    @command("kommentar", "comment")
    def comment(self, turn: Turn, rest: str) -> Outcome:
        view = self.open_round(turn)
        qid, _, text = rest.partition(" ")
        q = self.question(qid.rstrip("."))
        if not text.strip():
            return self.comment_form(turn, view, q)
        return self.save_comment(turn, view, q, text)

    @verb("cmt")
    def comment_click(self, turn: Turn, a: Action, _values: Values) -> Outcome:
        view = self.open_round(turn, a.int_arg(0))
        return self.comment_form(turn, view, self.question(a.arg(1)))

    def comment_form(self, turn: Turn, view: AssessmentView, q: Question) -> Outcome:
        current = self.my_comment(view, turn, q.id)
        return Outcome(out=(OpenForm(forms.comment_form(turn.lang, view.id, q, current)),))

    @verb("f-cmt")
    def comment_submit(self, turn: Turn, a: Action, values: Values) -> Outcome:
        view = self.open_round(turn, a.int_arg(0))
        q = self.question(a.arg(1))
        text = values.get("comment", "")
        error = check_text(text, "comment", turn.lang)
        if error:
            return reject(forms.comment_form(turn.lang, view.id, q, text), {"comment": error})
        return self.save_comment(turn, view, q, text)

    def save_comment(self, turn: Turn, view: AssessmentView, q: Question, text: str) -> Outcome:
        error = check_text(text, "comment", turn.lang)
        if error:
            return tell(turn, "err.input", error=error)
        return Outcome(
            ops=(fx.SetMemberComment(view.id, q.id, text.strip()),),
            out=(refresh("question", view.id, q.id),),
        ) + tell(turn, "ok.comment", question=q.id)

    @verb("f-ans")
    def not_relevant_submit(self, turn: Turn, a: Action, values: Values) -> Outcome:
        view = self.open_round(turn, a.int_arg(0))
        q = self.question(a.arg(1))
        value = a.arg(2)
        if value not in q.choices():
            raise actions.BadAction(value)
        text = values.get("comment", "")
        error = check_text(text, "comment", turn.lang)
        if error:
            form = forms.not_relevant_form(turn.lang, view.id, q, text)
            return reject(form, {"comment": error})
        return self.record_answer(turn, view, q, value, text.strip(), typed=False)

    @command("spørgsmål", "spoergsmaal", "questions")
    def questions(self, turn: Turn, _rest: str) -> Outcome:
        view = self.open_round(turn)
        return Outcome(out=(refresh("my_questions", view.id),))

    # ---- the button of a private nudge (dialogs/assessment/reminders.py) ----
    @verb("r-qs")
    def my_questions_click(self, turn: Turn, a: Action, _values: Values) -> Outcome:
        view = assessment_of(turn)
        if view is None or view.id != a.int_arg(0):
            raise Refusal("err.not_this_round")
        if not view.is_open:
            raise Refusal("err.closed")
        return Outcome(out=(refresh("my_questions", view.id),))
