"""Agreements between meetings: `aftaler [mine|alle]` lists them, `aftale <nr> <status>`
and the status buttons on any message that shows one change their status."""

from __future__ import annotations

from collections.abc import Mapping

from dialogs.actions import Action, BadAction
from dialogs.effects import OpenForm, Outcome, Post
from dialogs.feature import Values, command, verb
from dialogs.i18n import t
from dialogs.meetings import forms, views
from dialogs.meetings.agreements import listed, may_change, parse_status, who_may
from dialogs.meetings.base import MeetingsBase
from dialogs.meetings.checks import check
from dialogs.meetings.model import STATUSES, AgreementView, meetings_of
from dialogs.meetings.ops import SetAgreementStatus
from dialogs.meetings.steps import outcome, refresh
from dialogs.messages import ToActorOnly
from dialogs.replies import Refusal, reject, tell
from dialogs.turn import Turn

LIST_WORDS = {"mine": "mine", "my": "mine", "mine.": "mine", "alle": "all", "all": "all"}


class FollowUp(MeetingsBase):
    @command("aftaler", "agreements")
    def cmd_agreements(self, turn: Turn, rest: str) -> Outcome:
        which = LIST_WORDS.get(rest.casefold(), "open") if rest else "open"
        data = meetings_of(turn)
        items = listed(data, which, turn.actor.external_id)
        title, empty = {
            "open": ("ag.list.open", "ag.list.none_open"),
            "mine": ("ag.list.mine", "ag.list.none_mine"),
            "all": ("ag.list.all", "ag.list.none"),
        }[which]
        mine = frozenset(a.id for a in items if may_change(turn, a, data))
        msg = views.agreements_list(self.look(turn), items, title, empty, mine)
        return Outcome(out=(Post(msg, ToActorOnly()),))

    @command("aftale", "agreement")
    def cmd_agreement(self, turn: Turn, rest: str) -> Outcome:
        """`aftale 3 gennemført: vi lærte …`"""
        number, _, tail = rest.partition(" ")
        status_text, sep, note = tail.partition(":")
        a = meetings_of(turn).agreement_by_number(int(number)) if number.isdigit() else None
        status = parse_status(status_text)
        if a is None or status is None:
            raise Refusal("ag.err.usage")
        return self.set_status(turn, a, status, note.strip() if sep else None)

    def owner_only(self, turn: Turn, a: AgreementView) -> None:
        """Only those the agreement is theirs to report on change it (agreements.may_change)."""
        self.member_only(turn)
        data = meetings_of(turn)
        if not may_change(turn, a, data):
            raise Refusal("ag.err.not_yours", number=a.number, who=who_may(turn, a, data))

    def set_status(self, turn: Turn, a: AgreementView, status: str, note: str | None) -> Outcome:
        self.owner_only(turn, a)
        if note is not None:
            error = check(note, "learned", turn.lang)
            if error:
                raise Refusal("err.input", error=error)
        label = views.status_label(turn.lang, status)
        if status == a.status and not note:
            raise Refusal("ag.ok.same", number=a.number, status=label)
        return outcome(
            [SetAgreementStatus(a.id, status, note)], [refresh("agreement", a.id)]
        ) + tell(turn, "ag.ok.status", number=a.number, status=label)

    @verb("ag-st")
    def act_status(self, turn: Turn, a: Action, _values: Values) -> Outcome:
        status = a.arg(1)
        if status not in STATUSES:
            raise BadAction(status)
        return self.set_status(turn, self.agreement(turn, a.int_arg(0)), status, None)

    @verb("ag-note")
    def act_learned(self, turn: Turn, a: Action, _values: Values) -> Outcome:
        ag = self.agreement(turn, a.int_arg(0))
        self.owner_only(turn, ag)
        values = {"status": ag.status, "note": ag.learned or ""}
        return Outcome(out=(OpenForm(forms.learned_form(turn.lang, ag, values)),))

    @verb("agf-note")
    def act_submit_learned(self, turn: Turn, a: Action, values: Values) -> Outcome:
        return self.submit_learned(turn, self.agreement(turn, a.int_arg(0)), values)

    def submit_learned(self, turn: Turn, a: AgreementView, values: Mapping[str, str]) -> Outcome:
        self.owner_only(turn, a)
        status = values.get("status", "").strip()
        errors = {}
        if status not in STATUSES:
            status = parse_status(status) or ""
            if not status:
                errors["status"] = t(turn.lang, "ag.err.status")
        error = check(values.get("note", ""), "learned", turn.lang)
        if error:
            errors["note"] = error
        if errors:
            return reject(forms.learned_form(turn.lang, a, values), errors)
        return self.set_status(turn, a, status, values["note"].strip())
