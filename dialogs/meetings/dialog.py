"""The reflection-meeting dialog (læringsdialog) and agreements: a pure step from (turn, event)
to data operations and messages. No awaits, no clock reads: time is `turn.now`.

Commands (Danish first, English aliases):
  møde planlæg [tid] · møde status · møde forbered · møde deltag · møde start · møde næste ·
  møde observation <tekst> · møde temaer [1,3] · møde forklaring <tema> [tekst] ·
  møde aftalepapir · møde handling · møde referat [nr] · møde aflys
  aftaler [mine|alle] · aftale <nr> <status>[: læring]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC

from dialogs import actions
from dialogs.effects import OpenForm, Outcome, Post, Refresh, RejectForm, SetDialogState
from dialogs.events import Command, Event, Interaction
from dialogs.i18n import t
from dialogs.meetings import forms, views
from dialogs.meetings.agreements import agreement_from_values, listed, parse_status
from dialogs.meetings.checks import check
from dialogs.meetings.content import step_name
from dialogs.meetings.model import (
    ACT,
    EXPLORE,
    INTERPRET,
    POINT_KINDS,
    STATUSES,
    AgreementView,
    MeetingView,
    meetings_of,
)
from dialogs.meetings.ops import (
    AddInterpretation,
    AddObservation,
    CancelMeeting,
    CastVotes,
    JoinMeeting,
    PlanMeeting,
    SavePaper,
    SavePreparation,
    SetAgreementStatus,
    SetThemes,
)
from dialogs.meetings.render import Renderer
from dialogs.meetings.steps import Refusal, advance, auto_themes, outcome, refresh, start
from dialogs.meetings.when import input_when, parse_datetime, step_deadlines, zone
from dialogs.messages import Form, ToActorOnly, ToChannel
from dialogs.model import MemberView, Turn
from dialogs.views import help_message, plain
from scoring.catalogue import Catalogue
from scoring.table import ScoringTable

ALIASES: Mapping[str, str] = {
    "møde": "meeting",
    "moede": "meeting",
    "meeting": "meeting",
    "læringsdialog": "meeting",
    "aftaler": "agreements",
    "agreements": "agreements",
    "aftale": "agreement",
    "agreement": "agreement",
}

SUBCOMMANDS = {
    "planlæg": "plan",
    "planlaeg": "plan",
    "plan": "plan",
    "status": "status",
    "forbered": "prepare",
    "prepare": "prepare",
    "deltag": "join",
    "join": "join",
    "start": "start",
    "næste": "next",
    "naeste": "next",
    "next": "next",
    "observation": "observe",
    "observe": "observe",
    "temaer": "themes",
    "themes": "themes",
    "forklaring": "interpret",
    "interpret": "interpret",
    "aftalepapir": "paper",
    "paper": "paper",
    "handling": "action",
    "action": "action",
    "referat": "summary",
    "summary": "summary",
    "aflys": "cancel",
    "cancel": "cancel",
    "hjælp": "help",
    "help": "help",
}

LIST_WORDS = {"mine": "mine", "my": "mine", "mine.": "mine", "alle": "all", "all": "all"}

CONFIRM_FINISH = "confirm_meeting_end"
WINDOW_DAYS = (1, 10)
THEME_LIMIT = (1, 5)
PAPER_MONTHS = (1, 60)


def tell(turn: Turn, key: str, **values: object) -> Outcome:
    return Outcome(out=(Post(plain(turn.lang, key, **values), ToActorOnly()),))


def announce(turn: Turn, key: str, **values: object) -> Outcome:
    return Outcome(out=(Post(plain(turn.lang, key, **values), ToChannel()),))


def reject(form: Form, errors: dict[str, str]) -> Outcome:
    return Outcome(out=(RejectForm(replace(form, errors=dict(errors))),))


class MeetingsDialog:
    name = "meetings"
    reads = frozenset({"meetings"})
    aliases: Mapping[str, str] = ALIASES
    verbs = frozenset(
        {
            "mt-plan",
            "mtf-plan",
            "mt-prep",
            "mtf-prep",
            "mt-join",
            "mt-start",
            "mt-next",
            "mt-obs",
            "mtf-obs",
            "mt-vote",
            "mt-themes",
            "mtf-themes",
            "mt-int",
            "mtf-int",
            "mt-paper",
            "mtf-paper",
            "mt-act",
            "mtf-act",
            "ag-st",
            "ag-note",
            "agf-note",
        }
    )

    def __init__(self, catalogue: Catalogue, table: ScoringTable) -> None:
        self.catalogue, self.table = catalogue, table
        self.renderer = Renderer(catalogue, table)

    def render(self, refresh: Refresh, turn: Turn) -> list[Post]:
        return self.renderer.render(refresh, turn)

    def look(self, turn: Turn) -> views.Look:
        return views.Look.of(turn, self.catalogue, self.table)

    def step(self, turn: Turn, event: Event) -> Outcome:
        try:
            if isinstance(event, Command):
                return self.command(turn, event.text)
            return self.interaction(turn, event)
        except Refusal as refusal:
            return tell(turn, refusal.key, **refusal.values)

    # ---- shared checks ----
    def active(self, turn: Turn, mid: int | None = None) -> MeetingView:
        data = meetings_of(turn)
        if mid is not None:
            m = data.meeting(mid)
            if m is None:
                raise Refusal("err.bad_action")  # another channel's id, or made up
            if not m.is_active:
                raise Refusal("mt.err.not_active", number=m.number)
            return m
        m = data.active
        if m is None:
            raise Refusal("mt.err.none")
        return m

    def running(self, turn: Turn, mid: int | None, step: int) -> MeetingView:
        m = self.active(turn, mid)
        if m.status != "running":
            raise Refusal("mt.err.not_started")
        if m.step != step:
            raise Refusal(
                "mt.err.wrong_step",
                step=m.step,
                name=step_name(m.step, turn.lang),
            )
        return m

    def facilitator_only(self, turn: Turn, m: MeetingView) -> None:
        if not views.is_facilitator(turn, m):
            raise Refusal("mt.err.facilitator_only", name=m.facilitator_name)

    def member_only(self, turn: Turn) -> None:
        if turn.actor.role == "system":
            raise Refusal("err.bad_action")

    # ---- commands ----
    def command(self, turn: Turn, text: str) -> Outcome:
        stripped = text.strip().removeprefix("/lovende").strip()
        word, _, rest = stripped.partition(" ")
        kind = ALIASES.get(word.casefold())
        rest = rest.strip()
        if kind == "agreements":
            return self.cmd_agreements(turn, rest)
        if kind == "agreement":
            return self.cmd_agreement(turn, rest)
        sub, _, args = rest.partition(" ")
        name = SUBCOMMANDS.get(sub.casefold()) if sub else "status"
        handlers: dict[str, Callable[[Turn, str], Outcome]] = {
            "plan": self.cmd_plan,
            "status": self.cmd_status,
            "prepare": lambda tr, _a: self.open_preparation(tr, None),
            "join": lambda tr, _a: self.join(tr, None),
            "start": lambda tr, _a: self.start(tr, None),
            "next": lambda tr, _a: self.next(tr, None, None),
            "observe": self.cmd_observe,
            "themes": self.cmd_themes,
            "interpret": self.cmd_interpret,
            "paper": lambda tr, _a: self.open_paper(tr, None),
            "action": lambda tr, _a: self.open_action(tr, None),
            "summary": self.cmd_summary,
            "cancel": self.cmd_cancel,
            "help": lambda tr, _a: Outcome(out=(Post(help_message(tr.lang), ToActorOnly()),)),
        }
        if name is None or name not in handlers:
            raise Refusal("mt.err.unknown", text=sub[:40])
        return handlers[name](turn, args.strip())

    # plan
    def default_participants(self, turn: Turn) -> tuple[MemberView, ...]:
        """The members who answered the latest assessment (all members when none did)."""
        view = turn.assessment
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

    def cmd_plan(self, turn: Turn, rest: str) -> Outcome:
        self.member_only(turn)
        self.no_active(turn)
        form = forms.plan_form(turn.lang, turn.members, self.plan_values(turn, rest))
        return Outcome(out=(OpenForm(form),))

    def no_active(self, turn: Turn) -> None:
        m = meetings_of(turn).active
        if m is not None:
            raise Refusal("mt.err.active", number=m.number, when=self.look(turn).when(m))

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
        mode = values.get("mode", "live").strip()
        if mode not in ("live", "async"):
            errors["mode"] = t(lang, "mt.err.bad_mode")
        window = _number(values.get("window", ""), *WINDOW_DAYS) if mode == "async" else 0
        if window is None:
            errors["window"] = t(lang, "mt.err.bad_number", low=WINDOW_DAYS[0], high=WINDOW_DAYS[1])
        limit = _number(values.get("themes", ""), *THEME_LIMIT)
        if limit is None:
            errors["themes"] = t(lang, "mt.err.bad_number", low=THEME_LIMIT[0], high=THEME_LIMIT[1])
        focus = _elements(values.get("focus", ""), len(self.catalogue.elements))
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
            assessment_id=turn.assessment.id if turn.assessment else None,
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

    # status, summary, cancel
    def cmd_status(self, turn: Turn, _rest: str) -> Outcome:
        data = meetings_of(turn)
        m = data.active or data.latest
        if m is None:
            raise Refusal("mt.err.none")
        look = self.look(turn)
        msg = (
            views.status_message(look, turn, m)
            if m.is_active
            else views.root_message(look, m, turn.assessment)
        )
        return Outcome(out=(Post(msg, ToActorOnly()),))

    def cmd_summary(self, turn: Turn, rest: str) -> Outcome:
        data = meetings_of(turn)
        m = data.by_number(int(rest)) if rest.isdigit() else data.last_done
        if m is None or m.status != "done":
            raise Refusal("mt.err.no_summary")
        msg = views.summary_message(self.look(turn), m, data, turn.assessment)
        return Outcome(out=(Post(msg, ToActorOnly()),))

    def cmd_cancel(self, turn: Turn, _rest: str) -> Outcome:
        m = self.active(turn)
        self.facilitator_only(turn, m)
        return outcome([CancelMeeting(m.id)], [refresh("root", m.id)]) + announce(
            turn, "mt.ok.cancelled", who=turn.actor.name, number=m.number
        )

    # preparation
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
        return outcome([op], [refresh("root", m.id)]) + tell(turn, "mt.ok.prepared")

    def join(self, turn: Turn, mid: int | None) -> Outcome:
        self.member_only(turn)
        m = self.active(turn, mid)
        if m.participant(turn.actor.external_id):
            raise Refusal("mt.ok.already_participant")
        return outcome([JoinMeeting(m.id)], [refresh("root", m.id)]) + tell(turn, "mt.ok.joined")

    # steps
    def start(self, turn: Turn, mid: int | None) -> Outcome:
        m = self.active(turn, mid)
        if m.status != "planned":
            raise Refusal("mt.err.already_started")
        self.facilitator_only(turn, m)
        return start(meetings_of(turn), m)

    def next(self, turn: Turn, mid: int | None, step: int | None) -> Outcome:
        m = self.active(turn, mid)
        self.facilitator_only(turn, m)
        if m.status == "planned":
            raise Refusal("mt.err.not_started")
        if step is not None and step != m.step:
            raise Refusal("mt.err.step_moved", name=step_name(m.step, turn.lang))
        confirming = turn.state_kind == CONFIRM_FINISH and turn.state_data.get("mid") == m.id
        if m.step == ACT and not meetings_of(turn).of_meeting(m.id) and not confirming:
            return outcome([_state(CONFIRM_FINISH, {"mid": m.id})]) + tell(
                turn, "mt.confirm.finish"
            )
        done = advance(m, auto=False)
        return done + outcome([_state(None)]) if confirming else done

    # Udforsk
    def cmd_observe(self, turn: Turn, rest: str) -> Outcome:
        m = self.running(turn, None, EXPLORE)
        if not rest:
            return Outcome(out=(OpenForm(forms.observation_form(turn.lang, m.id, {})),))
        error = check(rest, "observation", turn.lang)
        if error:
            raise Refusal("err.input", error=error)
        return self.save_observation(turn, m, rest)

    def save_observation(self, turn: Turn, m: MeetingView, text: str) -> Outcome:
        self.member_only(turn)
        return outcome(
            [AddObservation(m.id, text.strip())], [refresh("observations", m.id)]
        ) + tell(turn, "mt.ok.observation")

    def votes(self, turn: Turn, mid: int, chunk: int, selected: str) -> Outcome:
        m = self.running(turn, mid, EXPLORE)
        if m.participant(turn.actor.external_id) is None:
            raise Refusal("mt.err.not_participant")
        among = views.chunk_ids(m, chunk)
        positions = _ids(selected)
        chosen = views.chosen_ids(m, chunk, positions) if positions is not None else None
        if among is None or chosen is None:
            raise Refusal("err.bad_action")
        elsewhere = [oid for oid in m.votes_of(turn.actor.external_id) if oid not in among]
        total = len(elsewhere) + len(chosen)
        if total > m.theme_limit:
            raise Refusal("mt.err.too_many_votes", limit=m.theme_limit, n=total)
        shown = ", ".join(str(m.position(oid)) for oid in sorted(chosen, key=m.position))
        return outcome([CastVotes(m.id, among, chosen)], [refresh("observations", m.id)]) + tell(
            turn, "mt.ok.voted" if chosen else "mt.ok.unvoted", list=shown
        )

    def cmd_themes(self, turn: Turn, rest: str) -> Outcome:
        m = self.running(turn, None, EXPLORE)
        self.facilitator_only(turn, m)
        if not rest:
            return self.themes_picker(turn, m)
        positions = _ids(rest.replace(" ", ","))
        if not positions or any(not 1 <= p <= len(m.observations) for p in positions):
            raise Refusal("mt.err.bad_positions", n=len(m.observations))
        chosen = tuple(m.observations[p - 1].id for p in positions)
        return self.set_themes(turn, m, tuple(o.id for o in m.observations), chosen)

    def themes_picker(self, turn: Turn, m: MeetingView) -> Outcome:
        if not m.observations:
            raise Refusal("mt.obs.none")
        pre = tuple(t.observation_id for t in m.themes if t.observation_id) or auto_themes(m)
        return Outcome(out=(Post(views.themes_picker(self.look(turn), m, pre), ToActorOnly()),))

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

    def save_interpretation(self, turn: Turn, m: MeetingView, tid: int, text: str) -> Outcome:
        self.member_only(turn)
        return outcome(
            [AddInterpretation(m.id, tid, text.strip())], [refresh("theme", f"{m.id}-{tid}")]
        ) + tell(turn, "mt.ok.interpretation")

    # Forbered handling
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
        months = _number(months_text, *PAPER_MONTHS) if months_text else None
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

    # ---- agreements ----
    def cmd_agreements(self, turn: Turn, rest: str) -> Outcome:
        which = LIST_WORDS.get(rest.casefold(), "open") if rest else "open"
        items = listed(meetings_of(turn), which, turn.actor.external_id)
        title, empty = {
            "open": ("ag.list.open", "ag.list.none_open"),
            "mine": ("ag.list.mine", "ag.list.none_mine"),
            "all": ("ag.list.all", "ag.list.none"),
        }[which]
        msg = views.agreements_list(self.look(turn), items, title, empty)
        return Outcome(out=(Post(msg, ToActorOnly()),))

    def cmd_agreement(self, turn: Turn, rest: str) -> Outcome:
        """`aftale 3 gennemført: vi lærte …`"""
        number, _, tail = rest.partition(" ")
        status_text, sep, note = tail.partition(":")
        a = meetings_of(turn).agreement_by_number(int(number)) if number.isdigit() else None
        status = parse_status(status_text)
        if a is None or status is None:
            raise Refusal("ag.err.usage")
        return self.set_status(turn, a, status, note.strip() if sep else None)

    def agreement(self, turn: Turn, aid: int) -> AgreementView:
        a = meetings_of(turn).agreement(aid)
        if a is None:
            raise Refusal("err.bad_action")
        return a

    def set_status(self, turn: Turn, a: AgreementView, status: str, note: str | None) -> Outcome:
        self.member_only(turn)
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

    # ---- clicks and forms ----
    def interaction(self, turn: Turn, event: Interaction) -> Outcome:
        try:
            action = actions.decode(event.action)
            return self.dispatch(turn, action, event.values)
        except actions.BadAction:
            raise Refusal("err.bad_action") from None

    def dispatch(self, turn: Turn, a: actions.Action, values: dict[str, str]) -> Outcome:
        verb = a.verb
        if verb == "mt-plan":
            return self.cmd_plan(turn, "")
        if verb == "mtf-plan":
            return self.submit_plan(turn, values)
        if verb == "ag-st":
            status = a.arg(1)
            if status not in STATUSES:
                raise actions.BadAction(status)
            return self.set_status(turn, self.agreement(turn, a.int_arg(0)), status, None)
        if verb == "ag-note":
            ag = self.agreement(turn, a.int_arg(0))
            form = forms.learned_form(
                turn.lang, ag.id, ag.number, {"status": ag.status, "note": ag.learned or ""}
            )
            return Outcome(out=(OpenForm(form),))
        if verb == "agf-note":
            return self.submit_learned(turn, self.agreement(turn, a.int_arg(0)), values)
        mid = a.int_arg(0)
        match verb:
            case "mt-prep":
                return self.open_preparation(turn, mid)
            case "mtf-prep":
                return self.submit_preparation(turn, mid, values)
            case "mt-join":
                return self.join(turn, mid)
            case "mt-start":
                return self.start(turn, mid)
            case "mt-next":
                return self.next(turn, mid, a.int_arg(1))
            case "mt-obs":
                self.running(turn, mid, EXPLORE)
                return Outcome(out=(OpenForm(forms.observation_form(turn.lang, mid, {})),))
            case "mtf-obs":
                m = self.running(turn, mid, EXPLORE)
                error = check(values.get("text", ""), "observation", turn.lang)
                if error:
                    return reject(forms.observation_form(turn.lang, mid, values), {"text": error})
                return self.save_observation(turn, m, values["text"])
            case "mt-vote":
                return self.votes(turn, mid, a.int_arg(1), values.get("selected", ""))
            case "mt-themes":
                m = self.running(turn, mid, EXPLORE)
                self.facilitator_only(turn, m)
                return self.themes_picker(turn, m)
            case "mtf-themes":
                m = self.running(turn, mid, EXPLORE)
                self.facilitator_only(turn, m)
                among = views.chunk_ids(m, a.int_arg(1))
                positions = _ids(values.get("selected", ""))
                chosen = (
                    views.chosen_ids(m, a.int_arg(1), positions) if positions is not None else None
                )
                if among is None or chosen is None:
                    raise Refusal("err.bad_action")
                return self.set_themes(turn, m, among, chosen)
            case "mt-int" | "mtf-int":
                m = self.running(turn, mid, INTERPRET)
                theme = m.theme(a.int_arg(1))
                if theme is None:
                    raise Refusal("err.bad_action")
                if verb == "mt-int":
                    form = forms.interpretation_form(turn.lang, mid, theme.id, theme.title, {})
                    return Outcome(out=(OpenForm(form),))
                error = check(values.get("text", ""), "interpretation", turn.lang)
                if error:
                    form = forms.interpretation_form(turn.lang, mid, theme.id, theme.title, values)
                    return reject(form, {"text": error})
                return self.save_interpretation(turn, m, theme.id, values["text"])
            case "mt-paper":
                return self.open_paper(turn, mid)
            case "mtf-paper":
                return self.submit_paper(turn, mid, values)
            case "mt-act":
                return self.open_action(turn, mid)
            case "mtf-act":
                return self.submit_action(turn, mid, values)
        raise Refusal("err.bad_action")

    def submit_learned(self, turn: Turn, a: AgreementView, values: Mapping[str, str]) -> Outcome:
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
            return reject(forms.learned_form(turn.lang, a.id, a.number, values), errors)
        return self.set_status(turn, a, status, values["note"].strip())


def _state(kind: str | None, data: dict[str, object] | None = None) -> SetDialogState:
    return SetDialogState(kind, data or {})


def _number(text: str, low: int, high: int) -> int | None:
    s = text.strip()
    if not s.isdigit():
        return None
    value = int(s)
    return value if low <= value <= high else None


def _ids(text: str) -> tuple[int, ...] | None:
    """`"3,5"` → (3, 5); None when something is not a number."""
    parts = [p for p in re.split(r"[,\s]+", text.strip()) if p]
    if any(not p.isdigit() for p in parts):
        return None
    return tuple(dict.fromkeys(int(p) for p in parts))


def _elements(text: str, count: int) -> tuple[int, ...] | None:
    ids = _ids(text.replace(".", " "))
    if ids is None or any(not 1 <= n <= count for n in ids):
        return None
    return ids
