"""The results discussion (booklet 1's proposed process after a measurement): a pure step from
(turn, event) to data operations and messages. No awaits, no clock reads: time is `turn.now`.

After an assessment is closed the facilitator starts it, live (the facilitator moves the team
on) or asynchronously (each step open for some working days, closed on schedule):
  1. *Hver for sig* — each person privately notes strengths, development potentials and
     surprises;
  2. *Runden* — the notes are shared, grouped by the three questions;
  3. *Laveste scorer* — the questions behind the lowest element scores, with the team's
     answers and comments;
  4. *Prioritering* — each person picks up to N potentials; the result lists them by votes,
     and the prioritised ones become agreements or the data basis of a reflection meeting.

Commands (Danish first, English aliases): drøftelse start [live|asynkron [dage]] · drøftelse ·
drøftelse noter · drøftelse styrke|potentiale|overraskelse <tekst> · drøftelse næste ·
drøftelse stem 1,3 · drøftelse resultat · drøftelse aftale <nr> · drøftelse møde ·
drøftelse aflys
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from dialogs.actions import Action, BadAction
from dialogs.assessment import assessment_of
from dialogs.discussion import meeting
from dialogs.discussion import views as v
from dialogs.discussion.agreements import agreement_form, agreement_op
from dialogs.discussion.forms import (
    DEFAULT_VOTES,
    DEFAULT_WINDOW,
    FIELD_OF,
    ITEMS_PER_KIND,
    VOTE_LIMITS,
    WINDOW_DAYS,
    check_item,
    notes_form,
    number,
    parse_items,
    potential_form,
    start_form,
)
from dialogs.discussion.model import (
    KINDS,
    LOWEST,
    NOTES,
    OWNER,
    POTENTIAL,
    ROUND,
    STRENGTH,
    SURPRISE,
    VOTE,
    DiscussionView,
    NoteView,
    discussion_of,
)
from dialogs.discussion.ops import (
    AddNote,
    CancelDiscussion,
    CastDiscussionVotes,
    MarkPotentialAgreed,
    SetNotes,
    StartDiscussion,
)
from dialogs.discussion.render import Renderer, assessment_for
from dialogs.discussion.results import lowest_elements
from dialogs.discussion.steps import advance, outcome, refresh
from dialogs.effects import OpenForm, Outcome, Post, Refresh, RejectForm
from dialogs.feature import FeatureDialog, Values, command, verb
from dialogs.i18n import t
from dialogs.meetings import MeetingsDialog, meetings_of
from dialogs.meetings.when import step_deadlines, zone
from dialogs.messages import Form, ToActorOnly
from dialogs.replies import Refusal, announce, reject, show_help, tell
from dialogs.turn import Turn
from scoring.catalogue import Catalogue
from scoring.table import ScoringTable

# The first word of every command.
DISCUSSION = ("drøftelse", "droeftelse", "drøft", "resultatdrøftelse", "discussion", "discuss")

MODE_WORDS = {
    "live": "live",
    "asynkron": "async",
    "asynkront": "async",
    "asynk": "async",
    "async": "async",
    "asynchronous": "async",
}
NONE_WORDS = frozenset({"ingen", "none", "-", "0"})


def numbers(text: str) -> tuple[int, ...] | None:
    """`"3,5"` / `"3 5"` → (3, 5); None when something is not a number."""
    parts = [p for p in re.split(r"[,;\s]+", text.strip()) if p]
    if any(not (p.isascii() and p.isdigit()) for p in parts):
        return None
    return tuple(dict.fromkeys(int(p) for p in parts))


class DiscussionDialog(FeatureDialog):
    name = OWNER
    reads = frozenset({OWNER, "assessment"})
    bad_action = "err.bad_action"

    def __init__(self, catalogue: Catalogue, table: ScoringTable) -> None:
        self.catalogue, self.table = catalogue, table
        self.renderer = Renderer(catalogue, table)
        # Planning a meeting from the result reuses the meetings feature's plan form and checks.
        self.meetings = MeetingsDialog(catalogue, table)

    def render(self, refresh: Refresh, turn: Turn) -> list[Post]:
        return self.renderer.render(refresh, turn)

    # ---- checks ----
    def current(self, turn: Turn, did: int | None = None) -> DiscussionView:
        d = discussion_of(turn)
        if did is not None and (d is None or d.id != did):
            raise Refusal("dc.err.not_this")  # an older discussion's button, or made up
        if d is None:
            raise Refusal("dc.err.none")
        return d

    def running(self, turn: Turn, did: int | None = None) -> DiscussionView:
        d = self.current(turn, did)
        if not d.is_running:
            raise Refusal("dc.err.not_running")
        return d

    def at_step(self, turn: Turn, did: int | None, *steps: int) -> DiscussionView:
        d = self.running(turn, did)
        if d.step not in steps:
            raise Refusal(
                f"dc.err.step.{steps[0]}", step=d.step, name=v.step_name(self.look(turn), d.step)
            )
        return d

    def done(self, turn: Turn, did: int | None = None) -> DiscussionView:
        d = self.current(turn, did)
        if d.status != "done":
            raise Refusal("dc.err.not_done")
        return d

    def facilitator_only(self, turn: Turn) -> None:
        if not turn.is_facilitator:
            raise Refusal("dc.err.facilitator_only")

    def member_only(self, turn: Turn) -> None:
        if turn.actor.role == "system":
            raise Refusal("err.bad_action")

    def look(self, turn: Turn) -> v.Look:
        return self.renderer.look(turn)

    def potential(self, d: DiscussionView, number_text: str) -> tuple[int, NoteView]:
        word = number_text.strip().lstrip("#").split(" ")[0]
        n = number(word, 1, max(1, len(d.potentials))) if word else None
        note = d.potential(n) if n is not None else None
        if n is None or note is None:
            raise Refusal("dc.err.bad_potential", text=word[:12] or "–", n=len(d.potentials))
        return n, note

    def note_by_id(self, d: DiscussionView, note_id: int) -> tuple[int, NoteView]:
        for i, note in enumerate(d.potentials, 1):
            if note.id == note_id:
                return i, note
        raise Refusal("err.bad_action")

    # ---- commands ----
    @command("hjælp", "hjaelp", "help", under=DISCUSSION)
    def cmd_help(self, turn: Turn, _rest: str) -> Outcome:
        return show_help(turn)

    def unknown_command(self, turn: Turn, line: str) -> Outcome:
        words = line.split()
        raise Refusal("dc.err.unknown", word=(words[1] if len(words) > 1 else "")[:40])

    @command("start", "begynd", under=DISCUSSION)
    def cmd_start(self, turn: Turn, rest: str) -> Outcome:
        assessment_id = self.may_start(turn)
        if not rest:
            return Outcome(out=(OpenForm(start_form(turn.lang, {})),))
        words = rest.split()
        mode = MODE_WORDS.get(words[0].casefold())
        if mode is None or len(words) > 2:
            raise Refusal("dc.err.start_usage")
        window = DEFAULT_WINDOW
        if mode == "async" and len(words) == 2:
            days = number(words[1], *WINDOW_DAYS)
            if days is None:
                raise Refusal("dc.err.bad_number", low=WINDOW_DAYS[0], high=WINDOW_DAYS[1])
            window = days
        elif len(words) == 2:
            raise Refusal("dc.err.start_usage")
        return self.start(turn, assessment_id, mode, window, DEFAULT_VOTES)

    @verb("dcf-start")
    def act_submit_start(self, turn: Turn, _a: Action, values: Values) -> Outcome:
        assessment_id = self.may_start(turn)
        lang, errors = turn.lang, {}
        mode = values.get("mode", "live").strip()
        if mode not in ("live", "async"):
            errors["mode"] = t(lang, "dc.err.bad_mode")
        window = number(values.get("window", ""), *WINDOW_DAYS) if mode == "async" else 0
        if window is None:
            errors["window"] = t(lang, "dc.err.bad_number", low=WINDOW_DAYS[0], high=WINDOW_DAYS[1])
        votes = number(values.get("votes", ""), *VOTE_LIMITS)
        if votes is None:
            errors["votes"] = t(lang, "dc.err.bad_number", low=VOTE_LIMITS[0], high=VOTE_LIMITS[1])
        if errors or window is None or votes is None:
            return reject(start_form(lang, values), errors)
        return self.start(turn, assessment_id, mode, window, votes)

    def may_start(self, turn: Turn) -> int:
        """The closed round a new discussion would be about; refuses when there is none, it is
        still open, a discussion is running or this round has been discussed."""
        view = assessment_of(turn)
        if view is None:
            raise Refusal("dc.err.no_assessment")
        if view.is_open:
            raise Refusal("dc.err.assessment_open", round=view.round_no)
        self.facilitator_only(turn)
        d = discussion_of(turn)
        if d is not None and d.is_running:
            raise Refusal("dc.err.running", step=d.step, name=v.step_name(self.look(turn), d.step))
        if d is not None and d.status == "done" and d.assessment_id == view.id:
            raise Refusal("dc.err.already_done", round=view.round_no)
        return view.id

    def start(self, turn: Turn, assessment_id: int, mode: str, window: int, votes: int) -> Outcome:
        deadlines = step_deadlines(turn.now, window, zone(turn)) if mode == "async" else ()
        op = StartDiscussion(
            assessment_id, mode, window if mode == "async" else 0, votes, deadlines
        )
        # The new discussion's id is not known before the operation: render the newest.
        return outcome([op], [Refresh("started", None, owner=OWNER)])

    @command("status", under=DISCUSSION)
    @command(under=DISCUSSION)
    def cmd_status(self, turn: Turn, _rest: str) -> Outcome:
        d = self.current(turn)
        msg = v.my_notes_message(self.look(turn), turn, d)
        return Outcome(out=(Post(msg, ToActorOnly()),))

    @command("næste", "naeste", "videre", "next", under=DISCUSSION)
    def cmd_next(self, turn: Turn, _rest: str) -> Outcome:
        return self.next(turn, None, None)

    @verb("dc-next")
    def act_next(self, turn: Turn, a: Action, _values: Values) -> Outcome:
        return self.next(turn, a.int_arg(0), a.int_arg(1))

    def next(self, turn: Turn, did: int | None, step: int | None) -> Outcome:
        d = self.running(turn, did)
        self.facilitator_only(turn)
        if step is not None and step != d.step:
            raise Refusal(
                "dc.err.step_moved", step=d.step, name=v.step_name(self.look(turn), d.step)
            )
        return advance(d, auto=False)

    @command("aflys", "annuller", "cancel", under=DISCUSSION)
    def cmd_cancel(self, turn: Turn, _rest: str) -> Outcome:
        d = self.running(turn)
        self.facilitator_only(turn)
        return outcome([CancelDiscussion(d.id)], [refresh("root", d.id)]) + announce(
            turn, "dc.ok.cancelled", who=turn.actor.name
        )

    # step 1 (and 2–3): notes
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

    # step 4: the vote
    @command("stem", "stemme", "vote", under=DISCUSSION)
    def cmd_vote(self, turn: Turn, rest: str) -> Outcome:
        self.member_only(turn)
        d = self.at_step(turn, None, VOTE)
        among = tuple(n.id for n in d.potentials)
        if rest.strip().casefold() in NONE_WORDS:
            return self.votes(turn, d, among, ())
        chosen = numbers(rest)
        if not chosen or any(not 1 <= p <= len(d.potentials) for p in chosen):
            raise Refusal("dc.err.bad_numbers", n=len(d.potentials))
        return self.votes(turn, d, among, tuple(d.potentials[p - 1].id for p in chosen))

    @verb("dc-vote")
    def act_vote(self, turn: Turn, a: Action, values: Values) -> Outcome:
        self.member_only(turn)
        d = self.at_step(turn, a.int_arg(0), VOTE)
        chunk = a.int_arg(1)
        groups = v.chunks(d.potentials)
        if not 0 <= chunk < len(groups):
            raise Refusal("err.bad_action")
        first = chunk * v.OPTIONS_PER_SELECT + 1
        picked = numbers(values.get("selected", ""))
        group = groups[chunk]
        if picked is None or any(not first <= p < first + len(group) for p in picked):
            raise Refusal("err.bad_action")
        among = tuple(n.id for n in group)
        return self.votes(turn, d, among, tuple(group[p - first].id for p in picked))

    def votes(
        self, turn: Turn, d: DiscussionView, among: tuple[int, ...], chosen: tuple[int, ...]
    ) -> Outcome:
        elsewhere = [nid for nid in d.votes_of(turn.actor.external_id) if nid not in among]
        total = len(elsewhere) + len(chosen)
        if total > d.vote_limit:
            raise Refusal("dc.err.too_many_votes", limit=d.vote_limit, n=total)
        shown = ", ".join(str(d.number_of(nid)) for nid in sorted(chosen, key=d.number_of))
        return outcome([CastDiscussionVotes(d.id, among, chosen)], [refresh("vote", d.id)]) + tell(
            turn, "dc.ok.voted" if chosen else "dc.ok.unvoted", list=shown
        )

    # the result
    @command("resultat", "result", under=DISCUSSION)
    def cmd_result(self, turn: Turn, _rest: str) -> Outcome:
        d = self.done(turn)
        msg = v.result_message(self.look(turn), d, assessment_for(turn, d))
        return Outcome(out=(Post(msg, ToActorOnly()),))

    @command("aftale", "agreement", "agree", under=DISCUSSION)
    def cmd_agree(self, turn: Turn, rest: str) -> Outcome:
        d = self.done(turn)
        self.facilitator_only(turn)
        return self.open_agreement(turn, d, *self.potential(d, rest))

    @verb("dc-agree")
    def act_agree(self, turn: Turn, a: Action, _values: Values) -> Outcome:
        d = self.done(turn, a.int_arg(0))
        self.facilitator_only(turn)
        return self.open_agreement(turn, d, *self.note_by_id(d, a.int_arg(1)))

    def open_agreement(self, turn: Turn, d: DiscussionView, n: int, note: NoteView) -> Outcome:
        if note.agreed:
            raise Refusal("dc.err.already_agreed", number=n)
        return Outcome(out=(OpenForm(agreement_form(turn, d.id, n, note, {})),))

    @verb("dcf-agree")
    def act_submit_agreement(self, turn: Turn, a: Action, values: Values) -> Outcome:
        d = self.done(turn, a.int_arg(0))
        self.facilitator_only(turn)
        n, note = self.note_by_id(d, a.int_arg(1))
        if note.agreed:
            raise Refusal("dc.err.already_agreed", number=n)
        result = agreement_op(turn, d.id, n, note, values)
        if isinstance(result, Form):
            return Outcome(out=(RejectForm(result),))
        return outcome(
            [result, MarkPotentialAgreed(d.id, note.id)], [refresh("result", d.id)]
        ) + announce(turn, "dc.ok.agreed", who=turn.actor.name, number=n, what=result.what[:80])

    @command("møde", "moede", "meeting", under=DISCUSSION, reads=("meetings",))
    def cmd_meeting(self, turn: Turn, _rest: str) -> Outcome:
        return self.open_meeting(turn, None)

    @verb("dc-meet", reads=("meetings",))
    def act_meeting(self, turn: Turn, a: Action, _values: Values) -> Outcome:
        return self.open_meeting(turn, a.int_arg(0))

    def ready_for_meeting(self, turn: Turn, did: int | None) -> DiscussionView:
        d = self.done(turn, did)
        self.facilitator_only(turn)
        if not d.potentials:
            raise Refusal("dc.err.no_potentials_result")
        if d.meeting_planned_at is not None:
            raise Refusal("dc.err.meeting_planned")
        active = meetings_of(turn).active
        if active is not None:
            raise Refusal("dc.err.meeting_active", number=active.number)
        return d

    def open_meeting(self, turn: Turn, did: int | None) -> Outcome:
        d = self.ready_for_meeting(turn, did)
        assessment = assessment_for(turn, d)
        lowest = lowest_elements(assessment, self.catalogue, self.table)[0] if assessment else []
        form = meeting.plan_form(self.meetings, turn, d, meeting.focus_of(d, lowest))
        return Outcome(out=(OpenForm(form),))

    @verb("dcf-meet", reads=("meetings",))
    def act_submit_meeting(self, turn: Turn, a: Action, values: Mapping[str, str]) -> Outcome:
        d = self.ready_for_meeting(turn, a.int_arg(0))
        return meeting.carried_over(self.meetings.submit_plan(turn, values), turn, d)
