"""Reminders, pure: which reminders a piece of domain state calls for, and what they say.

- The *planners* turn facts (an assessment started or closed, an agreement with a due date, a
  planned meeting) and the channel's settings into `Planned` rows with a stable key; the
  storage side writes missing rows and cancels rows that no longer apply, so planning is
  idempotent and can be re-run at any time (at start, on every sweep).
- `RemindersDialog.build` turns a due row into an `Outcome` at send time, from the current
  `Turn`: a reminder whose reason has gone (the member has answered, the agreement is done)
  builds nothing and is cancelled.

No awaits, no clock reads: time comes in as arguments.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from dialogs import actions
from dialogs import effects as fx
from dialogs.calendar import (
    add_months,
    add_working_days,
    at_local,
    is_working_day,
    local,
    shift_working_days,
    utc,
    window_start_on,
    working_days_before,
)
from dialogs.effects import Outcome, Post, Refresh
from dialogs.events import Command, Event, Interaction
from dialogs.i18n import format_date, t
from dialogs.meetings import AgreementView, due_step_advances, meetings_of, status_buttons
from dialogs.messages import Block, Button, Buttons, Message, Text, ToActorOnly, ToChannel, ToMember
from dialogs.model import AssessmentView, Turn
from dialogs.refresh import element_posted
from dialogs.settings import ChannelPrefs, as_ops, prefs
from dialogs.team import member_applies
from scoring.catalogue import Catalogue

# Kinds of reminder rows.
NUDGE_ROUND = "nudge_round"  # fans out into one private nudge per member who has not answered
NUDGE = "nudge"
REASSESS = "reassess"
AGREEMENT_BEFORE = "agreement_before"  # to the owner, `lead_days` working days before
AGREEMENT_DUE = "agreement_due"  # to the owner, on the due date
AGREEMENT_OVERDUE = "agreement_overdue"  # to the follow-up person, the working day after
AGREEMENT_KINDS = (AGREEMENT_BEFORE, AGREEMENT_DUE, AGREEMENT_OVERDUE)
MEETING_PREP = "meeting_prep"  # fans out to the participants who have not prepared
MEETING_PREP_MEMBER = "meeting_prep_member"
MEETING_STEP = "meeting_step"  # an async meeting's start or step end: the meetings feature acts

# Kinds that are transitions rather than messages to people: they run at their exact time
# (the team was told when a step closes), not held back to the delivery window.
UNWINDOWED = frozenset({MEETING_STEP})

ASSESSMENT, AGREEMENT, MEETING = "assessment", "agreement", "meeting"  # subject types
PREP_LEAD_DAYS = 1  # preparation reminder: this many working days before the meeting


@dataclass(frozen=True)
class Planned:
    """A reminder row to exist (the key makes scheduling idempotent)."""

    kind: str
    key: str
    due_at: datetime  # UTC
    subject_type: str
    subject_id: int
    recipient: str | None = None  # a member's external id; None for the channel
    payload: dict[str, object] = field(default_factory=dict)
    late: bool = False  # fanned out from a reminder that was itself late


@dataclass(frozen=True)
class ScheduleReminders:
    """Data operation: make these rows exist (applied by `storage.reminders.ReminderStore`)."""

    items: tuple[Planned, ...]


@dataclass(frozen=True)
class ReminderView:
    """A due row as the builder sees it."""

    id: int
    kind: str
    recipient: str | None
    subject_type: str
    subject_id: int
    payload: Mapping[str, object]
    due_at: datetime
    late: bool = False


@dataclass(frozen=True)
class RoundRef:
    id: int
    practice: str
    round_no: int
    status: str
    closed_at: datetime | None


@dataclass(frozen=True)
class Upcoming:
    kind: str
    recipient: str | None
    due_at: datetime


@dataclass(frozen=True)
class ReminderData:
    """What `ReminderStore.load` puts in `turn.extra["reminders"]`."""

    rounds: tuple[RoundRef, ...] = ()
    upcoming: tuple[Upcoming, ...] = ()  # the channel's next pending reminders


def reminder_data(turn: Turn) -> ReminderData:
    data = turn.extra.get("reminders")
    return data if isinstance(data, ReminderData) else ReminderData()


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


def plan_agreement(
    agreement_id: int, due: date, created_at: datetime, owner: str, follow_up: str, p: ChannelPrefs
) -> list[Planned]:
    """Owner: `lead_days` working days before the due date and on it (the last working day up
    to it); follow-up person: the working day after. Each at the window's opening; a reminder
    whose time had passed when the agreement was made is left out. The due date is part of
    the key, so moving it plans new reminders and cancels the old."""
    cal = p.calendar
    created = utc(created_at)
    on_day = due if is_working_day(due) else working_days_before(due, 1)
    times = {
        AGREEMENT_DUE: (at_local(on_day, cal.start, cal), owner),
        AGREEMENT_OVERDUE: (window_start_on(add_working_days(due, 1), cal), follow_up),
    }
    if p.lead_days > 0:
        before = at_local(working_days_before(due, p.lead_days), cal.start, cal)
        times[AGREEMENT_BEFORE] = (before, owner)
    return [
        Planned(
            kind,
            f"agreement:{agreement_id}:{kind.removeprefix('agreement_')}:{due.isoformat()}",
            when,
            AGREEMENT,
            agreement_id,
            recipient=who,
            payload={"agreement": agreement_id, "due": due.isoformat()},
        )
        for kind, (when, who) in times.items()
        if when > created
    ]


def plan_meeting_prep(
    meeting_id: int, scheduled_at: datetime, created_at: datetime, p: ChannelPrefs
) -> list[Planned]:
    """Remind the participants who have not prepared: the working day before the meeting."""
    cal = p.calendar
    day = working_days_before(local(scheduled_at, cal).date(), PREP_LEAD_DAYS)
    when = at_local(day, cal.start, cal)
    if when <= utc(created_at) or when >= utc(scheduled_at):
        return []
    key = f"meeting:{meeting_id}:prep:{utc(scheduled_at).isoformat()}"
    return [Planned(MEETING_PREP, key, when, MEETING, meeting_id, payload={"meeting": meeting_id})]


def plan_meeting_step(meeting_id: int, due_at: datetime) -> Planned:
    """An async meeting's next transition (its start, or the end of a step's window)."""
    key = f"meeting:{meeting_id}:step:{utc(due_at).isoformat()}"
    return Planned(
        MEETING_STEP, key, utc(due_at), MEETING, meeting_id, payload={"meeting": meeting_id}
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


def plan_member_preps(
    meeting_id: int, base_key: str, due: datetime, members: Sequence[str], *, late: bool = False
) -> list[Planned]:
    return [
        Planned(
            MEETING_PREP_MEMBER,
            f"{base_key}:{m}",
            utc(due),
            MEETING,
            meeting_id,
            recipient=m,
            payload={"meeting": meeting_id},
            late=late,
        )
        for m in members
    ]


# ---- messages ----
def late_note(lang: str, late: bool) -> tuple[Block, ...]:
    return (Text(t(lang, "rem.late"), "muted"),) if late else ()


def message(lang: str, blocks: Sequence[Block], fallback: str, late: bool) -> Message:
    note = t(lang, "rem.late") + " " if late else ""
    return Message((*late_note(lang, late), *blocks), note + fallback)


@dataclass
class _Progress:
    """Per member: questions they still have to answer in the open round (computed once)."""

    todo: dict[str, int]
    answered_any: set[str]


Builder = Callable[[Turn, ReminderView, dict[str, object]], Outcome]


class RemindersDialog:
    name = "reminders"
    reads = frozenset({"reminders", "meetings", "settings"})
    aliases: Mapping[str, str] = {
        "påmindelser": "reminders",
        "paamindelser": "reminders",
        "reminders": "reminders",
    }
    verbs = frozenset({"r-qs", "r-again"})

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.builders: dict[str, Builder] = {
            NUDGE_ROUND: self.build_nudge_round,
            NUDGE: self.build_nudge,
            REASSESS: self.build_reassess,
            AGREEMENT_BEFORE: self.build_agreement,
            AGREEMENT_DUE: self.build_agreement,
            AGREEMENT_OVERDUE: self.build_agreement,
            MEETING_PREP: self.build_meeting_prep,
            MEETING_PREP_MEMBER: self.build_meeting_prep_member,
            MEETING_STEP: self.build_meeting_step,
        }

    def render(self, refresh: Refresh, turn: Turn) -> list[Post]:
        return []

    # ---- due rows ----
    def build(
        self, turn: Turn, rows: Sequence[ReminderView], memo: dict[str, object] | None = None
    ) -> list[Outcome]:
        """What to do for each due row of one channel (an empty Outcome: nothing any more).
        `memo` carries what several rows share (who has answered what) while `turn` holds."""
        memo = {} if memo is None else memo
        out = []
        for row in rows:
            builder = self.builders.get(row.kind)
            out.append(builder(turn, row, memo) if builder else Outcome())
        return out

    def open_round(self, turn: Turn, row: ReminderView) -> AssessmentView | None:
        view = turn.assessment
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

    def build_nudge_round(self, turn: Turn, row: ReminderView, memo: dict[str, object]) -> Outcome:
        view = self.open_round(turn, row)
        if view is None:
            return Outcome()
        progress = self.progress(view, turn, memo)
        behind = [m for m, n in progress.todo.items() if n > 0]
        if not behind:
            return Outcome()
        round_no = int(str(row.payload.get("round", 0)))
        rows = plan_member_nudges(view.id, round_no, row.due_at, behind, late=row.late)
        return Outcome(ops=as_ops(ScheduleReminders(tuple(rows))))

    def build_nudge(self, turn: Turn, row: ReminderView, memo: dict[str, object]) -> Outcome:
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
        blocks = (
            Text(title, "header"),
            Text(body),
            Buttons(
                (Button(t(lang, "rem.nudge.button"), actions.encode("r-qs", view.id), "primary"),)
            ),
        )
        msg = message(lang, blocks, f"{title}\n{body}", row.late)
        return Outcome(out=(Post(msg, ToMember(me)),))

    def build_reassess(self, turn: Turn, row: ReminderView, memo: dict[str, object]) -> Outcome:
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
        blocks = (
            Text(title, "header"),
            Text(body),
            Buttons(
                (
                    Button(
                        t(lang, "rem.reassess.button", round=ref.round_no + 1),
                        actions.encode("r-again", ref.id),
                        "primary",
                    ),
                )
            ),
        )
        return Outcome(
            out=(Post(message(lang, blocks, f"{title}\n{body}", row.late), ToChannel()),)
        )

    def build_agreement(self, turn: Turn, row: ReminderView, memo: dict[str, object]) -> Outcome:
        a = meetings_of(turn).agreement(row.subject_id)
        if a is None or not a.is_open or a.due.isoformat() != row.payload.get("due"):
            return Outcome()  # done, dropped, deleted or moved: nothing to remind of
        lang = turn.lang
        kind = row.kind.removeprefix("agreement_")
        to = a.follow_up if row.kind == AGREEMENT_OVERDUE else a.owner
        title = t(lang, f"rem.ag.{kind}.title", number=a.number, date=format_date(a.due, lang))
        body = agreement_text(lang, a, kind)
        blocks = (Text(title, "header"), Text(body), status_buttons(lang, a))
        return Outcome(
            out=(Post(message(lang, blocks, f"{title}\n{a.what}", row.late), ToMember(to)),)
        )

    def build_meeting_prep(self, turn: Turn, row: ReminderView, memo: dict[str, object]) -> Outcome:
        m = meetings_of(turn).meeting(row.subject_id)
        if m is None or m.status != "planned":
            return Outcome()
        behind = [p.external_id for p in m.participants if p.prepared_at is None]
        if not behind:
            return Outcome()
        base = f"meeting:{m.id}:prep:{utc(m.scheduled_at).isoformat()}"
        rows = plan_member_preps(m.id, base, row.due_at, behind, late=row.late)
        return Outcome(ops=as_ops(ScheduleReminders(tuple(rows))))

    def build_meeting_prep_member(
        self, turn: Turn, row: ReminderView, memo: dict[str, object]
    ) -> Outcome:
        m = meetings_of(turn).meeting(row.subject_id)
        me = row.recipient
        if m is None or m.status != "planned" or me is None:
            return Outcome()
        mine = m.participant(me)
        if mine is None or mine.prepared_at is not None:
            return Outcome()
        lang = turn.lang
        here = local(m.scheduled_at, prefs(turn).calendar)
        when = f"{format_date(here.date(), lang)} {here:%H:%M}"
        prepared = sum(1 for p in m.participants if p.prepared_at is not None)
        title = t(lang, "rem.prep.title", number=m.number, when=when)
        body = t(lang, "rem.prep.body", done=prepared, total=len(m.participants))
        button = Button(t(lang, "mt.button.prepare"), actions.encode("mt-prep", m.id), "primary")
        blocks = (Text(title, "header"), Text(body), Buttons((button,)))
        return Outcome(
            out=(Post(message(lang, blocks, f"{title}\n{body}", row.late), ToMember(me)),)
        )

    def build_meeting_step(self, turn: Turn, row: ReminderView, memo: dict[str, object]) -> Outcome:
        """An async meeting's window ended (or it starts): the meetings feature decides what
        that means, from the stored state; nothing when it has moved on already."""
        active = meetings_of(turn).active
        if active is None or active.id != row.subject_id:
            return Outcome()
        return due_step_advances(turn)

    # ---- people's clicks and commands ----
    def step(self, turn: Turn, event: Event) -> Outcome:
        if isinstance(event, Command):
            return self.upcoming(turn)
        return self.interaction(turn, event)

    def tell(self, turn: Turn, key: str, **values: object) -> Outcome:
        text = t(turn.lang, key, **values)
        return Outcome(out=(Post(Message((Text(text),), text), ToActorOnly()),))

    def interaction(self, turn: Turn, event: Interaction) -> Outcome:
        try:
            a = actions.decode(event.action)
            aid = a.int_arg(0)
        except actions.BadAction:
            return self.tell(turn, "err.bad_action")
        if a.verb == "r-qs":
            view = turn.assessment
            if view is None or view.id != aid:
                return self.tell(turn, "err.not_this_round")
            if not view.is_open:
                return self.tell(turn, "err.closed")
            return Outcome(out=(Refresh("my_questions", aid, owner="assessment"),))
        return self.again(turn, aid)

    def again(self, turn: Turn, aid: int) -> Outcome:
        """Accept the invitation: a new round of the same practice (it shows last round's team
        answer and comment beside each question)."""
        ref = next((r for r in reminder_data(turn).rounds if r.id == aid), None)
        if ref is None:
            return self.tell(turn, "err.not_this_round")
        if turn.assessment is not None and turn.assessment.is_open:
            return self.tell(turn, "err.already_open", practice=turn.assessment.practice_name)
        ops: tuple[fx.DataOp, ...] = (fx.StartAssessment(ref.practice),)
        if not turn.has_facilitator:
            ops = (fx.SetRole(turn.actor.external_id, "facilitator"), *ops)
        return Outcome(
            ops=ops,
            out=(Refresh("intro", owner="assessment"), Refresh("progress", owner="assessment")),
        )

    def upcoming(self, turn: Turn) -> Outcome:
        lang = turn.lang
        data = reminder_data(turn)
        if not data.upcoming:
            return self.tell(turn, "rem.list.none")
        cal = prefs(turn).calendar
        names = {m.external_id: m.name for m in turn.members}
        lines = []
        for u in data.upcoming:
            when = local(u.due_at, cal)
            line = t(
                lang,
                "rem.list.line",
                when=f"{format_date(when.date(), lang)} {when:%H:%M}",
                what=t(lang, f"rem.kind.{u.kind}") if _has_kind(lang, u.kind) else u.kind,
            )
            if u.recipient:
                line += " " + t(lang, "rem.list.to", who=names.get(u.recipient, u.recipient))
            lines.append(line)
        title = t(lang, "rem.list.title")
        body = "\n".join(lines)
        return Outcome(
            out=(
                Post(
                    Message((Text(title, "header"), Text(body)), f"{title}\n{body}"), ToActorOnly()
                ),
            )
        )


def agreement_text(lang: str, a: AgreementView, kind: str) -> str:
    status = t(lang, f"ag.status.{a.status}")
    key = "rem.ag.body_follow_up" if kind == "overdue" else "rem.ag.body_owner"
    return f"*{a.what}*\n" + t(
        lang, key, owner=a.owner_name, follow_up=a.follow_up_name, status=status
    )


def _has_kind(lang: str, kind: str) -> bool:
    from dialogs.i18n import catalogue

    return f"rem.kind.{kind}" in catalogue(lang)
