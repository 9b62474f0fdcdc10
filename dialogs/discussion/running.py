"""Running the discussion: starting it (live or asynchronous), its status, moving it on,
cancelling it."""

from __future__ import annotations

from dialogs.actions import Action
from dialogs.assessment import assessment_of
from dialogs.discussion import views as v
from dialogs.discussion.base import DISCUSSION, MODE_WORDS, DiscussionBase
from dialogs.discussion.forms import (
    DEFAULT_VOTES,
    DEFAULT_WINDOW,
    VOTE_LIMITS,
    WINDOW_DAYS,
    start_form,
)
from dialogs.discussion.model import (
    OWNER,
    discussion_of,
)
from dialogs.discussion.ops import (
    CancelDiscussion,
    StartDiscussion,
)
from dialogs.discussion.steps import advance, outcome, refresh
from dialogs.effects import OpenForm, Outcome, Post, Refresh
from dialogs.feature import Values, command, verb
from dialogs.forms import mode_and_window, number
from dialogs.i18n import t
from dialogs.meetings.when import step_deadlines, zone
from dialogs.messages import ToActorOnly
from dialogs.replies import Refusal, announce, reject, show_help
from dialogs.turn import Turn


class Running(DiscussionBase):
    @command("hjælp", "hjaelp", "help", under=DISCUSSION)
    def cmd_help(self, turn: Turn, _rest: str) -> Outcome:
        return show_help(turn, "drøftelse")

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
        lang = turn.lang
        errors: dict[str, str] = {}
        mode, window = mode_and_window(values, lang, "dc", WINDOW_DAYS, errors)
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
