"""Answering the questions: typed answers (leniently, a whole element in a row, one letter in
guided mode) and clicks, comments, "ikke relevant" with its reason, the person's own answer
confirmed privately. Built on Guided (guided.py: one question at a time), which is built on
Pacing (pacing.py: the pace and the next element)."""

from __future__ import annotations

from dialogs import actions
from dialogs.actions import Action
from dialogs.assessment import forms
from dialogs.assessment import ops as fx
from dialogs.assessment.base import refresh
from dialogs.assessment.commands import (
    BulkError,
    normalise_multi,
    parse_answer,
    question_ref,
    split_answer,
    split_bulk,
)
from dialogs.assessment.guided import Guided, asked_of
from dialogs.assessment.model import AssessmentView, assessment_of
from dialogs.assessment.pace import Pace
from dialogs.assessment.pacing import ensure_pace
from dialogs.assessment.render import card_key, pace_of
from dialogs.assessment.views import GUIDED, own_answer, own_answer_message
from dialogs.assessment.words import typed_here
from dialogs.effects import OpenForm, Outbound, Outcome, Post
from dialogs.feature import Values, command, verb
from dialogs.messages import Form, OwnAnswer
from dialogs.replies import Refusal, reject, tell
from dialogs.text_input import check_text
from dialogs.turn import Turn
from scoring.catalogue import Question

Answered = list[tuple[Question, str, str | None]]  # (question, value, comment)


class Answering(Guided):
    # ---- typed answers ----
    @command("svar", "answer")
    def answer(self, turn: Turn, rest: str) -> Outcome:
        view = self.open_round(turn)
        if not rest:
            return self.how_to_answer(turn)
        ref = question_ref(rest)
        if ref is None:
            guided = self.guided_question(turn, view)
            if guided is not None:  # `svar ja` while answering one question at a time
                return self.typed_answer(turn, view, guided, rest)
            raise Refusal("err.answer_which", example=typed_here(turn, "svar 1.1 ja"))
        ident, whole_element, answer_text = ref
        if whole_element:
            return self.bulk(turn, view, int(ident), answer_text)
        q = self.question(ident)
        if not answer_text:
            raise Refusal(
                "err.answer_missing",
                question=q.id,
                choices=self.choice_hint(turn, q),
                example=typed_here(turn, f"svar {q.id} {self.example_answer(q)}"),
            )
        return self.typed_answer(turn, view, q, answer_text)

    def typed_answer(self, turn: Turn, view: AssessmentView, q: Question, text: str) -> Outcome:
        value, comment = split_answer(q, text)
        if value is None:
            raise Refusal("err.bad_answer", question=q.id, choices=self.choice_hint(turn, q))
        return self.record(turn, view, [(q, value, comment)], typed=True)

    def how_to_answer(self, turn: Turn) -> Outcome:
        def c(words: str) -> str:
            return typed_here(turn, words)

        return tell(
            turn,
            "answer.how",
            one=c("svar 1.1 ja"),
            comma=c("svar 1,1 ja"),
            why=c("svar 1.1 ja: vi bruger LØFT"),
            not_relevant=c("svar 1.6 ikke relevant fordi …"),
            row=c("svar 1: j j d n i:grund j"),
            multi=c("svar 2.2 a,c"),
            guided=c("næste spørgsmål"),
        )

    def example_answer(self, q: Question) -> str:
        return {"scale": "ja", "multi": "a,c"}.get(q.type) or q.options[0].key

    # ---- one letter (or word) while answering one question at a time ----
    @command("j", "ja", "ja.", "ja!", "yes", "y")
    def say_yes(self, turn: Turn, rest: str) -> Outcome:
        return self.guided_word(turn, "ja", rest)

    @command("d", "delvist", "delvist.", "delvis", "delvis.", "p", "partly")
    def say_partly(self, turn: Turn, rest: str) -> Outcome:
        return self.guided_word(turn, "delvist", rest)

    @command("n", "nej", "nej.", "nej!", "no")
    def say_no(self, turn: Turn, rest: str) -> Outcome:
        return self.guided_word(turn, "nej", rest)

    @command("v", "vedikke", "ved-ikke", "ved_ikke", "dk")
    def say_dont_know(self, turn: Turn, rest: str) -> Outcome:
        return self.guided_word(turn, "ved_ikke", rest)

    @command("ved")
    def say_ved_ikke(self, turn: Turn, rest: str) -> Outcome:
        # `ved ikke …` arrives as the word "ved" and the rest "ikke …"
        return self.guided_word(turn, "ved_ikke", _after(rest, "ved", "ikke"))

    @command("i", "ir", "ikke-relevant", "ikke_relevant", "ikkerelevant", "na", "n/a")
    def say_not_relevant(self, turn: Turn, rest: str) -> Outcome:
        return self.guided_word(turn, "ikke_relevant", rest)

    @command("ikke")
    def say_ikke_relevant(self, turn: Turn, rest: str) -> Outcome:
        # `ikke relevant fordi …` arrives as "ikke" and "relevant fordi …"
        return self.guided_word(turn, "ikke_relevant", _after(rest, "ikke", "relevant"))

    def guided_word(self, turn: Turn, value: str, rest: str) -> Outcome:
        view = self.open_round(turn)
        q = self.guided_question(turn, view)
        if q is None:
            raise Refusal(
                "err.not_guided",
                guided=typed_here(turn, "næste spørgsmål"),
                example=typed_here(turn, "svar 1.1 ja"),
            )
        if q.type != "scale":  # 2.2 and 2.3 are answered with their letters or names
            raise Refusal(
                "err.guided_choices",
                question=q.id,
                choices=self.choice_hint(turn, q),
                example=typed_here(turn, f"svar {self.example_answer(q)}"),
            )
        comment = rest.lstrip(" :,–-").strip() or None
        return self.record(turn, view, [(q, value, comment)], typed=True)

    # ---- a whole element in a row: `svar 1: j j d n i:grund j` ----
    def bulk(self, turn: Turn, view: AssessmentView, number: int, text: str) -> Outcome:
        example = typed_here(turn, "svar 1: j j d n i:grund j")
        if not 1 <= number <= len(self.catalogue.elements):
            raise Refusal("err.bulk_element", number=number, example=example)
        if not text:
            raise Refusal("err.bulk_empty", number=number, example=example)
        try:
            items = split_bulk(text)
        except BulkError as error:
            example = typed_here(turn, "svar 1: j; j; i: passer ikke; j")
            raise Refusal(error.key, example=example) from None
        me = turn.actor.external_id
        answered: Answered = []
        given: dict[str, str] = {}
        for q in self.catalogue.element(number).questions:
            if len(answered) == len(items):
                break
            if not asked_of(q, view, me, given):
                continue
            value_text, comment = items[len(answered)]
            value = parse_answer(q, value_text)
            if value is None:
                raise Refusal(
                    "err.bulk_bad",
                    question=q.id,
                    text=value_text[:20],
                    choices=self.choice_hint(turn, q),
                )
            given[q.id] = value
            answered.append((q, value, comment))
        if len(answered) < len(items):
            raise Refusal("err.bulk_too_many", number=number, n=len(answered), given=len(items))
        return self.record(turn, view, answered, typed=True, element=number)

    # ---- clicks ----
    @verb("ans")
    def answer_click(self, turn: Turn, a: Action, _values: Values) -> Outcome:
        view = self.open_round(turn, a.int_arg(0))
        q = self.question(a.arg(1))
        value = a.arg(2)
        if q.type == "multi" or value not in q.choices():
            raise actions.BadAction(value)
        return self.record(turn, view, [(q, value, None)], typed=False, guided=_guided(a, 3))

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
        return self.record(turn, view, [(q, value, None)], typed=False, guided=_guided(a, 2))

    @verb("f-ans")
    def not_relevant_submit(self, turn: Turn, a: Action, values: Values) -> Outcome:
        view = self.open_round(turn, a.int_arg(0))
        q = self.question(a.arg(1))
        value = a.arg(2)
        if value not in q.choices():
            raise actions.BadAction(value)
        guided = _guided(a, 3)
        text = values.get("comment", "")
        error = check_text(text, "comment", turn.lang)
        if error:
            form = forms.not_relevant_form(turn.lang, view.id, q, text, guided=guided)
            return reject(form, {"comment": error})
        return self.record(turn, view, [(q, value, text.strip())], typed=False, guided=guided)

    # ---- saving, and what the person sees next ----
    def record(
        self,
        turn: Turn,
        view: AssessmentView,
        answered: Answered,
        *,
        typed: bool,
        guided: bool = False,
        element: int | None = None,
    ) -> Outcome:
        """Save the person's answers (all or none), refresh what shows them, confirm them to
        the person, and — answering one at a time — bring their next question."""
        given = {q.id: v for q, v, _c in answered}  # (2.2 and 2.3 in one row)
        for q, value, comment in answered:
            reason = self.check_answer(turn, view, q, value, comment, given, typed, guided)
            if reason is not None:  # "Ikke relevant" clicked: the form asks why
                return Outcome(out=(OpenForm(reason),))
        started, view = ensure_pace(turn, view)
        ops = tuple(
            fx.SetMemberAnswer(view.id, q.id, v, c, keep_comment=c is None) for q, v, c in answered
        )
        pace = pace_of(view, turn)
        out: tuple[Outbound, ...] = ()
        if not started.ops:  # (a pace just set posts the element with the answer in it)
            out = self.refreshes(view, pace, [q for q, _v, _c in answered], element)
        saved = Outcome(ops=ops, out=(*out, refresh("progress")))
        going_on = guided or self.guided_question(turn, view) is not None
        confirm = Outcome()
        if typed or going_on or not pace.solo:  # a 1:1 chat's card shows the answer itself
            confirm = Outcome(out=(self.confirmation(turn, view, pace, answered, typed),))
        if element is not None:
            confirm += self.missing_in_row(turn, view, element, answered)
        next_ = Outcome()
        if going_on:
            next_ = self.guided_next(turn, view, answered[-1][0].id, given)
        return started + saved + confirm + next_

    def refreshes(
        self, view: AssessmentView, pace: Pace, answered: list[Question], element: int | None
    ) -> tuple[Outbound, ...]:
        """What shows the answered questions to everyone, each once: a card per element in a
        chat without threads (and in a row), else each question and what its answer asks."""
        ids = {q.id for q in answered}
        dependants = [q for q in self.catalogue.questions if q.condition and q.condition[0] in ids]
        if pace.flat or element is not None:
            numbers = dict.fromkeys(q.element for q in [*answered, *dependants])
            return tuple(refresh("element", view.id, str(n)) for n in numbers)
        out = tuple(refresh("question", view.id, q.id) for q in answered)
        return out + tuple(
            refresh("conditional", view.id, q.id) for q in answered if q.type == "multi"
        )

    def check_answer(
        self,
        turn: Turn,
        view: AssessmentView,
        q: Question,
        value: str,
        comment: str | None,
        given: dict[str, str],
        typed: bool,
        guided: bool,
    ) -> Form | None:
        """Refuses an answer that cannot be saved; the form that asks for the reason of a
        clicked "Ikke relevant" (None: nothing to ask)."""
        if comment is not None:
            error = check_text(comment, "comment", turn.lang)
            if error:
                raise Refusal("err.input", error=error)
        me = turn.actor.external_id
        if q.condition is not None and not asked_of(q, view, me, given):
            other, option = q.condition
            raise Refusal(
                "err.conditional",
                question=q.id,
                other=other,
                option=option,
                example=typed_here(turn, f"svar {other} a,{option}"),
            )
        if value == "ikke_relevant" and not (comment or self.my_comment(view, turn, q.id)):
            if typed:
                raise Refusal(
                    "err.not_relevant_needs_comment",
                    question=q.id,
                    example=typed_here(turn, f"svar {q.id} ikke relevant fordi …"),
                )
            return forms.not_relevant_form(turn.lang, view.id, q, None, guided=guided)
        return None

    def confirmation(
        self, turn: Turn, view: AssessmentView, pace: Pace, answered: Answered, typed: bool
    ) -> Post:
        """The person's own current answer, privately (`OwnAnswer`: ports may show it their
        own way; elsewhere a quiet reply)."""
        pairs = [(q, v) for q, v, _c in answered]
        message = own_answer_message(turn.lang, view, pairs, typed=typed)
        target = OwnAnswer(
            tuple((q.id, v) for q, v in pairs),
            tuple(dict.fromkeys(card_key(view, pace, q) for q, _v in pairs)),
        )
        return Post(message, target)

    def missing_in_row(
        self, turn: Turn, view: AssessmentView, number: int, answered: Answered
    ) -> Outcome:
        """After answers in a row: the element's questions the row did not reach."""
        me = turn.actor.external_id
        given = {q.id: v for q, v, _c in answered}
        missing = [
            q.id
            for q in self.catalogue.element(number).questions
            if q.id not in given
            and asked_of(q, view, me, given)
            and own_answer(view, q.id, me) is None
        ]
        if not missing:
            return Outcome()
        return tell(turn, "ok.answers_missing", ids=", ".join(missing))

    # ---- comments ----
    @command("kommentar", "comment")
    def comment(self, turn: Turn, rest: str) -> Outcome:
        view = self.open_round(turn)
        ref = question_ref(rest)
        if ref is None or ref[1]:
            raise Refusal("err.comment_which", example=typed_here(turn, "kommentar 1.1 fordi …"))
        q = self.question(ref[0])
        if not ref[2]:
            return self.comment_form(turn, view, q)
        return self.save_comment(turn, view, q, ref[2])

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

    # ---- the person's own open questions ----
    @command("spørgsmål", "spoergsmaal", "questions")
    def questions(self, turn: Turn, _rest: str) -> Outcome:
        return self.my_questions(turn, self.open_round(turn))

    def my_questions(self, turn: Turn, view: AssessmentView) -> Outcome:
        """In a channel, the person's unanswered questions privately; in a chat without
        threads, where a list would flood it, one at a time."""
        if not turn.surface.threads:
            return self.guided_start(turn, view)
        started, view = ensure_pace(turn, view)
        return started + Outcome(out=(refresh("my_questions", view.id),))

    # ---- the button of a private nudge (dialogs/assessment/reminders.py) ----
    @verb("r-qs")
    def my_questions_click(self, turn: Turn, a: Action, _values: Values) -> Outcome:
        view = assessment_of(turn)
        if view is None or view.id != a.int_arg(0):
            raise Refusal("err.not_this_round")
        if not view.is_open:
            raise Refusal("err.closed")
        return self.my_questions(turn, view)


def _after(rest: str, first: str, second: str) -> str:
    """The rest after the second word of a two-word answer (`ved ikke`, `ikke relevant`)."""
    word, _, tail = rest.partition(" ")
    if word.casefold().strip(":.,") != second:
        raise Refusal("err.not_an_answer", words=f"{first} {second}")
    return tail


def _guided(a: Action, index: int) -> bool:
    return len(a.args) > index and a.args[index] == GUIDED
