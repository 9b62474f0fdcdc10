"""The round as a whole: starting it (or accepting the invitation to measure again), its
delimitation, status, closing, results, history, exports, and who facilitates."""

from __future__ import annotations

from dialogs.actions import Action
from dialogs.assessment import forms
from dialogs.assessment import ops as fx
from dialogs.assessment.answering import ensure_pace, pace_offer
from dialogs.assessment.base import AssessmentBase, refresh
from dialogs.assessment.commands import parse_export
from dialogs.assessment.model import AssessmentView, assessment_of
from dialogs.assessment.team import disagreements
from dialogs.assessment.views import export_message, history_message
from dialogs.effects import OpenForm, Outcome, Post, SetDialogState, SetRole
from dialogs.feature import Values, command, verb
from dialogs.reminders import reminder_data
from dialogs.replies import Refusal, announce, reject, show_help, tell
from dialogs.text_input import check_text
from dialogs.turn import Turn


class Round(AssessmentBase):
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
        # The element cards asked for it until now: they stop asking.
        cards = tuple(
            refresh("element_root", view.id, str(n))
            for n in range(1, (view.current_element or 0) + 1)
            if not view.delimitation
        )
        saved = Outcome(
            ops=(fx.SetDelimitation(view.id, text.strip()),), out=(refresh("progress"), *cards)
        ) + tell(turn, "ok.scope")
        # The method's first step is done: the questions follow (the default pace, unless the
        # team chose one).
        return saved + ensure_pace(turn, view)[0]

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

    @command("status")
    def status(self, turn: Turn, _rest: str) -> Outcome:
        view = self.any_round(turn)
        shown = Outcome(out=(refresh("progress"), refresh("progress_private")))
        return shown + pace_offer(turn, view, len(self.catalogue.elements))

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

    @verb("close")
    def close_click(self, turn: Turn, a: Action, _values: Values) -> Outcome:
        self.open_round(turn, a.int_arg(0))
        return self.close(turn, "")

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
        parsed = parse_export(rest)
        if parsed is None:
            raise Refusal("err.bad_export_format")
        formats, all_rounds = parsed
        return Outcome(out=(Post(export_message(turn.lang, view, formats, all_rounds)),))

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

    # ---- the invitation to measure again (dialogs/assessment/reminders.py) ----
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
