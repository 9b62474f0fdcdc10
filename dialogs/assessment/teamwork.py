"""The team's part: disagreements, the facilitator's team answer with its justification, and
the notes per element and for the whole practice (Samlet vurdering, Udviklingspotentiale)."""

from __future__ import annotations

from dialogs.actions import Action
from dialogs.assessment import forms
from dialogs.assessment import ops as fx
from dialogs.assessment.base import AssessmentBase, refresh
from dialogs.assessment.commands import parse_answer, split_comment
from dialogs.assessment.model import AssessmentView
from dialogs.assessment.views import answer_label, disagreement_message
from dialogs.effects import OpenForm, Outcome, Post
from dialogs.feature import Values, command, verb
from dialogs.messages import ToActorOnly
from dialogs.replies import Refusal, announce, plain, reject, tell
from dialogs.text_input import check_text
from dialogs.turn import Turn
from scoring.catalogue import Question


class TeamWork(AssessmentBase):
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

    @verb("notes")
    def notes_click(self, turn: Turn, a: Action, _values: Values) -> Outcome:
        view = self.open_round(turn, a.int_arg(0))
        return self.notes_form(turn, view, self.element_number(a.int_arg(1)))

    def notes_form(self, turn: Turn, view: AssessmentView, number: int) -> Outcome:
        name = self.catalogue.element(number).name[turn.lang]
        current = view.notes.get(number, (None, None))
        return Outcome(out=(OpenForm(forms.notes_form(turn.lang, view.id, number, name, current)),))

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

    @command("samlet", "overall")
    def overall(self, turn: Turn, _rest: str) -> Outcome:
        view = self.open_round(turn)
        current = (view.overall_assessment, view.overall_potentials)
        return Outcome(out=(OpenForm(forms.overall_form(turn.lang, view.id, current)),))

    @verb("f-overall")
    def overall_submit(self, turn: Turn, a: Action, values: Values) -> Outcome:
        view = self.open_round(turn, a.int_arg(0))
        overall, potentials = values.get("overall", ""), values.get("potentials", "")
        errors = _note_errors(turn.lang, {"overall": overall, "potentials": potentials})
        if errors:
            return reject(forms.overall_form(turn.lang, view.id, (overall, potentials)), errors)
        op = fx.SetOverallNotes(view.id, overall.strip() or None, potentials.strip() or None)
        return Outcome(ops=(op,)) + announce(turn, "ok.overall", who=turn.actor.name)


def _note_errors(lang: str, fields: dict[str, str]) -> dict[str, str]:
    errors = {}
    for name, text in fields.items():
        error = check_text(text, "note", lang, required=False)
        if error:
            errors[name] = error
    if not errors and not any(v.strip() for v in fields.values()):
        errors[next(iter(fields))] = check_text("", "note", lang) or ""
    return errors
