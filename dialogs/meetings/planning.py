"""Planning a reflection meeting: the plan form, status, summary, cancelling, the
participants' private preparation (three points) and joining."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC

from dialogs.actions import Action
from dialogs.assessment import assessment_of
from dialogs.effects import OpenForm, Outcome, Post
from dialogs.feature import Values, command, verb
from dialogs.forms import mode_and_window, number
from dialogs.i18n import t
from dialogs.meetings import forms, step_views, views
from dialogs.meetings.base import MEETING, MeetingsBase, elements
from dialogs.meetings.checks import check
from dialogs.meetings.model import ACT, POINT_KINDS, PREPARATION, MeetingView, meetings_of
from dialogs.meetings.ops import CancelMeeting, JoinMeeting, PlanMeeting, SavePreparation
from dialogs.meetings.steps import outcome, refresh
from dialogs.meetings.when import input_when, parse_datetime, step_deadlines, zone
from dialogs.messages import ToActorOnly
from dialogs.replies import Refusal, announce, reject, show_help, tell
from dialogs.turn import MemberView, Turn

WINDOW_DAYS = (1, 10)
THEME_LIMIT = (1, 5)


class Planning(MeetingsBase):
    @command("hjælp", "help", under=MEETING)
    def cmd_help(self, turn: Turn, _rest: str) -> Outcome:
        return show_help(turn, "møde")

    def default_participants(self, turn: Turn) -> tuple[MemberView, ...]:
        """The members who answered the latest assessment (all members when none did)."""
        view = assessment_of(turn)
        answered = (
            {a.member_external_id for rows in view.answers.values() for a in rows if a.value}
            if view
            else set()
        )
        chosen = tuple(m for m in turn.members if m.external_id in answered)
        return chosen or turn.members

    def plan_values(self, turn: Turn, when: str) -> dict[str, str]:
        data = meetings_of(turn)
        if not when and data.last_done and data.last_done.paper.next_meeting_at:
            when = input_when(data.last_done.paper.next_meeting_at, zone(turn))
        return {
            "when": when,
            "facilitator": turn.actor.external_id,
            "participants": ", ".join(m.name for m in self.default_participants(turn)),
            "mode": "live",
            "window": "2",
            "themes": "2",
            "focus": "",
        }

    @command("planlæg", "planlaeg", "plan", under=MEETING)
    def cmd_plan(self, turn: Turn, rest: str) -> Outcome:
        self.member_only(turn)
        self.no_active(turn)
        form = forms.plan_form(turn.lang, turn.members, self.plan_values(turn, rest))
        # Beside the form, privately: booklet 7's roles, checklist and meeting size.
        guide = Post(step_views.planning_guide(self.look(turn)), ToActorOnly())
        return Outcome(out=(OpenForm(form), guide))

    @verb("mt-plan")
    def act_plan(self, turn: Turn, a: Action, _values: Values) -> Outcome:
        return self.cmd_plan(turn, "")

    @verb("mtf-plan")
    def act_submit_plan(self, turn: Turn, a: Action, values: Values) -> Outcome:
        return self.submit_plan(turn, values)

    def submit_plan(self, turn: Turn, values: Mapping[str, str]) -> Outcome:
        self.member_only(turn)
        self.no_active(turn)
        lang, tz = turn.lang, zone(turn)
        errors: dict[str, str] = {}
        when_text = values.get("when", "")
        when = parse_datetime(when_text, tz)
        if when is None:
            errors["when"] = t(lang, "mt.err.bad_when", text=when_text.strip()[:40])
        elif when <= turn.now:
            errors["when"] = t(lang, "mt.err.when_past")
        facilitator = (
            turn.member_by_name(values.get("facilitator", ""))
            if values.get("facilitator", "").strip()
            else None
        )
        if facilitator is None:
            errors["facilitator"] = t(
                lang, "ag.err.not_member", name=values.get("facilitator", "").strip()[:60] or "–"
            )
        participants, unknown = self.parse_people(turn, values.get("participants", ""))
        error = check(values.get("participants", ""), "names", lang)
        if error:
            errors["participants"] = error
        elif unknown:
            errors["participants"] = t(lang, "mt.err.unknown_people", names=", ".join(unknown))
        mode, window = mode_and_window(values, lang, "mt", WINDOW_DAYS, errors)
        limit = number(values.get("themes", ""), *THEME_LIMIT)
        if limit is None:
            errors["themes"] = t(lang, "mt.err.bad_number", low=THEME_LIMIT[0], high=THEME_LIMIT[1])
        focus = elements(values.get("focus", ""), len(self.catalogue.elements))
        if focus is None:
            errors["focus"] = t(lang, "ag.err.element")
        if errors or when is None or facilitator is None or window is None or limit is None:
            return reject(forms.plan_form(lang, turn.members, values), errors)
        people = [facilitator] + [p for p in participants if p != facilitator]
        start_utc = when.astimezone(UTC)
        op = PlanMeeting(
            scheduled_at=start_utc,
            facilitator_external_id=facilitator.external_id,
            participant_external_ids=tuple(p.external_id for p in people),
            mode=mode,
            step_deadlines=step_deadlines(start_utc, window, tz) if mode == "async" else (),
            assessment_id=_assessment_id(turn),
            focus_elements=focus or (),
            theme_limit=limit,
            window_days=window,
        )
        return outcome([op], [refresh("planned")])

    def parse_people(self, turn: Turn, text: str) -> tuple[list[MemberView], list[str]]:
        found: list[MemberView] = []
        unknown: list[str] = []
        for raw in re.split(r"[,;\n]", text):
            name = raw.strip()
            if not name:
                continue
            member = turn.member_by_name(name)
            if member is None:
                unknown.append(name[:40])
            elif member not in found:
                found.append(member)
        return found, unknown

    @command("status", under=MEETING)
    @command(under=MEETING)
    def cmd_status(self, turn: Turn, _rest: str) -> Outcome:
        data = meetings_of(turn)
        m = data.active or data.latest
        if m is None:
            raise Refusal("mt.err.none")
        look = self.look(turn)
        msg = (
            views.status_message(look, turn, m)
            if m.is_active
            else views.root_message(look, m, assessment_of(turn))
        )
        return Outcome(out=(Post(msg, ToActorOnly()),))

    @command("referat", "summary", under=MEETING)
    def cmd_summary(self, turn: Turn, rest: str) -> Outcome:
        data = meetings_of(turn)
        m = data.by_number(int(rest)) if rest.isdigit() else data.last_done
        if m is None or m.status != "done":
            raise Refusal("mt.err.no_summary")
        msg = step_views.summary_message(self.look(turn), m, data, assessment_of(turn))
        return Outcome(out=(Post(msg, ToActorOnly()),))

    @command("aflys", "cancel", under=MEETING)
    def cmd_cancel(self, turn: Turn, _rest: str) -> Outcome:
        m = self.active(turn)
        self.facilitator_only(turn, m)
        out = [refresh("root", m.id), refresh("preps", m.id)]
        return outcome([CancelMeeting(m.id)], out) + announce(
            turn, "mt.ok.cancelled", who=turn.actor.name, number=m.number
        )

    # preparation
    @command("forbered", "prepare", under=MEETING)
    def cmd_prepare(self, turn: Turn, _rest: str) -> Outcome:
        return self.open_preparation(turn, None)

    @verb("mt-prep")
    def act_prepare(self, turn: Turn, a: Action, _values: Values) -> Outcome:
        return self.open_preparation(turn, a.int_arg(0))

    @verb("mtf-prep")
    def act_submit_preparation(self, turn: Turn, a: Action, values: Values) -> Outcome:
        return self.submit_preparation(turn, a.int_arg(0), values)

    def open_preparation(self, turn: Turn, mid: int | None) -> Outcome:
        self.member_only(turn)
        m = self.active(turn, mid)
        if m.status != "planned":
            raise Refusal("mt.err.prep_closed")
        mine = {
            o.kind: o.text
            for o in m.observations
            if o.author == turn.actor.external_id and o.from_preparation
        }
        return Outcome(out=(OpenForm(forms.preparation_form(turn.lang, m.id, mine)),))

    def submit_preparation(self, turn: Turn, mid: int, values: Mapping[str, str]) -> Outcome:
        self.member_only(turn)
        m = self.active(turn, mid)
        if m.status != "planned":
            raise Refusal("mt.err.prep_closed")
        errors = {}
        for kind in POINT_KINDS:
            error = check(values.get(kind, ""), "point", turn.lang, required=kind != "question")
            if error:
                errors[kind] = error
        if errors:
            return reject(forms.preparation_form(turn.lang, m.id, values), errors)
        op = SavePreparation(
            m.id,
            values["positive"].strip(),
            values["improvement"].strip(),
            values.get("question", "").strip() or None,
        )
        mine = refresh("prep", f"{m.id}-{turn.actor.external_id}")
        return outcome([op], [refresh("root", m.id), mine]) + tell(turn, "mt.ok.prepared")

    # the booklet's support and the data basis, for the one who asks
    @command("støttespørgsmål", "stoettespoergsmaal", "spørgsmål", "questions", under=MEETING)
    def cmd_support(self, turn: Turn, rest: str) -> Outcome:
        m = self.active(turn)
        step = number(rest, PREPARATION, ACT) if rest else None
        if rest and step is None:
            raise Refusal("mt.err.bad_step")
        return self.support(turn, m, m.step if step is None else step)

    @verb("mt-help")
    def act_support(self, turn: Turn, a: Action, _values: Values) -> Outcome:
        m = meetings_of(turn).meeting(a.int_arg(0))
        step = a.int_arg(1)
        if m is None or not PREPARATION <= step <= ACT:
            raise Refusal("err.bad_action")
        return self.support(turn, m, step)

    def support(self, turn: Turn, m: MeetingView, step: int) -> Outcome:
        step = min(step, ACT)  # a finished meeting: its last step
        facilitator = views.is_facilitator(turn, m)
        msg = step_views.support_message(self.look(turn), m, step, facilitator)
        return Outcome(out=(Post(msg, ToActorOnly()),))

    @command("datagrundlag", "data", "basis", under=MEETING)
    def cmd_basis(self, turn: Turn, _rest: str) -> Outcome:
        return self.basis(turn, self.active(turn))

    @verb("mt-basis")
    def act_basis(self, turn: Turn, a: Action, _values: Values) -> Outcome:
        m = meetings_of(turn).meeting(a.int_arg(0))
        if m is None:
            raise Refusal("err.bad_action")
        return self.basis(turn, m)

    def basis(self, turn: Turn, m: MeetingView) -> Outcome:
        data = meetings_of(turn)
        msg = views.basis_message(self.look(turn), m, assessment_of(turn), data)
        return Outcome(out=(Post(msg, ToActorOnly()),))

    @command("deltag", "join", under=MEETING)
    def cmd_join(self, turn: Turn, _rest: str) -> Outcome:
        return self.join(turn, None)

    @verb("mt-join")
    def act_join(self, turn: Turn, a: Action, _values: Values) -> Outcome:
        return self.join(turn, a.int_arg(0))

    def join(self, turn: Turn, mid: int | None) -> Outcome:
        self.member_only(turn)
        m = self.active(turn, mid)
        if m.participant(turn.actor.external_id):
            raise Refusal("mt.ok.already_participant")
        out = [refresh("root", m.id)]
        if m.status == "planned":  # the newcomer gets the request to prepare too
            out.append(refresh("prep", f"{m.id}-{turn.actor.external_id}"))
        return outcome([JoinMeeting(m.id)], out) + tell(turn, "mt.ok.joined")


def _assessment_id(turn: Turn) -> int | None:
    view = assessment_of(turn)
    return view.id if view else None
