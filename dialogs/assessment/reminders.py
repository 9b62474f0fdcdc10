"""The assessment's reminders: private nudges to members who have not answered, and the
invitation to measure again a while after a round closed (see dialogs/reminders/queue.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from dialogs import actions
from dialogs.assessment.model import AssessmentView, assessment_of
from dialogs.assessment.render import element_posted
from dialogs.assessment.team import member_applies
from dialogs.calendar import add_months, local, shift_working_days, utc, window_start_on
from dialogs.effects import Outcome, Post
from dialogs.i18n import format_date, t
from dialogs.messages import Button, Buttons, Text, ToChannel, ToMember
from dialogs.reminders.model import reminder_data
from dialogs.reminders.queue import Planned, ReminderKinds, ReminderView, ScheduleReminders, message
from dialogs.settings import ChannelPrefs, prefs
from dialogs.turn import Turn
from scoring.catalogue import Catalogue

NUDGE_ROUND = "nudge_round"  # fans out into one private nudge per member who has not answered
NUDGE = "nudge"
REASSESS = "reassess"
ASSESSMENT = "assessment"  # the rows' subject type


# ---- planners ----
def plan_nudge_rounds(aid: int, started_at: datetime, p: ChannelPrefs) -> list[Planned]:
    """Rounds of private nudges: every `nudge_every` working days after the start, at most
    `nudge_max` of them (at the start's wall-clock time, moved into the delivery window)."""
    cal = p.calendar
    return [
        Planned(
            NUDGE_ROUND,
            f"nudge:{aid}:r{k}",
            shift_working_days(started_at, k * p.nudge_every, cal),
            ASSESSMENT,
            aid,
            payload={"aid": aid, "round": k},
        )
        for k in range(1, p.nudge_max + 1)
    ]


def plan_reassessment(aid: int, closed_at: datetime, p: ChannelPrefs) -> Planned:
    """The invitation to measure again: `reassess_months` after closing, when the window opens
    on that day (or the next working day)."""
    cal = p.calendar
    day = add_months(local(closed_at, cal).date(), p.reassess_months)
    return Planned(
        REASSESS,
        f"reassess:{aid}",
        window_start_on(day, cal),
        ASSESSMENT,
        aid,
        payload={"aid": aid, "months": p.reassess_months},
    )


def plan_member_nudges(
    aid: int, round_no: int, due: datetime, members: Sequence[str], *, late: bool = False
) -> list[Planned]:
    return [
        Planned(
            NUDGE,
            f"nudge:{aid}:r{round_no}:{m}",
            utc(due),
            ASSESSMENT,
            aid,
            recipient=m,
            payload={"aid": aid, "round": round_no},
            late=late,
        )
        for m in members
    ]


# ---- builders ----
@dataclass
class _Progress:
    """Per member: questions they still have to answer in the open round (computed once)."""

    todo: dict[str, int]
    answered_any: set[str]


class AssessmentReminders:
    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue

    def kinds(self) -> ReminderKinds:
        return ReminderKinds(
            {NUDGE_ROUND: self.nudge_round, NUDGE: self.nudge, REASSESS: self.reassess}
        )

    def open_round(self, turn: Turn, row: ReminderView) -> AssessmentView | None:
        view = assessment_of(turn)
        if view is None or not view.is_open or view.id != row.payload.get("aid"):
            return None
        return view

    def progress(self, view: AssessmentView, turn: Turn, memo: dict[str, object]) -> _Progress:
        cached = memo.get(f"progress:{view.id}")
        if isinstance(cached, _Progress):
            return cached
        posted = [
            q
            for e in self.catalogue.elements
            if element_posted(view, e.number)
            for q in e.questions
        ]
        todo: dict[str, int] = {}
        answered: set[str] = set()
        for m in turn.members:
            mine = {
                qid
                for qid, rows in view.answers.items()
                for a in rows
                if a.member_external_id == m.external_id and a.value
            }
            if mine:
                answered.add(m.external_id)
            todo[m.external_id] = sum(
                1 for q in posted if q.id not in mine and member_applies(q, view, m.external_id)
            )
        result = _Progress(todo, answered)
        memo[f"progress:{view.id}"] = result
        return result

    def nudge_round(self, turn: Turn, row: ReminderView, memo: dict[str, object]) -> Outcome:
        view = self.open_round(turn, row)
        if view is None:
            return Outcome()
        progress = self.progress(view, turn, memo)
        behind = [m for m, n in progress.todo.items() if n > 0]
        if not behind:
            return Outcome()
        round_no = int(str(row.payload.get("round", 0)))
        rows = plan_member_nudges(view.id, round_no, row.due_at, behind, late=row.late)
        return Outcome(ops=(ScheduleReminders(tuple(rows)),))

    def nudge(self, turn: Turn, row: ReminderView, memo: dict[str, object]) -> Outcome:
        view = self.open_round(turn, row)
        me = row.recipient
        if view is None or me is None:
            return Outcome()
        progress = self.progress(view, turn, memo)
        missing = progress.todo.get(me, 0)
        if missing == 0:
            return Outcome()
        colleagues = [m for m in progress.todo if m != me]
        done = sum(1 for m in colleagues if progress.todo[m] == 0 and m in progress.answered_any)
        lang = turn.lang
        title = t(lang, "rem.nudge.title", practice=view.practice_name)
        body = t(lang, "rem.nudge.body", n=missing, done=done, total=len(colleagues))
        button = Button(t(lang, "rem.nudge.button"), actions.encode("r-qs", view.id), "primary")
        blocks = (Text(title, "header"), Text(body), Buttons((button,)))
        msg = message(lang, blocks, f"{title}\n{body}", row.late)
        return Outcome(out=(Post(msg, ToMember(me)),))

    def reassess(self, turn: Turn, row: ReminderView, memo: dict[str, object]) -> Outcome:
        data = reminder_data(turn)
        ref = next((r for r in data.rounds if r.id == row.subject_id), None)
        if ref is None or ref.status != "closed":
            return Outcome()
        same = ref.practice.casefold()
        newer = any(
            r.practice.casefold() == same and r.round_no > ref.round_no for r in data.rounds
        )
        if newer or ref.closed_at is None:
            return Outcome()  # they have measured this practice again already
        lang = turn.lang
        cal = prefs(turn).calendar
        closed, today = local(ref.closed_at, cal).date(), local(turn.now, cal).date()
        title = t(lang, "rem.reassess.title", practice=ref.practice)
        body = t(
            lang,
            "rem.reassess.body",
            practice=ref.practice,
            round=ref.round_no,
            date=format_date(closed, lang),
            months=(today.year - closed.year) * 12 + today.month - closed.month,
        )
        label = t(lang, "rem.reassess.button", round=ref.round_no + 1)
        button = Button(label, actions.encode("r-again", ref.id), "primary")
        blocks = (Text(title, "header"), Text(body), Buttons((button,)))
        return Outcome(
            out=(Post(message(lang, blocks, f"{title}\n{body}", row.late), ToChannel()),)
        )
