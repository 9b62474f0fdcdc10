"""Answering the questions: the pace (one element at a time or all), typed answers (leniently,
a whole element in a row, one letter in guided mode) and clicks, comments, "ikke relevant"
with its reason, the person's own answer confirmed privately, and one question at a time
(`næste spørgsmål`)."""

from __future__ import annotations

from dataclasses import replace

from dialogs import actions
from dialogs.actions import Action
from dialogs.assessment import forms
from dialogs.assessment import ops as fx
from dialogs.assessment.base import AssessmentBase, refresh
from dialogs.assessment.commands import (
    BulkError,
    normalise_multi,
    parse_answer,
    question_ref,
    split_answer,
    split_bulk,
)
from dialogs.assessment.model import AssessmentView, assessment_of
from dialogs.assessment.pace import ALL, DEFAULT_PACE, ONE, PACES, Pace, parse_pace
from dialogs.assessment.render import card_key, element_posted, pace_of
from dialogs.assessment.team import question_status
from dialogs.assessment.views import GUIDED, own_answer, own_answer_message
from dialogs.assessment.words import typed_here
from dialogs.effects import OpenForm, Outbound, Outcome, Post, SetDialogState
from dialogs.feature import Values, command, verb
from dialogs.i18n import t
from dialogs.messages import Button, Buttons, Form, Message, OwnAnswer, Text, ToActorOnly
from dialogs.replies import Refusal, reject, tell
from dialogs.text_input import check_text
from dialogs.turn import Turn
from scoring.catalogue import Catalogue, Question

GUIDED_STATE = "guided"  # the person's dialog state while they answer one question at a time
QUESTION_WORDS = ("spørgsmål", "spoergsmaal", "spm", "spm.", "question", "questions")
Answered = list[tuple[Question, str, str | None]]  # (question, value, comment)


# ---- the pace, shared with round.py (status, the delimitation) ----
def private(lang: str, text: str, *buttons: Button) -> Post:
    blocks: tuple[Text | Buttons, ...] = (Text(text),)
    if buttons:
        blocks += (Buttons(buttons),)
    return Post(Message(blocks, text), ToActorOnly())


def ensure_pace(turn: Turn, view: AssessmentView) -> tuple[Outcome, AssessmentView]:
    """The default pace, when nobody chose one yet and someone needs the questions: the first
    element is put to the team (the outcome), and the round as it will be (the view)."""
    if view.pacing is not None:
        return Outcome(), view
    stored = pace_of(view, turn).stored(DEFAULT_PACE)
    said = tell(
        turn, "ok.pace_default", next=typed_here(turn, "næste"), all=typed_here(turn, "tempo alle")
    )
    outcome = Outcome(ops=(fx.SetPacing(view.id, stored, 1),), out=(refresh("elements", view.id),))
    return outcome + said, replace(view, pacing=stored, current_element=1)


def scope_reminder(turn: Turn, view: AssessmentView) -> Outcome:
    """The method's first advice, until it is followed: delimit the practice."""
    if view.delimitation or not view.is_open:
        return Outcome()
    text = t(turn.lang, "pace.scope_missing", scope=typed_here(turn, "afgrænsning …"))
    button = Button(t(turn.lang, "intro.scope_button"), actions.encode("scope", view.id))
    return Outcome(out=(private(turn.lang, text, button),))


def pace_offer(turn: Turn, view: AssessmentView, elements: int) -> Outcome:
    """The pace as it is, with the choice offered again (on `status` and `tempo`)."""
    if not view.is_open:
        return Outcome()
    lang, aid = turn.lang, view.id
    pace = pace_of(view, turn).pace
    posted = view.current_element or 0
    one = Button(t(lang, "intro.pace_one"), actions.encode("pace", aid, ONE))
    every = Button(t(lang, "intro.pace_all"), actions.encode("pace", aid, ALL))
    guide = Button(t(lang, "pace.guided_button"), actions.encode("guide", aid))
    next_, all_ = typed_here(turn, "næste"), typed_here(turn, "tempo alle")
    if pace is None:
        post = private(lang, t(lang, "pace.none", all=all_), one, every)
    elif pace == ONE and posted < elements:
        text = t(lang, "pace.one", posted=posted, total=elements, next=next_, all=all_)
        post = private(lang, text, every, guide)
    else:
        post = private(lang, t(lang, "pace.all", guided=typed_here(turn, "næste spørgsmål")), guide)
    return Outcome(out=(post,)) + scope_reminder(turn, view)


class Answering(AssessmentBase):
    # ---- the pace ----
    @verb("pace")
    def pace_click(self, turn: Turn, a: Action, _values: Values) -> Outcome:
        view = self.open_round(turn, a.int_arg(0))
        pace = a.arg(1)
        if pace not in PACES:
            raise actions.BadAction(pace)
        # (no words: the elements appearing are the answer to the button)
        return self.set_pace(turn, view, pace, typed=False)

    @command("tempo", "pace")
    def tempo(self, turn: Turn, rest: str) -> Outcome:
        view = self.open_round(turn)
        if not rest:
            return pace_offer(turn, view, len(self.catalogue.elements))
        pace = parse_pace(rest)
        if pace is None:
            one, all_ = typed_here(turn, "tempo ét"), typed_here(turn, "tempo alle")
            raise Refusal("err.bad_pace", one=one, all=all_)
        return self.set_pace(turn, view, pace, typed=True)

    def set_pace(self, turn: Turn, view: AssessmentView, pace: str, *, typed: bool) -> Outcome:
        current = pace_of(view, turn)
        if current.pace == pace:
            return tell(turn, f"ok.pace_same_{pace}", next=typed_here(turn, "næste"))
        if current.pace is not None and not turn.is_facilitator:
            raise Refusal("err.pace_facilitator", guided=typed_here(turn, "næste spørgsmål"))
        total, posted = len(self.catalogue.elements), view.current_element or 0
        if pace == ALL:
            out: tuple[Outbound, ...] = (refresh("elements", view.id, str(posted + 1)),)
            if posted:  # the card that offered "next element" no longer does
                out = (refresh("element_root", view.id, str(posted)), *out)
            said = tell(turn, "ok.pace_all", guided=typed_here(turn, "næste spørgsmål"))
            ops = (fx.SetPacing(view.id, current.stored(ALL), total),)
        else:
            out = () if posted else (refresh("elements", view.id),)
            key = "ok.pace_one" if posted < total else "ok.pace_one_all_posted"
            guided = typed_here(turn, "næste spørgsmål")
            said = tell(turn, key, next=typed_here(turn, "næste"), guided=guided)
            ops = (fx.SetPacing(view.id, current.stored(ONE), max(posted, 1)),)
        if not typed:
            return Outcome(ops=ops, out=out)
        return Outcome(ops=ops, out=out) + said + scope_reminder(turn, view)

    # ---- the next element, or the person's next question ----
    @command("næste", "naeste", "next")
    def next(self, turn: Turn, rest: str) -> Outcome:
        if rest.casefold() in QUESTION_WORDS:
            return self.guided_start(turn, self.open_round(turn))
        return self.next_element(turn, self.open_round(turn))

    @verb("next-el")
    def next_click(self, turn: Turn, a: Action, _values: Values) -> Outcome:
        return self.next_element(turn, self.open_round(turn, a.int_arg(0)))

    def next_element(self, turn: Turn, view: AssessmentView) -> Outcome:
        if view.pacing is None:  # nobody chose: the default brings the first element
            return ensure_pace(turn, view)[0]
        if not turn.is_facilitator:
            raise Refusal("err.next_facilitator", guided=typed_here(turn, "næste spørgsmål"))
        current, total = view.current_element or 0, len(self.catalogue.elements)
        if current >= total:
            raise Refusal("err.no_more_elements", guided=typed_here(turn, "næste spørgsmål"))
        said = tell(
            turn,
            "ok.next_posted",
            number=current + 1,
            total=total,
            all=typed_here(turn, "tempo alle"),
        )
        return (
            Outcome(
                ops=(fx.SetPacing(view.id, view.pacing, current + 1),),
                out=(
                    refresh("element_root", view.id, str(current)),
                    refresh("element", view.id, str(current + 1)),
                ),
            )
            + said
        )

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

    def guided_question(self, turn: Turn, view: AssessmentView) -> Question | None:
        """The question the person was last given by `næste spørgsmål`, if they are at it."""
        data = turn.state_data
        if turn.state_kind != GUIDED_STATE or data.get("aid") != view.id:
            return None
        qid = data.get("q")
        if not isinstance(qid, str) or not self.catalogue.has_question(qid):
            return None
        return self.catalogue.question(qid)

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
            if not _applies(q, view, me, given):
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
        if q.condition is not None and not _applies(q, view, me, given):
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
            and _applies(q, view, me, given)
            and own_answer(view, q.id, me) is None
        ]
        if not missing:
            return Outcome()
        return tell(turn, "ok.answers_missing", ids=", ".join(missing))

    # ---- one question at a time: `næste spørgsmål` ----
    @verb("guide")
    def guide_click(self, turn: Turn, a: Action, _values: Values) -> Outcome:
        return self.guided_start(turn, self.open_round(turn, a.int_arg(0)))

    def guided_start(self, turn: Turn, view: AssessmentView) -> Outcome:
        """The person's next unanswered question, privately; each answer brings the next.
        Asked again, it skips the question they were given (it comes back at the end)."""
        started, view = ensure_pace(turn, view)
        current = self.guided_question(turn, view)
        after = current.id if current is not None else None
        return started + self.guided_next(turn, view, after, {})

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


def _applies(q: Question, view: AssessmentView, member: str, given: dict[str, str]) -> bool:
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
        if _applies(q, view, member, given)
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
