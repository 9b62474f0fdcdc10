"""The organisation overview for workspace admins (`tavle organisation`): every practice in the
workspace with its latest round's scores and coverage, when it was measured, when it is due
again (the channel's `reassess_months` after closing), its open agreements, and a small radar
chart each — read from the database like the channel's board (page.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.board.page import OPEN, Radar, radar
from dialogs.assessment.report import local_date, scores_of
from dialogs.assessment.team import tally
from dialogs.calendar import add_months, is_zone, utc
from dialogs.i18n import format_date, score_text, t
from dialogs.settings.prefs import ChannelPrefs
from scoring.catalogue import Catalogue
from scoring.table import ScoringTable
from storage.assessment import assessment_view, current_assessment
from storage.meeting_models import Agreement
from storage.models import Assessment, Channel, Workspace


@dataclass(frozen=True)
class PracticeRow:
    practice: str
    channel: str
    round_no: int
    is_open: bool
    answered: int
    total: int
    measured: str  # closed on, or started on while the round is open
    due_again: str | None  # None while the round is open
    overdue: bool
    open_agreements: int
    scores: tuple[str, ...]  # per element, as shown everywhere ("0,63", "–")
    radar: Radar


@dataclass(frozen=True)
class OrgBoard:
    lang: str
    elements: tuple[str, ...]  # "1. Teori og viden", …
    rows: tuple[PracticeRow, ...]

    def tr(self, key: str, **values: object) -> str:
        return t(self.lang, key, **values)


async def load_org(
    session: AsyncSession,
    workspace: Workspace,
    catalogue: Catalogue,
    table: ScoringTable,
    now: datetime,
    lang: str,
) -> OrgBoard:
    channels = await session.scalars(
        select(Channel)
        .where(
            Channel.workspace_id == workspace.id,
            Channel.id.in_(select(Assessment.channel_id).distinct()),
        )
        .order_by(Channel.name, Channel.id)
    )
    rows = []
    for channel in list(channels):
        a = await current_assessment(session, channel)
        if a is None:
            continue
        view = await assessment_view(session, a, with_previous=False)
        prefs = ChannelPrefs.of(channel.language, channel.timezone, channel.settings or {})
        zone = ZoneInfo(prefs.timezone if is_zone(prefs.timezone) else "Europe/Copenhagen")
        today = utc(now).astimezone(zone).date()
        due = (
            add_months(utc(view.closed_at).astimezone(zone).date(), prefs.reassess_months)
            if view.closed_at
            else None
        )
        counts = tally(view, catalogue)
        scores = [s.score for s in scores_of(view, catalogue, table)]
        open_agreements = await session.scalar(
            select(func.count())
            .select_from(Agreement)
            .where(Agreement.channel_id == channel.id, Agreement.status.in_(sorted(OPEN)))
        )
        rows.append(
            PracticeRow(
                practice=view.practice_name,
                channel=channel.name or channel.external_id,
                round_no=view.round_no,
                is_open=view.is_open,
                answered=counts.answered,
                total=counts.total,
                measured=local_date(view.closed_at or view.started_at, zone, lang),
                due_again=format_date(due, lang) if due else None,
                overdue=due is not None and due <= today,
                open_agreements=open_agreements or 0,
                scores=tuple(score_text(s, lang) for s in scores),
                radar=radar(scores, None),
            )
        )
    elements = tuple(f"{e.number}. {e.name[lang]}" for e in catalogue.elements)
    return OrgBoard(lang, elements, tuple(rows))
