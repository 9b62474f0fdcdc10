"""The channel's current reflection meeting on the board's agreements part: where it stands
(planned, or which of the four steps is open), the step's purpose and the booklet's support
questions for it (hæfte 7, as the meeting's own "Vis støttespørgsmål" shows them:
dialogs/meetings/content.py), and, for an asynchronous meeting, when the step closes. Read
from the meetings store's read model (storage/meetings/read.py); the template lays it out.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.i18n import t
from dialogs.meetings import content
from dialogs.meetings.model import EXPLORE, INTERPRET, PREPARATION, STEPS, MeetingView
from dialogs.meetings.when import format_when
from storage.meeting_models import Meeting
from storage.meetings.read import load_meetings


@dataclass(frozen=True)
class MeetingNow:
    number: int
    running: bool  # False: planned, the participants prepare
    when: str  # the planned time, as the channel's language writes it
    mode: str  # how the steps move on (live or asynchronous), one line
    facilitator: str
    step: int  # 0: the preparation, 1–4: the dialogue's steps
    step_title: str  # "Trin 2 af 4: Udforsk", or "Forberedelse"
    purpose: str | None
    intro: str
    practice_note: str | None  # the data basis is the team's assessment of the practice
    questions_title: str
    questions: tuple[str, ...]
    deadline: str | None  # an asynchronous step's close
    prepared: int
    participants: int
    source: str


def meeting_now(m: MeetingView, lang: str, zone: ZoneInfo) -> MeetingNow:
    step = m.step if m.status == "running" and m.step in STEPS else PREPARATION
    # About an assessment, the dialogue reflects on the whole practice (hæfte 7, afsnit 4).
    practice = m.assessment_id is not None
    if step == PREPARATION:
        title = t(lang, "mt.support.preparation")
        purpose = None
        intro = str(content.text("preparation.goal", lang))
        questions_title = t(lang, "mt.prep.review")
        questions = tuple(content.text("preparation.review_questions", lang))
    else:
        c = content.step(step)
        title = t(lang, "mt.step.title", number=step, name=c.name[lang])
        purpose = " · ".join(c.purpose[lang])
        intro = content.step_intro(step, lang, practice)
        questions_title = t(lang, "mt.step.questions")
        questions = tuple(content.step_questions(step, lang, practice))
    deadline = m.deadline(step) if m.mode == "async" else None
    return MeetingNow(
        number=m.number,
        running=m.status == "running",
        when=format_when(m.scheduled_at, lang, zone),
        mode=t(lang, f"mt.mode.{m.mode}"),
        facilitator=m.facilitator_name,
        step=step,
        step_title=title,
        purpose=purpose,
        intro=intro,
        practice_note=t(lang, "mt.step.practice_basis")
        if practice and step in (EXPLORE, INTERPRET)
        else None,
        questions_title=questions_title,
        questions=questions,
        deadline=format_when(deadline, lang, zone) if deadline else None,
        prepared=sum(1 for p in m.participants if p.prepared_at is not None),
        participants=len(m.participants),
        source=t(lang, "mt.support.source"),
    )


async def current_meeting(
    session: AsyncSession, channel_id: int, lang: str, zone: ZoneInfo
) -> MeetingNow | None:
    """The channel's planned or running meeting (at most one), or None. One indexed query
    when there is none (most of the time): the board is drawn on every change."""
    planned_or_running = await session.scalar(
        select(Meeting.id)
        .where(Meeting.channel_id == channel_id, Meeting.status.in_(("planned", "running")))
        .limit(1)
    )
    if planned_or_running is None:
        return None
    active = (await load_meetings(session, channel_id)).active
    return meeting_now(active, lang, zone) if active else None
