"""The prioritised potentials as the data basis of the team's first reflection meeting.

The meetings feature plans meetings. This module opens its plan form with what `møde planlæg`
offers (`MeetingsDialog.plan_values`, `dialogs.meetings.forms.plan_form`), the focus filled in
from the discussion (the elements step 3 revisited and those the potentials were noted on),
and lets the meetings feature validate the submission (`submit_plan`) with its own rules and
messages. One parameter of the meetings feature carries the potentials over:
`PlanMeeting.observations`, the observations the meeting's *Udforsk* starts from.
"""

from __future__ import annotations

from dataclasses import replace

from dialogs import actions
from dialogs.discussion.model import DiscussionView
from dialogs.discussion.ops import MarkMeetingPlanned
from dialogs.discussion.results import prioritised
from dialogs.discussion.steps import refresh
from dialogs.effects import Outbound, Outcome, RejectForm
from dialogs.i18n import t
from dialogs.layout import short
from dialogs.meetings import MeetingsDialog
from dialogs.meetings import forms as meeting_forms
from dialogs.meetings.ops import PlanMeeting
from dialogs.messages import Form
from dialogs.turn import Turn
from scoring.scores import ElementScore

INTRO_ITEM = 150  # characters of each potential in the form's intro (a modal's text is short)


def focus_of(d: DiscussionView, lowest: list[ElementScore]) -> tuple[int, ...]:
    elements = {s.number for s in lowest}
    elements |= {r.note.element for r in prioritised(d) if r.note.element}
    return tuple(sorted(elements))


def seeds(d: DiscussionView) -> tuple[str, ...]:
    """What the meeting's *Udforsk* starts from: the prioritised potentials."""
    return tuple(r.note.text for r in prioritised(d))


def ours(form: Form, lang: str, d: DiscussionView) -> Form:
    """The meetings feature's plan form, submitted back to this feature, which names the
    potentials that will be the meeting's data basis."""
    listed = "\n".join(f"• {short(text, INTRO_ITEM)}" for text in seeds(d))
    intro = t(lang, "dc.form.meeting_intro", potentials=listed)
    return replace(
        form,
        action=actions.encode("dcf-meet", d.id),
        intro=intro + (f"\n\n{form.intro}" if form.intro else ""),
    )


def plan_form(
    meetings: MeetingsDialog, turn: Turn, d: DiscussionView, focus: tuple[int, ...]
) -> Form:
    values = meetings.plan_values(turn, "")
    values["focus"] = ", ".join(str(n) for n in focus)
    return ours(meeting_forms.plan_form(turn.lang, turn.members, values), turn.lang, d)


def carried_over(planned: Outcome, turn: Turn, d: DiscussionView) -> Outcome:
    """The meetings feature's answer to the submitted plan, carried over: the meeting gets the
    potentials as its first observations and the discussion remembers it; a rejected form
    comes back as ours, so the corrected submission comes here again."""
    ops: list[object] = []
    for op in planned.ops:
        ops.append(replace(op, observations=seeds(d)) if isinstance(op, PlanMeeting) else op)
    out: list[Outbound] = [
        RejectForm(ours(o.form, turn.lang, d)) if isinstance(o, RejectForm) else o
        for o in planned.out
    ]
    if any(isinstance(op, PlanMeeting) for op in ops):
        ops.append(MarkMeetingPlanned(d.id))
        out.append(refresh("result", d.id))
    return Outcome(tuple(ops), tuple(out))
