"""The meetings feature's reminders: an agreement's owner before and on its due date and its
follow-up person when it is overdue; participants who have not prepared for a meeting; and an
async meeting's timed transitions (see dialogs/reminders/queue.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from dialogs import actions
from dialogs.calendar import (
    add_working_days,
    at_local,
    is_working_day,
    local,
    utc,
    window_start_on,
    working_days_before,
)
from dialogs.effects import Outcome, Post
from dialogs.i18n import format_date, t
from dialogs.meetings.model import AgreementView, meetings_of
from dialogs.meetings.steps import due_step_advances
from dialogs.meetings.views import status_buttons
from dialogs.messages import Button, Buttons, Text, ToMember
from dialogs.reminders.queue import Planned, ReminderKinds, ReminderView, ScheduleReminders, message
from dialogs.settings import ChannelPrefs, prefs
from dialogs.turn import Turn

AGREEMENT_BEFORE = "agreement_before"  # to the owner, `lead_days` working days before
AGREEMENT_DUE = "agreement_due"  # to the owner, on the due date
AGREEMENT_OVERDUE = "agreement_overdue"  # to the follow-up person, the working day after
AGREEMENT_KINDS = (AGREEMENT_BEFORE, AGREEMENT_DUE, AGREEMENT_OVERDUE)
MEETING_PREP = "meeting_prep"  # fans out to the participants who have not prepared
MEETING_PREP_MEMBER = "meeting_prep_member"
MEETING_STEP = "meeting_step"  # an async meeting's start or step end: the meeting acts
AGREEMENT, MEETING = "agreement", "meeting"  # the rows' subject types
PREP_LEAD_DAYS = 1  # preparation reminder: this many working days before the meeting


# ---- planners ----
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


# ---- builders ----
def agreement_text(lang: str, a: AgreementView, kind: str) -> str:
    status = t(lang, f"ag.status.{a.status}")
    key = "rem.ag.body_follow_up" if kind == "overdue" else "rem.ag.body_owner"
    # What they agreed would show they are on track: the question to look at before the status.
    signal = "\n" + t(lang, "ag.signal_line", text=a.signal) if a.signal else ""
    return f"*{a.what}*{signal}\n" + t(
        lang, key, owner=a.owner_name, follow_up=a.follow_up_name, status=status
    )


def agreement(turn: Turn, row: ReminderView, memo: dict[str, object]) -> Outcome:
    a = meetings_of(turn).agreement(row.subject_id)
    if a is None or not a.is_open or a.due.isoformat() != row.payload.get("due"):
        return Outcome()  # done, dropped, deleted or moved: nothing to remind of
    lang = turn.lang
    kind = row.kind.removeprefix("agreement_")
    to = a.follow_up if row.kind == AGREEMENT_OVERDUE else a.owner
    title = t(lang, f"rem.ag.{kind}.title", number=a.number, date=format_date(a.due, lang))
    body = agreement_text(lang, a, kind)
    blocks = (Text(title, "header"), Text(body), status_buttons(lang, a))
    return Outcome(out=(Post(message(lang, blocks, f"{title}\n{a.what}", row.late), ToMember(to)),))


def meeting_prep(turn: Turn, row: ReminderView, memo: dict[str, object]) -> Outcome:
    m = meetings_of(turn).meeting(row.subject_id)
    if m is None or m.status != "planned":
        return Outcome()
    behind = [p.external_id for p in m.participants if p.prepared_at is None]
    if not behind:
        return Outcome()
    base = f"meeting:{m.id}:prep:{utc(m.scheduled_at).isoformat()}"
    rows = plan_member_preps(m.id, base, row.due_at, behind, late=row.late)
    return Outcome(ops=(ScheduleReminders(tuple(rows)),))


def meeting_prep_member(turn: Turn, row: ReminderView, memo: dict[str, object]) -> Outcome:
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
    return Outcome(out=(Post(message(lang, blocks, f"{title}\n{body}", row.late), ToMember(me)),))


def meeting_step(turn: Turn, row: ReminderView, memo: dict[str, object]) -> Outcome:
    """An async meeting's window ended (or it starts): the meeting decides what that means,
    from the stored state; nothing when it has moved on already."""
    active = meetings_of(turn).active
    if active is None or active.id != row.subject_id:
        return Outcome()
    return due_step_advances(turn)


KINDS = ReminderKinds(
    {
        AGREEMENT_BEFORE: agreement,
        AGREEMENT_DUE: agreement,
        AGREEMENT_OVERDUE: agreement,
        MEETING_PREP: meeting_prep,
        MEETING_PREP_MEMBER: meeting_prep_member,
        MEETING_STEP: meeting_step,
    },
    unwindowed=frozenset({MEETING_STEP}),
)
