"""The dialogue's four steps once a meeting runs: *Siden sidst*, *Udforsk* (observations,
votes, themes), *Fortolk* (explanations) and *Forbered handling* (the agreement paper and the
actions that become agreements)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC

from dialogs.actions import Action
from dialogs.effects import OpenForm, Outcome, Post
from dialogs.feature import Values, command, verb
from dialogs.forms import number
from dialogs.i18n import t
from dialogs.meetings import forms, step_views
from dialogs.meetings.agreements import agreement_from_values
from dialogs.meetings.base import MEETING, MeetingsBase, ids, state
from dialogs.meetings.checks import check
from dialogs.meetings.content import step_name
from dialogs.meetings.model import ACT, EXPLORE, INTERPRET, MeetingView, ThemeView, meetings_of
from dialogs.meetings.ops import AddInterpretation, AddObservation, CastVotes, SavePaper, SetThemes
from dialogs.meetings.steps import advance, auto_themes, outcome, refresh, start
from dialogs.meetings.when import input_when, parse_datetime, zone
from dialogs.messages import ToActorOnly
from dialogs.replies import Refusal, reject, tell
from dialogs.turn import Turn
from dialogs.votes import checked_marks

CONFIRM_FINISH = "confirm_meeting_end"
PAPER_MONTHS = (1, 60)


class Dialogue(MeetingsBase):
    @command("start", under=MEETING)
    def cmd_start(self, turn: Turn, _rest: str) -> Outcome:
        return self.start(turn, None)

    @verb("mt-start")
    def act_start(self, turn: Turn, a: Action, _values: Values) -> Outcome:
        return self.start(turn, a.int_arg(0))

    def start(self, turn: Turn, mid: int | None) -> Outcome:
        m = self.active(turn, mid)
        if m.status != "planned":
            raise Refusal("mt.err.already_started")
        self.facilitator_only(turn, m)
        return start(meetings_of(turn), m)

    @command("næste", "naeste", "next", under=MEETING)
    def cmd_next(self, turn: Turn, _rest: str) -> Outcome:
        return self.next(turn, None, None)

    @verb("mt-next")
    def act_next(self, turn: Turn, a: Action, _values: Values) -> Outcome:
        return self.next(turn, a.int_arg(0), a.int_arg(1))

    def next(self, turn: Turn, mid: int | None, step: int | None) -> Outcome:
        m = self.active(turn, mid)
        self.facilitator_only(turn, m)
        if m.status == "planned":
            raise Refusal("mt.err.not_started")
        if step is not None and step != m.step:
            raise Refusal("mt.err.step_moved", name=step_name(m.step, turn.lang))
        confirming = turn.state_kind == CONFIRM_FINISH and turn.state_data.get("mid") == m.id
        if m.step == ACT and not meetings_of(turn).of_meeting(m.id) and not confirming:
            return outcome([state(CONFIRM_FINISH, {"mid": m.id})]) + tell(turn, "mt.confirm.finish")
        done = advance(m, auto=False)
        return done + outcome([state(None)]) if confirming else done

    # Udforsk
    @command("observation", "observe", under=MEETING)
    def cmd_observe(self, turn: Turn, rest: str) -> Outcome:
        m = self.running(turn, None, EXPLORE)
        if not rest:
            return Outcome(out=(OpenForm(forms.observation_form(turn.lang, m.id, {})),))
        error = check(rest, "observation", turn.lang)
        if error:
            raise Refusal("err.input", error=error)
        return self.save_observation(turn, m, rest)

    @verb("mt-obs")
    def act_observe(self, turn: Turn, a: Action, _values: Values) -> Outcome:
        m = self.running(turn, a.int_arg(0), EXPLORE)
        return Outcome(out=(OpenForm(forms.observation_form(turn.lang, m.id, {})),))

    @verb("mtf-obs")
    def act_submit_observation(self, turn: Turn, a: Action, values: Values) -> Outcome:
        m = self.running(turn, a.int_arg(0), EXPLORE)
        error = check(values.get("text", ""), "observation", turn.lang)
        if error:
            return reject(forms.observation_form(turn.lang, m.id, values), {"text": error})
        return self.save_observation(turn, m, values["text"])

    def save_observation(self, turn: Turn, m: MeetingView, text: str) -> Outcome:
        self.member_only(turn)
        return outcome(
            [AddObservation(m.id, text.strip())], [refresh("observations", m.id)]
        ) + tell(turn, "mt.ok.observation")

    @verb("mt-vote")
    def act_vote(self, turn: Turn, a: Action, values: Values) -> Outcome:
        return self.votes(turn, a.int_arg(0), a.int_arg(1), values.get("selected", ""))

    def votes(self, turn: Turn, mid: int, chunk: int, selected: str) -> Outcome:
        m = self.running(turn, mid, EXPLORE)
        if m.participant(turn.actor.external_id) is None:
            raise Refusal("mt.err.not_participant")
        among = step_views.chunk_ids(m, chunk)
        positions = ids(selected)
        chosen = step_views.chosen_ids(m, chunk, positions) if positions is not None else None
        if among is None or chosen is None:
            raise Refusal("err.bad_action")
        held = m.votes_of(turn.actor.external_id)
        shown = checked_marks(
            held, among, chosen, m.theme_limit, "mt.err.too_many_votes", m.position
        )
        return outcome([CastVotes(m.id, among, chosen)], [refresh("observations", m.id)]) + tell(
            turn, "mt.ok.voted" if chosen else "mt.ok.unvoted", list=shown
        )

    @command("temaer", "themes", under=MEETING)
    def cmd_themes(self, turn: Turn, rest: str) -> Outcome:
        m = self.running(turn, None, EXPLORE)
        self.facilitator_only(turn, m)
        if not rest:
            return self.themes_picker(turn, m)
        positions = ids(rest.replace(" ", ","))
        if not positions or any(not 1 <= p <= len(m.observations) for p in positions):
            raise Refusal("mt.err.bad_positions", n=len(m.observations))
        chosen = tuple(m.observations[p - 1].id for p in positions)
        return self.set_themes(turn, m, tuple(o.id for o in m.observations), chosen)

    @verb("mt-themes")
    def act_themes(self, turn: Turn, a: Action, _values: Values) -> Outcome:
        m = self.running(turn, a.int_arg(0), EXPLORE)
        self.facilitator_only(turn, m)
        return self.themes_picker(turn, m)

    @verb("mtf-themes")
    def act_submit_themes(self, turn: Turn, a: Action, values: Values) -> Outcome:
        m = self.running(turn, a.int_arg(0), EXPLORE)
        self.facilitator_only(turn, m)
        among = step_views.chunk_ids(m, a.int_arg(1))
        positions = ids(values.get("selected", ""))
        chosen = (
            step_views.chosen_ids(m, a.int_arg(1), positions) if positions is not None else None
        )
        if among is None or chosen is None:
            raise Refusal("err.bad_action")
        return self.set_themes(turn, m, among, chosen)

    def themes_picker(self, turn: Turn, m: MeetingView) -> Outcome:
        if not m.observations:
            raise Refusal("mt.obs.none")
        pre = tuple(t.observation_id for t in m.themes if t.observation_id) or auto_themes(m)
        return Outcome(
            out=(Post(step_views.themes_picker(self.look(turn), m, pre), ToActorOnly()),)
        )

    def set_themes(
        self, turn: Turn, m: MeetingView, among: tuple[int, ...], chosen: tuple[int, ...]
    ) -> Outcome:
        kept = [t.observation_id for t in m.themes if t.observation_id not in among]
        final = [oid for oid in (o.id for o in m.observations) if oid in chosen or oid in kept]
        positions = ", ".join(str(m.position(oid)) for oid in final) or "–"
        return outcome([SetThemes(m.id, among, chosen)], [refresh("observations", m.id)]) + tell(
            turn, "mt.ok.themes", list=positions
        )

    # Fortolk
    @command("forklaring", "interpret", under=MEETING)
    def cmd_interpret(self, turn: Turn, rest: str) -> Outcome:
        m = self.running(turn, None, INTERPRET)
        number, _, text = rest.partition(" ")
        index = int(number) if number.isdigit() else 0
        if not 1 <= index <= len(m.themes):
            raise Refusal("mt.err.bad_theme", n=len(m.themes))
        theme = m.themes[index - 1]
        if not text.strip():
            form = forms.interpretation_form(turn.lang, m.id, theme.id, theme.title, {})
            return Outcome(out=(OpenForm(form),))
        error = check(text, "interpretation", turn.lang)
        if error:
            raise Refusal("err.input", error=error)
        return self.save_interpretation(turn, m, theme.id, text)

    def theme(self, turn: Turn, a: Action) -> tuple[MeetingView, ThemeView]:
        m = self.running(turn, a.int_arg(0), INTERPRET)
        theme = m.theme(a.int_arg(1))
        if theme is None:
            raise Refusal("err.bad_action")
        return m, theme

    @verb("mt-int")
    def act_interpret(self, turn: Turn, a: Action, _values: Values) -> Outcome:
        m, theme = self.theme(turn, a)
        form = forms.interpretation_form(turn.lang, m.id, theme.id, theme.title, {})
        return Outcome(out=(OpenForm(form),))

    @verb("mtf-int")
    def act_submit_interpretation(self, turn: Turn, a: Action, values: Values) -> Outcome:
        m, theme = self.theme(turn, a)
        error = check(values.get("text", ""), "interpretation", turn.lang)
        if error:
            form = forms.interpretation_form(turn.lang, m.id, theme.id, theme.title, values)
            return reject(form, {"text": error})
        return self.save_interpretation(turn, m, theme.id, values["text"])

    def save_interpretation(self, turn: Turn, m: MeetingView, tid: int, text: str) -> Outcome:
        self.member_only(turn)
        return outcome(
            [AddInterpretation(m.id, tid, text.strip())], [refresh("theme", f"{m.id}-{tid}")]
        ) + tell(turn, "mt.ok.interpretation")

    # Forbered handling
    @command("aftalepapir", "paper", under=MEETING)
    def cmd_paper(self, turn: Turn, _rest: str) -> Outcome:
        return self.open_paper(turn, None)

    @verb("mt-paper")
    def act_paper(self, turn: Turn, a: Action, _values: Values) -> Outcome:
        return self.open_paper(turn, a.int_arg(0))

    @verb("mtf-paper")
    def act_submit_paper(self, turn: Turn, a: Action, values: Values) -> Outcome:
        return self.submit_paper(turn, a.int_arg(0), values)

    def open_paper(self, turn: Turn, mid: int | None) -> Outcome:
        m = self.running(turn, mid, ACT)
        p = m.paper
        values = {
            "short": p.short_goal or "",
            "long": p.long_goal or "",
            "months": str(p.long_months) if p.long_months else "",
            "progress": p.progress_data or "",
            "next": input_when(p.next_meeting_at, zone(turn)) if p.next_meeting_at else "",
        }
        return Outcome(out=(OpenForm(forms.paper_form(turn.lang, m.id, values)),))

    def submit_paper(self, turn: Turn, mid: int, values: Mapping[str, str]) -> Outcome:
        self.member_only(turn)
        m = self.running(turn, mid, ACT)
        lang = turn.lang
        errors: dict[str, str] = {}
        for name, kind, required in (
            ("short", "goal", True),
            ("long", "goal", False),
            ("progress", "progress", False),
        ):
            error = check(values.get(name, ""), kind, lang, required=required)
            if error:
                errors[name] = error
        months_text = values.get("months", "").strip()
        months = number(months_text, *PAPER_MONTHS) if months_text else None
        if months_text and months is None:
            errors["months"] = t(
                lang, "mt.err.bad_number", low=PAPER_MONTHS[0], high=PAPER_MONTHS[1]
            )
        next_text = values.get("next", "").strip()
        next_at = parse_datetime(next_text, zone(turn)) if next_text else None
        if next_text and next_at is None:
            errors["next"] = t(lang, "mt.err.bad_when", text=next_text[:40])
        elif next_at is not None and next_at <= turn.now:
            errors["next"] = t(lang, "mt.err.when_past")
        if errors:
            return reject(forms.paper_form(lang, m.id, values), errors)
        op = SavePaper(
            m.id,
            values.get("short", "").strip() or None,
            values.get("long", "").strip() or None,
            months,
            values.get("progress", "").strip() or None,
            next_at.astimezone(UTC) if next_at else None,
        )
        return outcome([op], [refresh("paper", m.id)]) + tell(turn, "mt.ok.paper")

    @command("handling", "action", under=MEETING)
    def cmd_action(self, turn: Turn, _rest: str) -> Outcome:
        return self.open_action(turn, None)

    @verb("mt-act")
    def act_action(self, turn: Turn, a: Action, _values: Values) -> Outcome:
        return self.open_action(turn, a.int_arg(0))

    @verb("mtf-act")
    def act_submit_action(self, turn: Turn, a: Action, values: Values) -> Outcome:
        return self.submit_action(turn, a.int_arg(0), values)

    def open_action(self, turn: Turn, mid: int | None) -> Outcome:
        m = self.running(turn, mid, ACT)
        values = {"follow_up": m.facilitator}
        form = forms.action_form(turn.lang, m.id, turn.members, values)
        return Outcome(out=(OpenForm(form),))

    def submit_action(self, turn: Turn, mid: int, values: Mapping[str, str]) -> Outcome:
        self.member_only(turn)
        m = self.running(turn, mid, ACT)
        op, errors = agreement_from_values(turn, values, source="meeting", meeting_id=m.id)
        if op is None:
            return reject(forms.action_form(turn.lang, m.id, turn.members, values), errors)
        owner = turn.member_by_name(op.owner_external_id)
        return outcome([op], [refresh("paper", m.id)]) + tell(
            turn, "ag.ok.created", what=op.what[:80], owner=owner.name if owner else "?"
        )
