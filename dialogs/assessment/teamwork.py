"""The team's part: disagreements, the facilitator's team answer with its justification, and
the notes per element and for the whole practice (Samlet vurdering, Udviklingspotentiale).

The notes are the team's shared judgement, written together and recorded by a facilitator (as
the team answer is); a member who tries is told who records them and how to contribute. A notes
form carries the version of the notes it was opened with: a save over notes that changed
meanwhile — another facilitator's save — is refused, with the notes as they are now shown above
the person's draft (SECURITY.md, Decisions)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace

from dialogs import actions
from dialogs.actions import Action
from dialogs.assessment import forms
from dialogs.assessment import ops as fx
from dialogs.assessment.base import AssessmentBase, refresh
from dialogs.assessment.commands import parse_answer, split_comment
from dialogs.assessment.model import AssessmentView
from dialogs.assessment.ops import notes_version
from dialogs.assessment.team import disagreements as disagreement_ids
from dialogs.assessment.views import answer_label, disagreement_message
from dialogs.effects import OpenForm, Outcome, Post
from dialogs.feature import Values, command, verb
from dialogs.messages import Form, ToActorOnly
from dialogs.replies import Refusal, announce, plain, reject, tell
from dialogs.text_input import check_text
from dialogs.turn import Turn
from scoring.catalogue import Question


class TeamWork(AssessmentBase):
    @command("uenighed", "uenigheder", "disagreements")
    def disagreements(self, turn: Turn, _rest: str) -> Outcome:
        """Who answered what where the team disagrees. A facilitator's list has a button per
        question and a key of its own (carried by the buttons), so that recording a team
        answer from it draws it again without that question's button."""
        view = self.any_round(turn)
        if turn.is_facilitator and view.is_open and disagreement_ids(view, self.catalogue):
            return Outcome(out=(refresh("disagreements", view.id, list_id(turn)),))
        msg = disagreement_message(
            turn.lang, view, self.catalogue, turn.is_facilitator, turn.surface
        )
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
        form = _from_list(forms.decision_form(turn.lang, view.id, q), _list_of(a))
        return Outcome(out=(OpenForm(form),))

    @verb("f-dec")
    def decision_submit(self, turn: Turn, a: Action, values: Values) -> Outcome:
        view = self.open_round(turn, a.int_arg(0))
        self.facilitator_only(turn)
        q = self.question(a.arg(1))
        listed = _list_of(a)
        form = _from_list(forms.decision_form(turn.lang, view.id, q, dict(values)), listed)
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
        saved = self.save_decision(turn, view, q, value, why)
        if listed is None:
            return saved
        return saved + Outcome(out=(refresh("disagreements", view.id, listed),))

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
        self.notes_writer_only(turn, number)
        if not 1 <= number <= len(self.catalogue.elements):
            raise Refusal("err.bad_element")
        return self.notes_form(turn, view, number)

    @verb("notes")
    def notes_click(self, turn: Turn, a: Action, _values: Values) -> Outcome:
        view = self.open_round(turn, a.int_arg(0))
        number = self.element_number(a.int_arg(1))
        self.notes_writer_only(turn, number)
        return self.notes_form(turn, view, number)

    def notes_form(self, turn: Turn, view: AssessmentView, number: int) -> Outcome:
        name = self.catalogue.element(number).name[turn.lang]
        current = view.notes.get(number, (None, None))
        form = forms.notes_form(turn.lang, view.id, number, name, current, notes_version(*current))
        return Outcome(out=(OpenForm(form),))

    @verb("f-notes")
    def notes_submit(self, turn: Turn, a: Action, values: Values) -> Outcome:
        view = self.open_round(turn, a.int_arg(0))
        number = self.element_number(a.int_arg(1))
        self.notes_writer_only(turn, number)
        name = self.catalogue.element(number).name[turn.lang]
        started = _started(a, 2)
        draft = values.get("overall", ""), values.get("potential", "")
        errors = _note_errors(turn.lang, {"overall": draft[0], "potential": draft[1]})
        if errors:
            form = forms.notes_form(turn.lang, view.id, number, name, draft, started)
            return reject(form, errors)
        now = view.notes.get(number, (None, None))
        if notes_version(*now) != started:  # saved by someone else while this one wrote
            form = forms.notes_form(
                turn.lang, view.id, number, name, draft, notes_version(*now), now
            )
            return reject(form, {})
        op = fx.SetElementNotes(
            view.id, number, draft[0].strip() or None, draft[1].strip() or None, started
        )
        return Outcome(ops=(op,)) + announce(turn, "ok.notes", who=turn.actor.name, name=name)

    @command("samlet", "overall")
    def overall(self, turn: Turn, _rest: str) -> Outcome:
        view = self.open_round(turn)
        self.notes_writer_only(turn, 1)
        current = (view.overall_assessment, view.overall_potentials)
        form = forms.overall_form(turn.lang, view.id, current, notes_version(*current))
        return Outcome(out=(OpenForm(form),))

    @verb("f-overall")
    def overall_submit(self, turn: Turn, a: Action, values: Values) -> Outcome:
        view = self.open_round(turn, a.int_arg(0))
        self.notes_writer_only(turn, 1)
        started = _started(a, 1)
        draft = values.get("overall", ""), values.get("potentials", "")
        errors = _note_errors(turn.lang, {"overall": draft[0], "potentials": draft[1]})
        if errors:
            return reject(forms.overall_form(turn.lang, view.id, draft, started), errors)
        now = (view.overall_assessment, view.overall_potentials)
        if notes_version(*now) != started:  # saved by someone else while this one wrote
            return reject(
                forms.overall_form(turn.lang, view.id, draft, notes_version(*now), now), {}
            )
        op = fx.SetOverallNotes(
            view.id, draft[0].strip() or None, draft[1].strip() or None, started
        )
        return Outcome(ops=(op,)) + announce(turn, "ok.overall", who=turn.actor.name)

    def notes_writer_only(self, turn: Turn, number: int) -> None:
        """The team writes the notes together; a facilitator records them. A member is told
        who does, and how to add to them."""
        if turn.is_facilitator:
            return
        elements = self.catalogue.elements
        element = elements[number - 1] if 1 <= number <= len(elements) else elements[0]
        word = "kommentar" if turn.lang == "da" else "comment"
        example = turn.command(f"{word} {element.questions[0].id} …")
        names = [m.name for m in turn.members if m.role == "facilitator"]
        if not names:
            raise Refusal("err.notes_no_facilitator", example=example)
        raise Refusal("err.notes_by_facilitator", facilitators=", ".join(names), example=example)


def list_id(turn: Turn) -> str:
    """A new disagreement list's identity: the moment it was asked for, to the millisecond
    (base 36), and who asked — the key it is posted under (render.py) and updated by."""
    stamp = int(turn.now.timestamp() * 1000)
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while stamp:
        stamp, rest = divmod(stamp, 36)
        out = digits[rest] + out
    who = hashlib.sha256(turn.actor.external_id.encode("utf-8", "surrogatepass")).hexdigest()
    return f"{out or '0'}{who[:6]}"


def _list_of(a: Action) -> str | None:
    """The disagreement list a button or form came from (a claim: only a key under the
    request's own channel is ever updated with it); None for a typed `teamsvar`."""
    if len(a.args) < 3 or not re.fullmatch(r"[0-9a-z]{7,20}", a.args[2]):
        return None
    return a.args[2]


def _from_list(form: Form, listed: str | None) -> Form:
    """The decision form, carrying the list it was opened from (see `_list_of`)."""
    if listed is None:
        return form
    action = actions.decode(form.action)
    return replace(form, action=actions.encode(action.verb, *action.args, listed))


def _started(a: Action, index: int) -> str:
    """The version of the notes the form was opened with (a form from before versions were
    carried counts as opened on empty notes; a malformed one matches no notes)."""
    if len(a.args) <= index:
        return notes_version(None, None)
    version = a.args[index]
    return version if re.fullmatch(r"[0-9a-f]{16}", version) else "0"


def _note_errors(lang: str, fields: dict[str, str]) -> dict[str, str]:
    errors = {}
    for name, text in fields.items():
        error = check_text(text, "note", lang, required=False)
        if error:
            errors[name] = error
    if not errors and not any(v.strip() for v in fields.values()):
        errors[next(iter(fields))] = check_text("", "note", lang) or ""
    return errors
