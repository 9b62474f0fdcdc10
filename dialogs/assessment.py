"""The assessment dialog: a pure step from (turn, event) to data operations and messages.

No awaits, no clock reads: the engine loads the `Turn`, applies `Outcome.ops` in one
transaction and performs `Outcome.out` afterwards.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from dialogs import actions, forms
from dialogs import effects as fx
from dialogs.commands import (
    ALIASES,
    EXPORT_FORMATS,
    normalise_multi,
    parse_answer,
    split_command,
    split_comment,
)
from dialogs.effects import Outcome, Post, Refresh
from dialogs.events import Command, Event, Interaction
from dialogs.messages import Form, ToActorOnly, ToChannel
from dialogs.model import AssessmentView, Turn
from dialogs.refresh import Renderer
from dialogs.team import disagreements
from dialogs.text_input import check_text
from dialogs.views import (
    answer_label,
    disagreement_message,
    export_message,
    help_message,
    history_message,
    plain,
)
from scoring.catalogue import Catalogue, Question
from scoring.table import ScoringTable


class Refusal(Exception):
    """A request that changes nothing; carries the message key shown to the actor."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key, self.values = key, values


def tell(turn: Turn, key: str, **values: object) -> Outcome:
    return Outcome(out=(Post(plain(turn.lang, key, **values), ToActorOnly()),))


def announce(turn: Turn, key: str, **values: object) -> Outcome:
    return Outcome(out=(Post(plain(turn.lang, key, **values), ToChannel()),))


class AssessmentDialog:
    name = "assessment"
    reads: frozenset[str] = frozenset()  # the core read model only
    aliases: Mapping[str, str] = ALIASES
    verbs = frozenset(
        {
            "pace",
            "ans",
            "multi",
            "cmt",
            "f-cmt",
            "f-ans",
            "dec",
            "f-dec",
            "notes",
            "f-notes",
            "f-overall",
            "scope",
            "f-scope",
            "close",
        }
    )

    def __init__(self, catalogue: Catalogue, table: ScoringTable) -> None:
        self.catalogue = catalogue
        self.renderer = Renderer(catalogue, table)

    def render(self, refresh: Refresh, turn: Turn) -> list[Post]:
        return self.renderer.render(refresh, turn)

    def step(self, turn: Turn, event: Event) -> Outcome:
        try:
            if isinstance(event, Command):
                return self.command(turn, event.text)
            return self.interaction(turn, event)
        except Refusal as refusal:
            return tell(turn, refusal.key, **refusal.values)

    # ---- shared checks ----
    def open_round(self, turn: Turn, aid: int | None = None) -> AssessmentView:
        view = turn.assessment
        if view is None:
            raise Refusal("err.no_assessment")
        if aid is not None and aid != view.id:
            raise Refusal("err.not_this_round")  # another channel's or an old round's ids
        if not view.is_open:
            raise Refusal("err.closed")
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

    # ---- commands ----
    def command(self, turn: Turn, text: str) -> Outcome:
        name, rest = split_command(text)
        handlers: dict[str, Callable[[Turn, str], Outcome]] = {
            "help": lambda tr, _r: Outcome(out=(Post(help_message(tr.lang), ToActorOnly()),)),
            "start": self.cmd_start,
            "scope": self.cmd_scope,
            "status": self.cmd_status,
            "answer": self.cmd_answer,
            "comment": self.cmd_comment,
            "disagreements": self.cmd_disagreements,
            "team": self.cmd_team,
            "notes": self.cmd_notes,
            "overall": self.cmd_overall,
            "next": self.cmd_next,
            "questions": self.cmd_questions,
            "close": self.cmd_close,
            "result": self.cmd_result,
            "facilitator": self.cmd_facilitator,
            "history": self.cmd_history,
            "export": self.cmd_export,
        }
        if name is None or name not in handlers:
            unknown = (
                tell(turn, "err.unknown_command", text=text.strip()[:60])
                if text.strip()
                else Outcome()
            )
            return unknown + Outcome(out=(Post(help_message(turn.lang), ToActorOnly()),))
        return handlers[name](turn, rest)

    def cmd_start(self, turn: Turn, rest: str) -> Outcome:
        if turn.assessment is not None and turn.assessment.is_open:
            raise Refusal("err.already_open", practice=turn.assessment.practice_name)
        if not rest:
            raise Refusal("err.start_needs_name")
        error = check_text(rest, "practice_name", turn.lang)
        if error:
            return tell(turn, "err.input", error=error)
        ops: tuple[fx.DataOp, ...] = (fx.StartAssessment(rest.strip()),)
        if not turn.has_facilitator:
            ops = (fx.SetRole(turn.actor.external_id, "facilitator"), *ops)
        return Outcome(ops=ops, out=(Refresh("intro"), Refresh("progress")))

    def cmd_scope(self, turn: Turn, rest: str) -> Outcome:
        view = self.open_round(turn)
        if not rest:
            return Outcome(
                out=(fx.OpenForm(forms.delimitation_form(turn.lang, view.id, view.delimitation)),)
            )
        return self.save_scope(turn, view, rest)

    def save_scope(self, turn: Turn, view: AssessmentView, text: str) -> Outcome:
        error = check_text(text, "delimitation", turn.lang)
        if error:
            return tell(turn, "err.input", error=error)
        return Outcome(
            ops=(fx.SetDelimitation(view.id, text.strip()),), out=(Refresh("progress"),)
        ) + tell(turn, "ok.scope")

    def cmd_status(self, turn: Turn, _rest: str) -> Outcome:
        if turn.assessment is None:
            raise Refusal("err.no_assessment")
        return Outcome(out=(Refresh("progress"), Refresh("progress_private")))

    def cmd_answer(self, turn: Turn, rest: str) -> Outcome:
        view = self.open_round(turn)
        qid, _, answer_text = rest.partition(" ")
        q = self.question(qid.rstrip("."))
        value_text, comment = split_comment(answer_text)
        value = parse_answer(q, value_text)
        if value is None:
            raise Refusal("err.bad_answer", question=q.id, choices=self.choice_hint(turn, q))
        return self.record_answer(turn, view, q, value, comment, typed=True)

    def choice_hint(self, turn: Turn, q: Question) -> str:
        if q.type == "multi":
            return "a–f (fx a,c)" if turn.lang == "da" else "a–f (e.g. a,c)"
        return " / ".join(answer_label(turn.lang, q, v) for v in q.choices())

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
            return Outcome(out=(fx.OpenForm(forms.not_relevant_form(turn.lang, view.id, q, None)),))
        op = fx.SetMemberAnswer(view.id, q.id, value, comment, keep_comment=comment is None)
        out: tuple[fx.Outbound, ...] = (Refresh("question", view.id, q.id), Refresh("progress"))
        if q.type == "multi":
            out += (Refresh("conditional", view.id, q.id),)
        done = tell(turn, "ok.answer", question=q.id, answer=answer_label(turn.lang, q, value))
        return Outcome(ops=(op,), out=out) + (done if typed else Outcome())

    def cmd_comment(self, turn: Turn, rest: str) -> Outcome:
        view = self.open_round(turn)
        qid, _, text = rest.partition(" ")
        q = self.question(qid.rstrip("."))
        if not text.strip():
            return Outcome(
                out=(
                    fx.OpenForm(
                        forms.comment_form(turn.lang, view.id, q, self.my_comment(view, turn, q.id))
                    ),
                )
            )
        return self.save_comment(turn, view, q, text)

    def save_comment(self, turn: Turn, view: AssessmentView, q: Question, text: str) -> Outcome:
        error = check_text(text, "comment", turn.lang)
        if error:
            return tell(turn, "err.input", error=error)
        return Outcome(
            ops=(fx.SetMemberComment(view.id, q.id, text.strip()),),
            out=(Refresh("question", view.id, q.id),),
        ) + tell(turn, "ok.comment", question=q.id)

    def cmd_disagreements(self, turn: Turn, _rest: str) -> Outcome:
        if turn.assessment is None:
            raise Refusal("err.no_assessment")
        msg = disagreement_message(turn.lang, turn.assessment, self.catalogue, turn.is_facilitator)
        return Outcome(out=(Post(msg, ToActorOnly()),))

    def cmd_team(self, turn: Turn, rest: str) -> Outcome:
        view = self.open_round(turn)
        self.facilitator_only(turn)
        qid, _, answer_text = rest.partition(" ")
        q = self.question(qid.rstrip("."))
        if not answer_text.strip():
            return Outcome(out=(fx.OpenForm(forms.decision_form(turn.lang, view.id, q)),))
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
                Refresh("question", view.id, q.id),
                Refresh("progress"),
                Refresh("conditional", view.id, q.id),
            ),
        ) + announce(
            turn,
            "ok.decision",
            who=turn.actor.name,
            question=q.id,
            answer=answer_label(turn.lang, q, value),
            why=why.strip(),
        )

    def cmd_notes(self, turn: Turn, rest: str) -> Outcome:
        view = self.open_round(turn)
        try:
            number = int(rest.split()[0]) if rest else 0
        except ValueError:
            number = 0
        if not 1 <= number <= len(self.catalogue.elements):
            raise Refusal("err.bad_element")
        return self.open_notes(turn, view, number)

    def open_notes(self, turn: Turn, view: AssessmentView, number: int) -> Outcome:
        element = self.catalogue.element(number)
        current = view.notes.get(number, (None, None))
        return Outcome(
            out=(
                fx.OpenForm(
                    forms.notes_form(turn.lang, view.id, number, element.name[turn.lang], current)
                ),
            )
        )

    def cmd_overall(self, turn: Turn, _rest: str) -> Outcome:
        view = self.open_round(turn)
        current = (view.overall_assessment, view.overall_potentials)
        return Outcome(out=(fx.OpenForm(forms.overall_form(turn.lang, view.id, current)),))

    def cmd_next(self, turn: Turn, _rest: str) -> Outcome:
        view = self.open_round(turn)
        self.facilitator_only(turn)
        if view.pacing != "one":
            raise Refusal("err.next_not_paced")
        current = view.current_element or 0
        if current >= len(self.catalogue.elements):
            raise Refusal("err.no_more_elements")
        return Outcome(
            ops=(fx.SetPacing(view.id, "one", current + 1),),
            out=(Refresh("element", view.id, str(current + 1)),),
        )

    def cmd_questions(self, turn: Turn, _rest: str) -> Outcome:
        view = self.open_round(turn)
        return Outcome(out=(Refresh("my_questions", view.id),))

    def cmd_close(self, turn: Turn, _rest: str) -> Outcome:
        view = self.open_round(turn)
        self.facilitator_only(turn)
        open_ids = disagreements(view, self.catalogue)
        confirmed = turn.state_kind == "confirm_close" and turn.state_data.get("aid") == view.id
        if open_ids and not confirmed:
            return Outcome(ops=(fx.SetDialogState("confirm_close", {"aid": view.id}),)) + tell(
                turn, "confirm.close", n=len(open_ids), ids=", ".join(open_ids)
            )
        closed = announce(turn, "ok.closed", who=turn.actor.name, practice=view.practice_name)
        return (
            Outcome(ops=(fx.CloseAssessment(view.id), fx.SetDialogState(None)))
            + closed
            + (Outcome(out=(Refresh("progress"), Refresh("summary"))))
        )

    def cmd_result(self, turn: Turn, _rest: str) -> Outcome:
        if turn.assessment is None:
            raise Refusal("err.no_assessment")
        return Outcome(out=(Refresh("summary"),))

    def cmd_history(self, turn: Turn, _rest: str) -> Outcome:
        if turn.assessment is None:
            raise Refusal("err.no_assessment")
        return Outcome(out=(Post(history_message(turn.lang, turn.assessment)),))

    def cmd_export(self, turn: Turn, rest: str) -> Outcome:
        if turn.assessment is None:
            raise Refusal("err.no_assessment")
        formats = EXPORT_FORMATS.get(rest.strip().casefold())
        if formats is None:
            raise Refusal("err.bad_export_format")
        return Outcome(out=(Post(export_message(turn.lang, turn.assessment, formats)),))

    def cmd_facilitator(self, turn: Turn, rest: str) -> Outcome:
        if turn.has_facilitator and not turn.is_facilitator:
            raise Refusal("err.facilitator_only")
        target = turn.member_by_name(rest) if rest else turn.actor
        if target is None:
            raise Refusal("err.unknown_member", name=rest[:60])
        return Outcome(ops=(fx.SetRole(target.external_id, "facilitator"),)) + announce(
            turn, "ok.facilitator", name=target.name
        )

    # ---- clicks and forms ----
    def interaction(self, turn: Turn, event: Interaction) -> Outcome:
        try:
            action = actions.decode(event.action)
        except actions.BadAction:
            raise Refusal("err.bad_action") from None
        handler = getattr(self, "act_" + action.verb.replace("-", "_"), None)
        if handler is None:
            raise Refusal("err.bad_action")
        try:
            result: Outcome = handler(turn, action, event.values)
        except actions.BadAction:
            raise Refusal("err.bad_action") from None
        return result

    def act_pace(self, turn: Turn, a: actions.Action, _v: dict[str, str]) -> Outcome:
        view = self.open_round(turn, a.int_arg(0))
        pacing = a.arg(1)
        if pacing not in ("all", "one"):
            raise actions.BadAction(pacing)
        if view.pacing is not None:
            raise Refusal("err.pacing_chosen")
        first = len(self.catalogue.elements) if pacing == "all" else 1
        return Outcome(
            ops=(fx.SetPacing(view.id, pacing, first),), out=(Refresh("elements", view.id),)
        )

    def act_ans(self, turn: Turn, a: actions.Action, _v: dict[str, str]) -> Outcome:
        view = self.open_round(turn, a.int_arg(0))
        q = self.question(a.arg(1))
        value = a.arg(2)
        if q.type == "multi" or value not in q.choices():
            raise actions.BadAction(value)
        return self.record_answer(turn, view, q, value, None, typed=False)

    def act_multi(self, turn: Turn, a: actions.Action, values: dict[str, str]) -> Outcome:
        view = self.open_round(turn, a.int_arg(0))
        q = self.question(a.arg(1))
        if q.type != "multi":
            raise actions.BadAction(q.id)
        chosen = [k for k in values.get("selected", "").split(",") if k]
        value = normalise_multi(q, chosen)
        if value is None:
            raise Refusal("err.bad_multi", exclusive=", ".join(q.exclusive))
        return self.record_answer(turn, view, q, value, None, typed=False)

    def act_cmt(self, turn: Turn, a: actions.Action, _v: dict[str, str]) -> Outcome:
        view = self.open_round(turn, a.int_arg(0))
        q = self.question(a.arg(1))
        return Outcome(
            out=(
                fx.OpenForm(
                    forms.comment_form(turn.lang, view.id, q, self.my_comment(view, turn, q.id))
                ),
            )
        )

    def act_f_cmt(self, turn: Turn, a: actions.Action, values: dict[str, str]) -> Outcome:
        view = self.open_round(turn, a.int_arg(0))
        q = self.question(a.arg(1))
        text = values.get("comment", "")
        error = check_text(text, "comment", turn.lang)
        if error:
            form = forms.comment_form(turn.lang, view.id, q, text)
            return Outcome(out=(fx.RejectForm(_with_error(form, "comment", error)),))
        return self.save_comment(turn, view, q, text)

    def act_f_ans(self, turn: Turn, a: actions.Action, values: dict[str, str]) -> Outcome:
        view = self.open_round(turn, a.int_arg(0))
        q = self.question(a.arg(1))
        value = a.arg(2)
        if value not in q.choices():
            raise actions.BadAction(value)
        text = values.get("comment", "")
        error = check_text(text, "comment", turn.lang)
        if error:
            form = forms.not_relevant_form(turn.lang, view.id, q, text)
            return Outcome(out=(fx.RejectForm(_with_error(form, "comment", error)),))
        return self.record_answer(turn, view, q, value, text.strip(), typed=False)

    def act_dec(self, turn: Turn, a: actions.Action, _v: dict[str, str]) -> Outcome:
        view = self.open_round(turn, a.int_arg(0))
        self.facilitator_only(turn)
        q = self.question(a.arg(1))
        return Outcome(out=(fx.OpenForm(forms.decision_form(turn.lang, view.id, q)),))

    def act_f_dec(self, turn: Turn, a: actions.Action, values: dict[str, str]) -> Outcome:
        view = self.open_round(turn, a.int_arg(0))
        self.facilitator_only(turn)
        q = self.question(a.arg(1))
        form = forms.decision_form(turn.lang, view.id, q, values)
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
            return Outcome(out=(fx.RejectForm(_with_errors(form, errors)),))
        return self.save_decision(turn, view, q, value, why)

    def act_notes(self, turn: Turn, a: actions.Action, _v: dict[str, str]) -> Outcome:
        view = self.open_round(turn, a.int_arg(0))
        number = a.int_arg(1)
        if not 1 <= number <= len(self.catalogue.elements):
            raise actions.BadAction(str(number))
        return self.open_notes(turn, view, number)

    def act_f_notes(self, turn: Turn, a: actions.Action, values: dict[str, str]) -> Outcome:
        view = self.open_round(turn, a.int_arg(0))
        number = a.int_arg(1)
        if not 1 <= number <= len(self.catalogue.elements):
            raise actions.BadAction(str(number))
        overall, potential = values.get("overall", ""), values.get("potential", "")
        errors = _note_errors(turn.lang, {"overall": overall, "potential": potential})
        if errors:
            form = forms.notes_form(
                turn.lang,
                view.id,
                number,
                self.catalogue.element(number).name[turn.lang],
                (overall, potential),
            )
            return Outcome(out=(fx.RejectForm(_with_errors(form, errors)),))
        name = self.catalogue.element(number).name[turn.lang]
        op = fx.SetElementNotes(view.id, number, overall.strip() or None, potential.strip() or None)
        return Outcome(ops=(op,)) + announce(turn, "ok.notes", who=turn.actor.name, name=name)

    def act_f_overall(self, turn: Turn, a: actions.Action, values: dict[str, str]) -> Outcome:
        view = self.open_round(turn, a.int_arg(0))
        overall, potentials = values.get("overall", ""), values.get("potentials", "")
        errors = _note_errors(turn.lang, {"overall": overall, "potentials": potentials})
        if errors:
            form = forms.overall_form(turn.lang, view.id, (overall, potentials))
            return Outcome(out=(fx.RejectForm(_with_errors(form, errors)),))
        op = fx.SetOverallNotes(view.id, overall.strip() or None, potentials.strip() or None)
        return Outcome(ops=(op,)) + announce(turn, "ok.overall", who=turn.actor.name)

    def act_scope(self, turn: Turn, a: actions.Action, _v: dict[str, str]) -> Outcome:
        view = self.open_round(turn, a.int_arg(0))
        return Outcome(
            out=(fx.OpenForm(forms.delimitation_form(turn.lang, view.id, view.delimitation)),)
        )

    def act_f_scope(self, turn: Turn, a: actions.Action, values: dict[str, str]) -> Outcome:
        view = self.open_round(turn, a.int_arg(0))
        text = values.get("scope", "")
        error = check_text(text, "delimitation", turn.lang)
        if error:
            form = forms.delimitation_form(turn.lang, view.id, text)
            return Outcome(out=(fx.RejectForm(_with_error(form, "scope", error)),))
        return self.save_scope(turn, view, text)

    def act_close(self, turn: Turn, a: actions.Action, _v: dict[str, str]) -> Outcome:
        self.open_round(turn, a.int_arg(0))
        return self.cmd_close(turn, "")


def _note_errors(lang: str, fields: dict[str, str]) -> dict[str, str]:
    errors = {}
    for name, text in fields.items():
        error = check_text(text, "note", lang, required=False)
        if error:
            errors[name] = error
    if not errors and not any(v.strip() for v in fields.values()):
        errors[next(iter(fields))] = check_text("", "note", lang) or ""
    return errors


def _with_error(form: Form, field: str, error: str) -> Form:
    return _with_errors(form, {field: error})


def _with_errors(form: Form, errors: dict[str, str]) -> Form:
    from dataclasses import replace

    return replace(form, errors=dict(errors))
