"""The assessment dialog: a pure step from (turn, event) to data operations and messages.

No awaits, no clock reads: the engine loads the `Turn`, applies `Outcome.ops` in one
transaction and performs `Outcome.out` afterwards.
"""

from __future__ import annotations

from functools import partial

from dialogs import actions
from dialogs.actions import Action
from dialogs.assessment import forms
from dialogs.assessment import ops as fx
from dialogs.assessment.commands import (
    EXPORT_FORMATS,
    normalise_multi,
    parse_answer,
    split_comment,
)
from dialogs.assessment.model import OWNER, AssessmentView, assessment_of
from dialogs.assessment.render import Renderer
from dialogs.assessment.team import disagreements
from dialogs.assessment.views import (
    answer_label,
    disagreement_message,
    export_message,
    history_message,
)
from dialogs.effects import OpenForm, Outbound, Outcome, Post, Refresh, SetDialogState, SetRole
from dialogs.feature import FeatureDialog, Values, command, verb
from dialogs.messages import ToActorOnly
from dialogs.reminders import reminder_data
from dialogs.replies import Refusal, announce, plain, reject, show_help, tell
from dialogs.text_input import check_text
from dialogs.turn import Turn
from scoring.catalogue import Catalogue, Question
from scoring.table import ScoringTable

refresh = partial(Refresh, owner=OWNER)


class AssessmentDialog(FeatureDialog):
    name = OWNER
    reads = frozenset({OWNER})

    def __init__(self, catalogue: Catalogue, table: ScoringTable) -> None:
        self.catalogue = catalogue
        self.renderer = Renderer(catalogue, table)

    def render(self, refresh: Refresh, turn: Turn) -> list[Post]:
        return self.renderer.render(refresh, turn)

    def unknown_command(self, turn: Turn, line: str) -> Outcome:
        # Every word no feature knows comes here: say so, then show what the bot does know.
        said = tell(turn, "err.unknown_command", text=line[:60]) if line else Outcome()
        return said + show_help(turn)

    # ---- shared checks ----
    def open_round(self, turn: Turn, aid: int | None = None) -> AssessmentView:
        view = assessment_of(turn)
        if view is None:
            raise Refusal("err.no_assessment")
        if aid is not None and aid != view.id:
            raise Refusal("err.not_this_round")  # another channel's or an old round's ids
        if not view.is_open:
            raise Refusal("err.closed")
        return view

    def any_round(self, turn: Turn) -> AssessmentView:
        view = assessment_of(turn)
        if view is None:
            raise Refusal("err.no_assessment")
        return view

    def facilitator_only(self, turn: Turn) -> None:
        if not turn.is_facilitator:
            raise Refusal("err.facilitator_only")

    def question(self, qid: str) -> Question:
        if not self.catalogue.has_question(qid):
            raise Refusal("err.unknown_question", question=qid)
        return self.catalogue.question(qid)

    def my_comment(self, view: AssessmentView, turn: Turn, qid: str) -> str | None:
        return next(
            (
                a.comment
                for a in view.answers.get(qid, ())
                if a.member_external_id == turn.actor.external_id
            ),
            None,
        )

    def element_number(self, number: int) -> int:
        if not 1 <= number <= len(self.catalogue.elements):
            raise actions.BadAction(str(number))
        return number

    def choice_hint(self, turn: Turn, q: Question) -> str:
        if q.type == "multi":
            return "a–f (fx a,c)" if turn.lang == "da" else "a–f (e.g. a,c)"
        return " / ".join(answer_label(turn.lang, q, v) for v in q.choices())

    # ---- commands ----
    @command("hjælp", "hjaelp", "help", "?")
    def help(self, turn: Turn, _rest: str) -> Outcome:
        return show_help(turn)

    @command("start", "mål", "måling", "assess")
    def start(self, turn: Turn, rest: str) -> Outcome:
        current = assessment_of(turn)
        if current is not None and current.is_open:
            raise Refusal("err.already_open", practice=current.practice_name)
        if not rest:
            raise Refusal("err.start_needs_name")
        return self.start_round(turn, rest)

    def start_round(self, turn: Turn, practice: str) -> Outcome:
        error = check_text(practice, "practice_name", turn.lang)
        if error:
            return tell(turn, "err.input", error=error)
        ops: tuple[object, ...] = (fx.StartAssessment(practice.strip()),)
        if not turn.has_facilitator:
            ops = (SetRole(turn.actor.external_id, "facilitator"), *ops)
        return Outcome(ops=ops, out=(refresh("intro"), refresh("progress")))

    @command("afgrænsning", "afgraensning", "scope")
    def scope(self, turn: Turn, rest: str) -> Outcome:
        view = self.open_round(turn)
        if not rest:
            return self.scope_form(turn, view)
        return self.save_scope(turn, view, rest)

    def scope_form(self, turn: Turn, view: AssessmentView) -> Outcome:
        form = forms.delimitation_form(turn.lang, view.id, view.delimitation)
        return Outcome(out=(OpenForm(form),))

    def save_scope(self, turn: Turn, view: AssessmentView, text: str) -> Outcome:
        error = check_text(text, "delimitation", turn.lang)
        if error:
            return tell(turn, "err.input", error=error)
        return Outcome(
            ops=(fx.SetDelimitation(view.id, text.strip()),), out=(refresh("progress"),)
        ) + tell(turn, "ok.scope")

    @command("status")
    def status(self, turn: Turn, _rest: str) -> Outcome:
        self.any_round(turn)
        return Outcome(out=(refresh("progress"), refresh("progress_private")))

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

    def comment_form(self, turn: Turn, view: AssessmentView, q: Question) -> Outcome:
        current = self.my_comment(view, turn, q.id)
        return Outcome(out=(OpenForm(forms.comment_form(turn.lang, view.id, q, current)),))

    def save_comment(self, turn: Turn, view: AssessmentView, q: Question, text: str) -> Outcome:
        error = check_text(text, "comment", turn.lang)
        if error:
            return tell(turn, "err.input", error=error)
        return Outcome(
            ops=(fx.SetMemberComment(view.id, q.id, text.strip()),),
            out=(refresh("question", view.id, q.id),),
        ) + tell(turn, "ok.comment", question=q.id)

    @command("uenighed", "uenigheder", "disagreements")
    def disagreements(self, turn: Turn, _rest: str) -> Outcome:
        view = self.any_round(turn)
        msg = disagreement_message(turn.lang, view, self.catalogue, turn.is_facilitator)
        return Outcome(out=(Post(msg, ToActorOnly()),))

    @command("teamsvar", "team")
    def team(self, turn: Turn, rest: str) -> Outcome:
        view = self.open_round(turn)
        self.facilitator_only(turn)
        qid, _, answer_text = rest.partition(" ")
        q = self.question(qid.rstrip("."))
        if not answer_text.strip():
            return Outcome(out=(OpenForm(forms.decision_form(turn.lang, view.id, q)),))
        value_text, why = split_comment(answer_text)
        value = parse_answer(q, value_text)
        if value is None:
            raise Refusal("err.bad_answer", question=q.id, choices=self.choice_hint(turn, q))
        return self.save_decision(turn, view, q, value, why or "")

    def save_decision(
        self, turn: Turn, view: AssessmentView, q: Question, value: str, why: str
    ) -> Outcome:
        error = check_text(why, "justification", turn.lang)
        if error:
            return tell(turn, "err.justification", error=error)
        return Outcome(
            ops=(fx.SetTeamDecision(view.id, q.id, value, why.strip()),),
            out=(
                refresh("question", view.id, q.id),
                refresh("progress"),
                refresh("conditional", view.id, q.id),
            ),
        ) + announce(
            turn,
            "ok.decision",
            who=turn.actor.name,
            question=q.id,
            answer=answer_label(turn.lang, q, value),
            why=why.strip(),
        )

    @command("vurdering", "notes")
    def notes(self, turn: Turn, rest: str) -> Outcome:
        view = self.open_round(turn)
        try:
            number = int(rest.split()[0]) if rest else 0
        except ValueError:
            number = 0
        if not 1 <= number <= len(self.catalogue.elements):
            raise Refusal("err.bad_element")
        return self.notes_form(turn, view, number)

    def notes_form(self, turn: Turn, view: AssessmentView, number: int) -> Outcome:
        name = self.catalogue.element(number).name[turn.lang]
        current = view.notes.get(number, (None, None))
        return Outcome(out=(OpenForm(forms.notes_form(turn.lang, view.id, number, name, current)),))

    @command("samlet", "overall")
    def overall(self, turn: Turn, _rest: str) -> Outcome:
        view = self.open_round(turn)
        current = (view.overall_assessment, view.overall_potentials)
        return Outcome(out=(OpenForm(forms.overall_form(turn.lang, view.id, current)),))

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

    @command("spørgsmål", "spoergsmaal", "questions")
    def questions(self, turn: Turn, _rest: str) -> Outcome:
        view = self.open_round(turn)
        return Outcome(out=(refresh("my_questions", view.id),))

    @command("luk", "close")
    def close(self, turn: Turn, _rest: str) -> Outcome:
        view = self.open_round(turn)
        self.facilitator_only(turn)
        open_ids = disagreements(view, self.catalogue)
        confirmed = turn.state_kind == "confirm_close" and turn.state_data.get("aid") == view.id
        if open_ids and not confirmed:
            return Outcome(ops=(SetDialogState("confirm_close", {"aid": view.id}),)) + tell(
                turn, "confirm.close", n=len(open_ids), ids=", ".join(open_ids)
            )
        closed = announce(turn, "ok.closed", who=turn.actor.name, practice=view.practice_name)
        return (
            Outcome(ops=(fx.CloseAssessment(view.id), SetDialogState(None)))
            + closed
            + Outcome(out=(refresh("progress"), refresh("summary")))
        )

    @command("resultat", "result", "results")
    def result(self, turn: Turn, _rest: str) -> Outcome:
        self.any_round(turn)
        return Outcome(out=(refresh("summary"),))

    @command("historik", "history")
    def history(self, turn: Turn, _rest: str) -> Outcome:
        view = self.any_round(turn)
        return Outcome(out=(Post(history_message(turn.lang, view)),))

    @command("eksport", "eksporter", "export")
    def export(self, turn: Turn, rest: str) -> Outcome:
        view = self.any_round(turn)
        formats = EXPORT_FORMATS.get(rest.strip().casefold())
        if formats is None:
            raise Refusal("err.bad_export_format")
        return Outcome(out=(Post(export_message(turn.lang, view, formats)),))

    @command("mødeleder", "moedeleder", "facilitator")
    def facilitator(self, turn: Turn, rest: str) -> Outcome:
        if turn.has_facilitator and not turn.is_facilitator:
            raise Refusal("err.facilitator_only")
        target = turn.member_by_name(rest) if rest else turn.actor
        if target is None:
            raise Refusal("err.unknown_member", name=rest[:60])
        return Outcome(ops=(SetRole(target.external_id, "facilitator"),)) + announce(
            turn, "ok.facilitator", name=target.name
        )

    # ---- clicks and forms ----
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

    @verb("cmt")
    def comment_click(self, turn: Turn, a: Action, _values: Values) -> Outcome:
        view = self.open_round(turn, a.int_arg(0))
        return self.comment_form(turn, view, self.question(a.arg(1)))

    @verb("f-cmt")
    def comment_submit(self, turn: Turn, a: Action, values: Values) -> Outcome:
        view = self.open_round(turn, a.int_arg(0))
        q = self.question(a.arg(1))
        text = values.get("comment", "")
        error = check_text(text, "comment", turn.lang)
        if error:
            return reject(forms.comment_form(turn.lang, view.id, q, text), {"comment": error})
        return self.save_comment(turn, view, q, text)

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

    @verb("dec")
    def decision_click(self, turn: Turn, a: Action, _values: Values) -> Outcome:
        view = self.open_round(turn, a.int_arg(0))
        self.facilitator_only(turn)
        q = self.question(a.arg(1))
        return Outcome(out=(OpenForm(forms.decision_form(turn.lang, view.id, q)),))

    @verb("f-dec")
    def decision_submit(self, turn: Turn, a: Action, values: Values) -> Outcome:
        view = self.open_round(turn, a.int_arg(0))
        self.facilitator_only(turn)
        q = self.question(a.arg(1))
        form = forms.decision_form(turn.lang, view.id, q, dict(values))
        value = parse_answer(q, values.get("value", ""))
        why = values.get("justification", "")
        errors = {}
        if value is None:
            errors["value"] = plain(
                turn.lang, "err.bad_answer", question=q.id, choices=self.choice_hint(turn, q)
            ).fallback
        error = check_text(why, "justification", turn.lang)
        if error:
            errors["justification"] = error
        if errors or value is None:
            return reject(form, errors)
        return self.save_decision(turn, view, q, value, why)

    @verb("notes")
    def notes_click(self, turn: Turn, a: Action, _values: Values) -> Outcome:
        view = self.open_round(turn, a.int_arg(0))
        return self.notes_form(turn, view, self.element_number(a.int_arg(1)))

    @verb("f-notes")
    def notes_submit(self, turn: Turn, a: Action, values: Values) -> Outcome:
        view = self.open_round(turn, a.int_arg(0))
        number = self.element_number(a.int_arg(1))
        name = self.catalogue.element(number).name[turn.lang]
        overall, potential = values.get("overall", ""), values.get("potential", "")
        errors = _note_errors(turn.lang, {"overall": overall, "potential": potential})
        if errors:
            form = forms.notes_form(turn.lang, view.id, number, name, (overall, potential))
            return reject(form, errors)
        op = fx.SetElementNotes(view.id, number, overall.strip() or None, potential.strip() or None)
        return Outcome(ops=(op,)) + announce(turn, "ok.notes", who=turn.actor.name, name=name)

    @verb("f-overall")
    def overall_submit(self, turn: Turn, a: Action, values: Values) -> Outcome:
        view = self.open_round(turn, a.int_arg(0))
        overall, potentials = values.get("overall", ""), values.get("potentials", "")
        errors = _note_errors(turn.lang, {"overall": overall, "potentials": potentials})
        if errors:
            return reject(forms.overall_form(turn.lang, view.id, (overall, potentials)), errors)
        op = fx.SetOverallNotes(view.id, overall.strip() or None, potentials.strip() or None)
        return Outcome(ops=(op,)) + announce(turn, "ok.overall", who=turn.actor.name)

    @verb("scope")
    def scope_click(self, turn: Turn, a: Action, _values: Values) -> Outcome:
        return self.scope_form(turn, self.open_round(turn, a.int_arg(0)))

    @verb("f-scope")
    def scope_submit(self, turn: Turn, a: Action, values: Values) -> Outcome:
        view = self.open_round(turn, a.int_arg(0))
        text = values.get("scope", "")
        error = check_text(text, "delimitation", turn.lang)
        if error:
            return reject(forms.delimitation_form(turn.lang, view.id, text), {"scope": error})
        return self.save_scope(turn, view, text)

    @verb("close")
    def close_click(self, turn: Turn, a: Action, _values: Values) -> Outcome:
        self.open_round(turn, a.int_arg(0))
        return self.close(turn, "")

    # ---- the buttons of the reminders (dialogs/assessment/reminders.py) ----
    @verb("r-qs")
    def my_questions_click(self, turn: Turn, a: Action, _values: Values) -> Outcome:
        view = assessment_of(turn)
        if view is None or view.id != a.int_arg(0):
            raise Refusal("err.not_this_round")
        if not view.is_open:
            raise Refusal("err.closed")
        return Outcome(out=(refresh("my_questions", view.id),))

    @verb("r-again", reads=("reminders",))
    def again_click(self, turn: Turn, a: Action, _values: Values) -> Outcome:
        """Accept the invitation to measure again: a new round of the same practice (it shows
        last round's team answer and comment beside each question)."""
        aid = a.int_arg(0)
        ref = next((r for r in reminder_data(turn).rounds if r.id == aid), None)
        if ref is None:
            raise Refusal("err.not_this_round")
        current = assessment_of(turn)
        if current is not None and current.is_open:
            raise Refusal("err.already_open", practice=current.practice_name)
        return self.start_round(turn, ref.practice)


def _note_errors(lang: str, fields: dict[str, str]) -> dict[str, str]:
    errors = {}
    for name, text in fields.items():
        error = check_text(text, "note", lang, required=False)
        if error:
            errors[name] = error
    if not errors and not any(v.strip() for v in fields.values()):
        errors[next(iter(fields))] = check_text("", "note", lang) or ""
    return errors
