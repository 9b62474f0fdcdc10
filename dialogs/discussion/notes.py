"""Step 1: each person's own notes — strengths, development potentials, surprises — by form or
typed; and potentials tied to an element from step 3."""

from __future__ import annotations

from dialogs.actions import Action, BadAction
from dialogs.discussion.base import DISCUSSION, DiscussionBase
from dialogs.discussion.forms import (
    FIELD_OF,
    ITEMS_PER_KIND,
    check_item,
    notes_form,
    parse_items,
    potential_form,
)
from dialogs.discussion.model import (
    KINDS,
    LOWEST,
    NOTES,
    POTENTIAL,
    ROUND,
    STRENGTH,
    SURPRISE,
    DiscussionView,
)
from dialogs.discussion.ops import (
    AddNote,
    SetNotes,
)
from dialogs.discussion.steps import outcome, refresh
from dialogs.effects import OpenForm, Outcome
from dialogs.feature import Values, command, verb
from dialogs.i18n import t
from dialogs.replies import Refusal, reject, tell
from dialogs.turn import Turn


class Notes(DiscussionBase):
    @command("noter", "mine", "notes", under=DISCUSSION)
    def cmd_notes(self, turn: Turn, _rest: str) -> Outcome:
        return self.open_notes(turn, None)

    @verb("dc-notes")
    def act_notes(self, turn: Turn, a: Action, _values: Values) -> Outcome:
        return self.open_notes(turn, a.int_arg(0))

    def open_notes(self, turn: Turn, did: int | None) -> Outcome:
        self.member_only(turn)
        d = self.at_step(turn, did, NOTES, ROUND, LOWEST)
        mine = d.mine(turn.actor.external_id)
        values = {
            FIELD_OF[kind]: "\n".join(n.text for n in mine if n.kind == kind) for kind in KINDS
        }
        return Outcome(out=(OpenForm(notes_form(turn.lang, d.id, values)),))

    @verb("dcf-notes")
    def act_submit_notes(self, turn: Turn, a: Action, values: Values) -> Outcome:
        self.member_only(turn)
        d = self.at_step(turn, a.int_arg(0), NOTES, ROUND, LOWEST)
        parsed: dict[str, tuple[str, ...]] = {}
        errors: dict[str, str] = {}
        for kind in KINDS:
            items, error = parse_items(values.get(FIELD_OF[kind], ""), turn.lang)
            if error:
                errors[FIELD_OF[kind]] = error
            parsed[kind] = items
        if not errors and not any(parsed.values()):
            errors[FIELD_OF[STRENGTH]] = t(turn.lang, "dc.err.notes_empty")
        if errors:
            return reject(notes_form(turn.lang, d.id, values), errors)
        op = SetNotes(d.id, parsed[STRENGTH], parsed[POTENTIAL], parsed[SURPRISE])
        key = "dc.ok.notes_private" if d.step == NOTES else "dc.ok.notes_shared"
        return outcome([op], [refresh("notes", d.id)]) + tell(turn, key)

    @command("styrke", "strength", under=DISCUSSION)
    def cmd_strength(self, turn: Turn, rest: str) -> Outcome:
        return self.typed_note(turn, STRENGTH, rest)

    @command("potentiale", "udviklingspotentiale", "potential", under=DISCUSSION)
    def cmd_potential(self, turn: Turn, rest: str) -> Outcome:
        if not rest.strip():
            return self.open_potential(turn, None, 0)
        return self.typed_note(turn, POTENTIAL, rest)

    @command("overraskelse", "surprise", under=DISCUSSION)
    def cmd_surprise(self, turn: Turn, rest: str) -> Outcome:
        return self.typed_note(turn, SURPRISE, rest)

    def typed_note(self, turn: Turn, kind: str, text: str) -> Outcome:
        """One note from a typed line (`drøftelse styrke Vi har klare mål`)."""
        self.member_only(turn)
        d = self.at_step(turn, None, NOTES, ROUND, LOWEST)
        if not text.strip():
            raise Refusal(f"dc.err.needs_text.{kind}")
        error = check_item(text, turn.lang)
        if error:
            raise Refusal("err.input", error=error)
        return self.add_note(turn, d, kind, text, None)

    def add_note(
        self, turn: Turn, d: DiscussionView, kind: str, text: str, element: int | None
    ) -> Outcome:
        count = sum(1 for n in d.mine(turn.actor.external_id) if n.kind == kind)
        if count >= ITEMS_PER_KIND:
            raise Refusal("dc.err.too_many_items", limit=ITEMS_PER_KIND, n=count + 1)
        key = "dc.ok.note_private" if d.step == NOTES else "dc.ok.note_shared"
        op = AddNote(d.id, kind, " ".join(text.split()), element)
        return outcome([op], [refresh("notes", d.id)]) + tell(
            turn, key, kind=t(turn.lang, f"dc.kind.{kind}")
        )

    @verb("dc-pot")
    def act_potential(self, turn: Turn, a: Action, _values: Values) -> Outcome:
        return self.open_potential(turn, a.int_arg(0), a.int_arg(1))

    def open_potential(self, turn: Turn, did: int | None, element: int) -> Outcome:
        self.member_only(turn)
        d = self.at_step(turn, did, NOTES, ROUND, LOWEST)
        name = self.element_name(turn, self.element(element))
        return Outcome(out=(OpenForm(potential_form(turn.lang, d.id, element, name, {})),))

    def element(self, element: int) -> int:
        if not 0 <= element <= len(self.catalogue.elements):
            raise BadAction(f"element {element}")
        return element

    def element_name(self, turn: Turn, element: int) -> str:
        return self.look(turn).element_name(element) if element else ""

    @verb("dcf-pot")
    def act_submit_potential(self, turn: Turn, a: Action, values: Values) -> Outcome:
        self.member_only(turn)
        d = self.at_step(turn, a.int_arg(0), NOTES, ROUND, LOWEST)
        element = self.element(a.int_arg(1))
        text = values.get("text", "")
        error = check_item(text, turn.lang)
        if error:
            form = potential_form(
                turn.lang, d.id, element, self.element_name(turn, element), values
            )
            return reject(form, {"text": error})
        return self.add_note(turn, d, POTENTIAL, text, element or None)
