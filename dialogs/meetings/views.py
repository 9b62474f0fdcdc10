"""Pure renderers for the meetings feature's messages in the neutral model."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Literal
from zoneinfo import ZoneInfo

from dialogs import actions
from dialogs.assessment.model import AssessmentView
from dialogs.assessment.team import team_answers
from dialogs.i18n import format_date, score_text, t
from dialogs.layout import element_name, message, short, texts
from dialogs.meetings import content
from dialogs.meetings.model import (
    STATUSES,
    AgreementView,
    MeetingsData,
    MeetingView,
)
from dialogs.meetings.when import format_when, local, zone
from dialogs.messages import Block, Button, Buttons, Fields, Message, Text
from dialogs.replies import words
from dialogs.turn import Surface, Turn
from scoring.catalogue import Catalogue
from scoring.scores import all_scores
from scoring.table import ScoringTable

MAX_LISTED = 20  # agreements per list message (two blocks each; 50 blocks per message)


@dataclass(frozen=True)
class Look:
    """What every renderer needs: language, time zone, today, the instruments, and how
    commands are typed where the messages are read (`replies.words`)."""

    lang: str
    tz: ZoneInfo
    today: date
    catalogue: Catalogue
    table: ScoringTable
    surface: Surface = field(default_factory=Surface)

    @classmethod
    def of(cls, turn: Turn, catalogue: Catalogue, table: ScoringTable) -> Look:
        tz = zone(turn)
        return cls(turn.lang, tz, local(turn.now, tz).date(), catalogue, table, turn.surface)

    def t(self, key: str, **values: object) -> str:
        return t(self.lang, key, **{**words(self.lang, self.surface), **values})

    def when(self, m: MeetingView) -> str:
        return format_when(m.scheduled_at, self.lang, self.tz)

    def element_name(self, number: int) -> str:
        return element_name(self.catalogue, self.lang, number)


# ---- keys of messages that are updated in place ----
def root_key(mid: int) -> str:
    return f"meeting:{mid}"


def step_key(mid: int, step: int) -> str:
    return f"mt:{mid}:step:{step}"


def since_key(mid: int, aid: int) -> str:
    return f"mt:{mid}:since:{aid}"


def prep_key(mid: int, member: str) -> str:
    """One person's preparation request (a private message, updated in place)."""
    return f"mt:{mid}:prep:{member}"


def observations_key(mid: int) -> str:
    return f"mt:{mid}:obs"


def theme_key(mid: int, tid: int) -> str:
    return f"mt:{mid}:theme:{tid}"


def paper_key(mid: int) -> str:
    return f"mt:{mid}:paper"


def summary_key(mid: int) -> str:
    return f"mt:{mid}:summary"


# ---- helpers ----
def bullets(items: Iterable[str]) -> str:
    return "\n".join(f"• {i}" for i in items)


def plain(look: Look, key: str, **values: object) -> Message:
    text = look.t(key, **values)
    return Message((Text(text),), text)


def status_label(lang: str, status: str) -> str:
    return t(lang, f"ag.status.{status}")


def is_facilitator(turn: Turn, m: MeetingView) -> bool:
    return turn.actor.external_id == m.facilitator or turn.is_facilitator


# ---- agreements ----
def agreement_line(look: Look, a: AgreementView) -> str:
    parts = [
        look.t("ag.owner", name=a.owner_name),
        look.t("ag.follow_up", name=a.follow_up_name),
        look.t("ag.due", date=format_date(a.due, look.lang)),
    ]
    if a.element:
        parts.append(look.element_name(a.element))
    status = status_label(look.lang, a.status)
    if a.is_open and a.due < look.today:
        status += " " + look.t("ag.overdue")
    lines = [look.t("ag.title", number=a.number, what=a.what)]
    if a.signal:
        lines.append(look.t("ag.signal_line", text=a.signal))
    lines += [" · ".join(parts), look.t("ag.status_line", status=status)]
    if a.learned:
        lines.append(look.t("ag.learned_line", text=a.learned))
    return "\n".join(lines)


def status_buttons(lang: str, a: AgreementView) -> Buttons:
    """Buttons that set an agreement's status (set, not toggle) and note what was learned.
    Any message that shows an agreement can carry them (lists, *Siden sidst*, reminders)."""
    buttons = [
        Button(
            status_label(lang, s),
            actions.encode("ag-st", a.id, s),
            "primary" if s == a.status else "default",
        )
        for s in STATUSES
    ]
    buttons.append(Button(t(lang, "ag.note_button"), actions.encode("ag-note", a.id)))
    return Buttons(tuple(buttons))


def agreement_message(look: Look, a: AgreementView, *, buttons: bool = True) -> Message:
    """An agreement, with its status buttons while they are wanted where it is shown."""
    text = agreement_line(look, a)
    blocks: list[Block] = [Text(text)]
    if buttons:
        blocks.append(status_buttons(look.lang, a))
    return message(blocks, text.splitlines()[0])


def agreements_list(
    look: Look,
    items: list[AgreementView],
    title_key: str,
    empty_key: str,
    changeable: frozenset[int] = frozenset(),
) -> Message:
    """The list as the person who asked sees it: status buttons on the agreements they may
    change (`changeable`, by id), none on the others."""
    if not items:
        return plain(look, empty_key)
    title = look.t(title_key, n=len(items))
    blocks: list[Block] = [Text(title, "header")]
    for a in items[:MAX_LISTED]:
        blocks.append(Text(agreement_line(look, a)))
        if a.id in changeable:
            blocks.append(status_buttons(look.lang, a))
    if len(items) > MAX_LISTED:
        blocks.append(Text(look.t("ag.list_more", n=len(items) - MAX_LISTED), "muted"))
    fallback = (
        title
        + "\n"
        + "\n".join(look.t("ag.title", number=a.number, what=a.what) for a in items[:MAX_LISTED])
    )
    return message(blocks, fallback)


# ---- data basis ----
def score_rows(look: Look, view: AssessmentView, focus: tuple[int, ...]) -> list[tuple[str, str]]:
    scores = all_scores(look.catalogue, look.table, team_answers(view, look.catalogue))
    rows = []
    for s in scores:
        value = score_text(s.score, look.lang)
        if s.partial:
            value += " · " + look.t("summary.partial", answered=s.answered, total=s.total)
        mark = " ★" if s.number in focus else ""
        rows.append((look.element_name(s.number) + mark, value))
    return rows


def basis_blocks(
    look: Look, m: MeetingView, assessment: AssessmentView | None, data: MeetingsData
) -> list[Block]:
    blocks: list[Block] = [Text(look.t("mt.basis.title"), "header")]
    if m.assessment_id is not None and assessment is not None and assessment.id == m.assessment_id:
        blocks.append(
            Text(
                look.t(
                    "mt.basis.assessment",
                    practice=assessment.practice_name,
                    round=assessment.round_no,
                )
            )
        )
        blocks.append(Fields(tuple(score_rows(look, assessment, m.focus_elements))))
        blocks.append(Text(look.t("summary.guide"), "muted"))
    elif m.assessment_id is not None:
        blocks.append(Text(look.t("mt.basis.assessment_gone"), "muted"))
    else:
        blocks.append(Text(look.t("mt.basis.no_assessment"), "muted"))
    if m.focus_elements:
        names = ", ".join(look.element_name(n) for n in m.focus_elements)
        blocks.append(Text(look.t("mt.basis.focus", elements=names)))
    open_ones = [a for a in data.agreements if a.is_open]
    if open_ones:
        lines = [look.t("mt.basis.open_agreements", n=len(open_ones))]
        lines += [
            "• "
            + look.t("ag.title", number=a.number, what=short(a.what, 120))
            + f" ({a.owner_name}, {format_date(a.due, look.lang)})"
            for a in open_ones[:MAX_LISTED]
        ]
        blocks += texts(lines)
    return blocks


# ---- the meeting's root message (the thread) ----
def participants_text(m: MeetingView) -> str:
    return ", ".join(p.name for p in m.participants)


def root_message(look: Look, m: MeetingView, assessment: AssessmentView | None) -> Message:
    title = look.t("mt.root.title", number=m.number, when=look.when(m))
    mode = (
        look.t("mt.mode.async_line", days=m.window_days)
        if m.mode == "async"
        else look.t("mt.mode.live_line")
    )
    lines = [
        look.t("mt.root.people", facilitator=m.facilitator_name, participants=participants_text(m)),
        mode,
    ]
    if m.assessment_id is not None and assessment is not None and assessment.id == m.assessment_id:
        lines.append(
            look.t("mt.root.basis", practice=assessment.practice_name, round=assessment.round_no)
        )
    if m.focus_elements:
        names = ", ".join(look.element_name(n) for n in m.focus_elements)
        lines.append(look.t("mt.basis.focus", elements=names))
    blocks: list[Block] = [Text(title, "header"), Text("\n".join(lines))]
    prepared = sum(1 for p in m.participants if p.prepared_at)
    if m.status == "planned":
        blocks.append(Text(look.t("mt.root.planned", done=prepared, total=len(m.participants))))
        # "Deltag" is for those not taking part yet. A shared card cannot know who reads it, so
        # it says so; a 1:1 chat's card is its one person's, who takes part once anyone does.
        join = not (look.surface.private and m.participants)
        if join and not look.surface.private and m.participants:
            blocks.append(Text(look.t("mt.root.join_hint"), "muted"))
        buttons = [
            Button(look.t("mt.button.prepare"), actions.encode("mt-prep", m.id), "primary"),
            *([Button(look.t("mt.button.join"), actions.encode("mt-join", m.id))] if join else []),
            Button(look.t("mt.button.start"), actions.encode("mt-start", m.id)),
        ]
        blocks.append(Buttons(tuple(buttons)))
        status = look.t("mt.root.planned", done=prepared, total=len(m.participants))
    elif m.status == "running":
        status = look.t("mt.root.running", step=m.step, name=content.step_name(m.step, look.lang))
        blocks.append(Text(status))
    elif m.status == "done":
        ended = format_date(local(m.ended_at or m.scheduled_at, look.tz).date(), look.lang)
        status = look.t("mt.root.done", date=ended)
        blocks.append(Text(status))
    else:
        status = look.t("mt.root.cancelled")
        blocks.append(Text(status))
    return message(blocks, f"{title} – {status}")


# ---- preparation ----
def preparation_request(
    look: Look,
    m: MeetingView,
    recipient: str,
    assessment: AssessmentView | None,
    data: MeetingsData,
) -> Message:
    """The private request to prepare, short: who leads, the three points, what the data basis
    is, and buttons for writing the points, the data basis and the booklet's support questions.
    Kept under one key per person and updated: once they have written their points it says so,
    and once the meeting has started (or is cancelled) its buttons are gone."""
    lang = look.lang
    title = look.t("mt.prep.title", number=m.number, when=look.when(m))
    blocks: list[Block] = [Text(title, "header")]
    if m.status != "planned":
        over = "mt.root.cancelled" if m.status == "cancelled" else "mt.prep.over"
        blocks.append(Text(look.t(over), "muted"))
        return message(blocks, f"{title} – {look.t(over)}")
    point_names = [
        content.text(f"preparation.points.{k}", lang)
        for k in ("positive", "improvement", "question")
    ]
    blocks.append(
        Text(
            look.t("mt.prep.intro", facilitator=m.facilitator_name)
            + " "
            + content.text("preparation.points_title", lang)
            + "\n"
            + bullets(point_names)
        )
    )
    blocks.append(Text(basis_line(look, m, assessment, data)))
    me = m.participant(recipient)
    prepared = me is not None and me.prepared_at is not None
    if prepared:
        blocks.append(Text(look.t("mt.prep.done")))
    write = look.t("mt.button.prepare_again" if prepared else "mt.button.prepare")
    style: Literal["default", "primary"] = "default" if prepared else "primary"
    blocks.append(
        Buttons(
            (
                Button(write, actions.encode("mt-prep", m.id), style),
                Button(look.t("mt.button.basis"), actions.encode("mt-basis", m.id)),
                Button(look.t("mt.button.support"), actions.encode("mt-help", m.id, 0)),
            )
        )
    )
    blocks.append(Text(look.t("mt.prep.privacy"), "muted"))
    return message(blocks, title)


def basis_line(
    look: Look, m: MeetingView, assessment: AssessmentView | None, data: MeetingsData
) -> str:
    """The data basis in one line (the whole of it: `basis_message`)."""
    if m.assessment_id is not None and assessment is not None and assessment.id == m.assessment_id:
        line = look.t("mt.prep.basis", practice=assessment.practice_name, round=assessment.round_no)
    else:
        line = look.t("mt.prep.basis_own")
    open_ones = sum(1 for a in data.agreements if a.is_open)
    if open_ones:
        line += " " + look.t("mt.prep.basis_agreements", n=open_ones)
    return line


def basis_message(
    look: Look, m: MeetingView, assessment: AssessmentView | None, data: MeetingsData
) -> Message:
    """The meeting's data basis (scores, focus, open agreements), for the one who asks."""
    title = look.t("mt.root.title", number=m.number, when=look.when(m))
    blocks = [Text(title, "header"), *basis_blocks(look, m, assessment, data)]
    return message(blocks, title + "\n" + basis_line(look, m, assessment, data))


def status_message(look: Look, turn: Turn, m: MeetingView) -> Message:
    """`møde status`: the facilitator sees who has prepared (never what) before the start."""
    title = look.t("mt.root.title", number=m.number, when=look.when(m))
    lines: list[str] = []
    me = turn.actor.external_id
    if m.status == "planned":
        prepared = [p for p in m.participants if p.prepared_at]
        lines.append(look.t("mt.root.planned", done=len(prepared), total=len(m.participants)))
        if is_facilitator(turn, m):
            marks = [f"{p.name} {'✓' if p.prepared_at else '–'}" for p in m.participants]
            lines.append(look.t("mt.status.who", list=", ".join(marks)))
        mine = [o for o in m.observations if o.author == me and o.from_preparation]
        if mine:
            lines.append(look.t("mt.status.mine"))
            lines += [f"• {_kind_label(look, o.kind)}: {o.text}" for o in mine]
        elif m.participant(me):
            lines.append(look.t("mt.status.not_prepared"))
        else:
            lines.append(look.t("mt.status.not_participant"))
    elif m.status == "running":
        lines.append(
            look.t("mt.root.running", step=m.step, name=content.step_name(m.step, look.lang))
        )
        deadline = m.deadline(m.step)
        if m.mode == "async" and deadline:
            lines.append(look.t("mt.step.deadline", when=format_when(deadline, look.lang, look.tz)))
    blocks: list[Block] = [Text(title, "header"), *texts(lines)]
    return message(blocks, title)


def _kind_label(look: Look, kind: str) -> str:
    return look.t(f"mt.kind.{kind}")
