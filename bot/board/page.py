"""What a board page shows, from the database: the channel's current round as the report has
it (dialogs/assessment/report.py: every question with the spread of answers, the team answer
and how it was reached, the comments), the scores (scoring/, as everywhere: Danish decimal
commas), the radar chart as inline SVG and the channel's agreements by status. The templates
(templates/) only lay it out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.board.meeting import MeetingNow, current_meeting
from dialogs.assessment.report import History, build_report_data, history_table
from dialogs.assessment.team import tally
from dialogs.calendar import is_zone, utc
from dialogs.i18n import LANGUAGES, change_text, format_date, score_text, t
from scoring.catalogue import Catalogue
from scoring.chart import axis_angles, shown
from scoring.report_data import QuestionEntry, ReportData, basis_text
from scoring.table import ScoringTable
from storage.assessment import assessment_view, current_assessment
from storage.meeting_models import Agreement
from storage.models import Assessment, Channel, Member

# The radar chart's drawing: a square of SIZE px, the centre in the middle, score 1 at RADIUS.
SIZE, RADIUS = 400, 140
RINGS = (0.25, 0.5, 0.75, 1.0)


@dataclass(frozen=True)
class ScoreRow:
    number: int
    name: str
    score: str  # "0,63", "–"
    previous: str | None
    change: str
    partial: bool


@dataclass(frozen=True)
class Radar:
    """Points as SVG `points` strings; labels (x, y, anchor, text) at the axes' ends."""

    size: int
    rings: tuple[str, ...]
    axes: tuple[tuple[float, float], ...]
    current: str
    previous: str | None
    dots: tuple[tuple[float, float], ...]
    labels: tuple[tuple[float, float, str, str], ...]


@dataclass(frozen=True)
class Progress:
    answered: int
    total: int
    agreed: int
    decided: int
    single: int
    disagreements: int
    people: int


@dataclass(frozen=True)
class AgreementCard:
    number: int
    what: str
    owner: str
    follow_up: str
    due: str  # the date as the language writes it
    overdue: bool
    signal: str | None
    learned: str | None


@dataclass(frozen=True)
class AgreementColumn:
    status: str  # not_started | in_progress | done | dropped
    cards: tuple[AgreementCard, ...]


@dataclass(frozen=True)
class Board:
    lang: str
    channel_name: str | None
    report: ReportData | None  # None: the channel has had no round yet
    progress: Progress | None
    scores: tuple[ScoreRow, ...]
    radar: Radar | None
    agreements: tuple[AgreementColumn, ...] = ()  # empty: the channel has no agreements
    history: History | None = None  # the practice's rounds, when there is more than one
    meeting: MeetingNow | None = None  # the planned or running reflection meeting

    def cell(self, value: float | None) -> str:
        return shown(value, self.lang)

    def tr(self, key: str, **values: object) -> str:
        return t(self.lang, key, **values)

    def basis(self, q: QuestionEntry) -> str:
        return basis_text(q, self.tr)


def _xy(value: float, angle: float) -> tuple[float, float]:
    centre = SIZE / 2
    return (
        round(centre + RADIUS * value * math.cos(angle), 1),
        round(centre - RADIUS * value * math.sin(angle), 1),
    )


def _points(values: list[float | None]) -> str:
    angles = axis_angles(len(values))
    corners = (_xy(v or 0.0, a) for v, a in zip(values, angles, strict=True))
    return " ".join(f"{x},{y}" for x, y in corners)


def radar(current: list[float | None], previous: list[float | None] | None) -> Radar:
    """A hand-drawn radar: one axis per element (the first at the top, clockwise, as in the
    PNG chart), a ring per quarter, the element's number at the end of its axis."""
    angles = axis_angles(len(current))
    labels = []
    for i, a in enumerate(angles):
        x, y = _xy(1.14, a)
        anchor = "middle" if abs(math.cos(a)) < 0.3 else ("start" if math.cos(a) > 0 else "end")
        labels.append((x, y + 5, anchor, str(i + 1)))
    return Radar(
        size=SIZE,
        rings=tuple(_points([r] * len(current)) for r in RINGS),
        axes=tuple(_xy(1.0, a) for a in angles),
        current=_points(current),
        previous=_points(previous) if previous else None,
        dots=tuple(_xy(v, a) for v, a in zip(current, angles, strict=True) if v is not None),
        labels=tuple(labels),
    )


# The board's columns, left to right, as the agreements move along.
COLUMNS = ("not_started", "in_progress", "done", "dropped")
OPEN = frozenset({"not_started", "in_progress"})


async def agreement_columns(
    session: AsyncSession, channel: Channel, lang: str, today: date
) -> tuple[AgreementColumn, ...]:
    owner, follow_up = aliased(Member), aliased(Member)
    rows = await session.execute(
        select(Agreement, owner.display_name, follow_up.display_name)
        .join(owner, owner.id == Agreement.owner_id)
        .join(follow_up, follow_up.id == Agreement.follow_up_id)
        .where(Agreement.channel_id == channel.id)
        .order_by(Agreement.due, Agreement.number)
    )
    by_status: dict[str, list[AgreementCard]] = {c: [] for c in COLUMNS}
    for a, owner_name, follow_up_name in rows:
        card = AgreementCard(
            a.number,
            a.what,
            owner_name,
            follow_up_name,
            format_date(a.due, lang),
            a.status in OPEN and a.due < today,
            a.signal,
            a.learned,
        )
        by_status.setdefault(a.status, []).append(card)
    if not any(by_status.values()):
        return ()
    return tuple(AgreementColumn(c, tuple(by_status[c])) for c in COLUMNS)


def channel_language(channel: Channel) -> str:
    return channel.language if channel.language in LANGUAGES else "da"


async def load_board(
    session: AsyncSession,
    channel: Channel,
    catalogue: Catalogue,
    table: ScoringTable,
    now: datetime,
) -> Board:
    lang = channel_language(channel)
    zone = ZoneInfo(channel.timezone if is_zone(channel.timezone) else "Europe/Copenhagen")
    agreements = await agreement_columns(session, channel, lang, utc(now).astimezone(zone).date())
    meeting = await current_meeting(session, channel.id, lang, zone)
    a = await current_assessment(session, channel)
    if a is None:
        return Board(lang, channel.name, None, None, (), None, agreements, meeting=meeting)
    view = await assessment_view(session, a)
    history = await _history(session, a, catalogue, table, lang, zone)
    report = build_report_data(view, catalogue, table, lang, zone, now)
    counts = tally(view, catalogue)
    rows = tuple(
        ScoreRow(
            e.number,
            e.name,
            score_text(e.score, lang),
            score_text(e.previous, lang) if report.previous_round is not None else None,
            change_text(e.change, lang),
            e.partial,
        )
        for e in report.elements
    )
    previous = [e.previous for e in report.elements] if report.previous_round else None
    return Board(
        lang,
        channel.name,
        report,
        Progress(
            counts.answered,
            counts.total,
            counts.agreed,
            counts.decided,
            counts.single,
            counts.disagreements,
            counts.people,
        ),
        rows,
        radar([e.score for e in report.elements], previous),
        agreements,
        history,
        meeting,
    )


async def _history(
    session: AsyncSession,
    current: Assessment,
    catalogue: Catalogue,
    table: ScoringTable,
    lang: str,
    zone: ZoneInfo,
) -> History | None:
    """The element scores of every round of this practice in the channel (as `historik`)."""
    rounds = list(
        await session.scalars(
            select(Assessment)
            .where(
                Assessment.channel_id == current.channel_id,
                Assessment.practice_id == current.practice_id,
            )
            .order_by(Assessment.round_no)
        )
    )
    if len(rounds) < 2:
        return None
    views = [await assessment_view(session, r, with_previous=False) for r in rounds]
    return history_table(views, catalogue, table, lang, zone)
