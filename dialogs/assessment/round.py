"""The round as a whole: starting it (or accepting the invitation to measure again), its
delimitation, status, closing, results, history, exports, and who facilitates."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol, runtime_checkable

from dialogs.actions import Action
from dialogs.assessment import forms
from dialogs.assessment import ops as fx
from dialogs.assessment.base import AssessmentBase, refresh
from dialogs.assessment.commands import parse_export
from dialogs.assessment.model import AssessmentView, assessment_of
from dialogs.assessment.pacing import ensure_pace
from dialogs.assessment.result_views import (
    CONFIRM_MINUTES,
    close_check_message,
    close_key,
    export_message,
    history_message,
)
from dialogs.calendar import local, utc
from dialogs.effects import OpenForm, Outcome, Post, SetDialogState, SetRole
from dialogs.feature import Values, command, verb
from dialogs.i18n import format_date, plural
from dialogs.messages import ToActorOnly
from dialogs.reminders import reminder_data
from dialogs.replies import Refusal, announce, reject, show_help, tell
from dialogs.settings import prefs
from dialogs.text_input import check_text
from dialogs.turn import NotLoaded, Turn

CONFIRM_CLOSE = "confirm_close"  # the facilitator's dialog state while the gaps are shown


class Round(AssessmentBase):
    @command("hjælp", "hjaelp", "help", "?")
    def help(self, turn: Turn, rest: str) -> Outcome:
        return show_help(turn, rest)

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
        self.any_round(turn)
        # One message to the person: the progress, the pace, the delimitation (render.py).
        return Outcome(out=(refresh("progress"), refresh("status")))

    # ---- closing: the gaps first, then a confirmation; reopening for a while after ----
    @command("luk", "close")
    def close(self, turn: Turn, _rest: str) -> Outcome:
        """The facilitator sees what is missing and confirms (the button, or `luk` again
        within CONFIRM_MINUTES); only then the round closes."""
        view = self.open_round(turn)
        self.facilitator_only(turn)
        if self.close_confirmed(turn, view):
            return self.do_close(turn, view, _stamp(turn.state_data.get("stamp")))
        until = turn.now + timedelta(minutes=CONFIRM_MINUTES)
        stamp = int(utc(turn.now).timestamp())
        data: dict[str, object] = {"aid": view.id, "until": until.isoformat(), "stamp": stamp}
        days = prefs(turn).reopen_days
        check = close_check_message(turn.lang, view, self.catalogue, turn.surface, days, stamp)
        # Keyed, so that closing draws it again without its buttons (where it can be updated).
        shown = Post(check, ToActorOnly(), key=close_key(view.id, stamp))
        return Outcome(ops=(SetDialogState(CONFIRM_CLOSE, data),), out=(shown,))

    def close_confirmed(self, turn: Turn, view: AssessmentView) -> bool:
        if turn.state_kind != CONFIRM_CLOSE or turn.state_data.get("aid") != view.id:
            return False
        until = turn.state_data.get("until")
        try:
            return isinstance(until, str) and utc(turn.now) <= utc(datetime.fromisoformat(until))
        except ValueError:
            return False

    def do_close(self, turn: Turn, view: AssessmentView, stamp: int | None) -> Outcome:
        """Close, and draw what the round keeps updated in its closed state: the progress, the
        element cards (their roots in threads; the questions in a thread are not redrawn — 60
        updates would run into the platforms' rate limits — and a click there is refused with
        `err.closed`), and the gaps just confirmed, without their buttons."""
        closed = announce(turn, "ok.closed", who=turn.actor.name, practice=view.practice_name)
        gaps = (refresh("close_check", view.id, str(stamp)),) if stamp is not None else ()
        return (
            Outcome(ops=(fx.CloseAssessment(view.id), SetDialogState(None)))
            + closed
            + Outcome(
                out=(refresh("progress"), refresh("element_roots"), *gaps, refresh("summary"))
            )
        )

    @verb("close")
    def close_click(self, turn: Turn, a: Action, _values: Values) -> Outcome:
        self.open_round(turn, a.int_arg(0))
        return self.close(turn, "")

    @verb("close-ok")
    def close_confirm_click(self, turn: Turn, a: Action, _values: Values) -> Outcome:
        """The button under the gaps: close now (it says so beside the gaps it was shown with)."""
        view = self.open_round(turn, a.int_arg(0))
        self.facilitator_only(turn)
        return self.do_close(turn, view, _stamp(a.args[1] if len(a.args) > 1 else None))

    @verb("close-no")
    def close_keep_click(self, turn: Turn, a: Action, _values: Values) -> Outcome:
        self.open_round(turn, a.int_arg(0))
        self.facilitator_only(turn)
        return Outcome(ops=(SetDialogState(None),)) + tell(turn, "ok.kept_open")

    @command("genåbn", "genaabn", "genabn", "reopen", reads=("discussion",))
    def reopen(self, turn: Turn, _rest: str) -> Outcome:
        """A facilitator opens the latest round again for `reopen_days` after it closed (a
        channel setting): answers can change, the summary is preliminary again, and the
        invitation to measure again waits for the next close (storage: ReopenAssessment)."""
        view = self.any_round(turn)
        self.facilitator_only(turn)
        if view.is_open:
            raise Refusal("err.reopen_open", practice=view.practice_name)
        days = prefs(turn).reopen_days
        if days == 0:
            raise Refusal("err.reopen_off")
        closed = utc(view.closed_at or view.started_at)
        if utc(turn.now) - closed > timedelta(days=days):
            raise Refusal(
                "err.reopen_too_late",
                practice=view.practice_name,
                date=format_date(local(closed, prefs(turn).calendar).date(), turn.lang),
                days=plural(turn.lang, "count.day", days),
            )
        discussion = _discussion(turn)
        if discussion is not None and discussion.is_running and discussion.assessment_id == view.id:
            raise Refusal("err.reopen_discussion", round=view.round_no)
        return Outcome(
            ops=(fx.ReopenAssessment(view.id), SetDialogState(None)),
            out=(refresh("progress"), refresh("element_roots")),  # their answer buttons again
        ) + announce(
            turn,
            "ok.reopened",
            who=turn.actor.name,
            practice=view.practice_name,
            round=view.round_no,
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


def _stamp(value: object) -> int | None:
    """The stamp of the gaps message (from the dialog state or a button), if it is one."""
    if isinstance(value, int):
        return value
    return int(value) if isinstance(value, str) and value.isdigit() else None


@runtime_checkable
class _Discussion(Protocol):
    """What reopening needs to know of the results discussion (dialogs.discussion imports
    this package, so its model is read by shape here)."""

    assessment_id: int

    @property
    def is_running(self) -> bool: ...


def _discussion(turn: Turn) -> _Discussion | None:
    """The channel's latest results discussion, when that feature is part of the bot."""
    try:
        found = turn.read("discussion")
    except NotLoaded:
        return None
    return found if isinstance(found, _Discussion) else None
