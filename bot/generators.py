"""Generators for `Generate` blocks: the radar chart, the history table, the Word report and
the Excel/CSV exports.

The engine calls them after commit, while delivering a message. Each loads what it needs in a
short read-only unit of work (checked against the channel the message goes to), then renders
in a worker thread (`asyncio.to_thread`) so the event loop keeps serving other teams. Files go
to the channel's folder under `LOVENDE_OUTPUT_DIR`, each into a new folder named after its round
plus an unguessable part (storage/files.py: removed with the channel's data, with the rounds
retention deletes, and after LOVENDE_FILE_RETENTION_DAYS); their contents are never logged.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.engine import Engine
from dialogs.assessment.model import AssessmentView
from dialogs.assessment.team import disagreements, question_status, team_answers
from dialogs.assessment.views import answer_label
from dialogs.i18n import format_date, score_text, t
from dialogs.messages import File, Generate, Image
from dialogs.selfeval.model import SelfEvalView
from dialogs.selfeval.report import ratings_chart, selfeval_report_section
from scoring.catalogue import SCALE, Catalogue, Question
from scoring.chart import ChartText, render_radar, render_score_table
from scoring.export import write_csv, write_xlsx
from scoring.org_catalogue import load_org_catalogue
from scoring.report import (
    ElementEntry,
    MemberLine,
    QuestionEntry,
    ReportData,
    Translate,
    write_docx,
)
from scoring.scores import ElementScore, all_scores, applicable
from scoring.selfeval_report import add_selfeval_section
from scoring.table import ScoringTable
from storage import files
from storage.assessment import assessment_view
from storage.models import Assessment, Channel
from storage.selfeval import load_selfeval_view
from storage.turns import CrossTenant

# python-docx is imported only where a report is written (scoring.report): start-up memory.
if TYPE_CHECKING:
    from docx.document import Document as DocumentObject

log = logging.getLogger(__name__)

HISTORY_IMAGE_ROUNDS = 6  # more columns would not stay legible in a chat thumbnail
DEFAULT_ZONE = "Europe/Copenhagen"


@dataclass(frozen=True)
class Loaded:
    channel_id: int
    view: AssessmentView
    lang: str
    zone: ZoneInfo
    selfeval: SelfEvalView | None = None  # the channel's organisational self-evaluation


# ---- pure helpers (tested directly) ----
def slug(name: str) -> str:
    """A file-name friendly form of a practice name (letters, digits, dashes)."""
    text = re.sub(r"[^\w]+", "-", name.casefold()).strip("-_")
    return text[:60] or "praksis"


def local_date(moment: datetime, zone: ZoneInfo, lang: str) -> str:
    if moment.tzinfo is None:  # SQLite hands back naive UTC
        moment = moment.replace(tzinfo=UTC)
    return format_date(moment.astimezone(zone).date(), lang)


def scores_of(
    view: AssessmentView, catalogue: Catalogue, table: ScoringTable
) -> list[ElementScore]:
    return all_scores(catalogue, table, team_answers(view, catalogue))


@dataclass(frozen=True)
class RadarInput:
    labels: list[str]
    values: list[float | None]
    previous: list[float | None] | None
    partial: list[bool]
    title: str
    text: ChartText


def radar_input(
    view: AssessmentView, catalogue: Catalogue, table: ScoringTable, lang: str
) -> RadarInput:
    scores = scores_of(view, catalogue, table)
    previous = view.previous
    return RadarInput(
        labels=[e.name[lang] for e in catalogue.elements],
        values=[s.score for s in scores],
        previous=[s.score for s in scores_of(previous, catalogue, table)] if previous else None,
        partial=[s.partial for s in scores],
        title=t(lang, "chart.title", practice=view.practice_name, round=view.round_no),
        text=ChartText(
            current=t(lang, "chart.round", round=view.round_no),
            previous=t(lang, "chart.round", round=previous.round_no) if previous else "",
            partial_note=t(lang, "chart.partial"),
            none_note=t(lang, "chart.none"),
        ),
    )


def _spread(lang: str, q: Question, values: list[str]) -> tuple[tuple[str, int], ...]:
    counts = Counter(values)
    order = [v for v in SCALE if v in counts] if q.type == "scale" else sorted(counts)
    if q.type == "multi":
        return tuple((v.replace(",", ", "), counts[v]) for v in order)
    return tuple((answer_label(lang, q, v), counts[v]) for v in order)


def question_entry(
    lang: str, view: AssessmentView, q: Question, team: dict[str, str]
) -> QuestionEntry | None:
    """One question for the report; None for a conditional question that did not apply and
    that nobody answered (2.3 when 2.2 does not include c)."""
    rows = view.answers.get(q.id, ())
    if not applicable(q, team) and not rows:
        return None
    status = question_status(view, q.id)
    value = team.get(q.id)
    if value is not None:
        basis = status.source or "consensus"
    elif not applicable(q, team):
        basis = "not_applicable"
    elif status.disagreement:
        basis = "disagreement"
    else:
        basis = "unanswered"
    decision = view.decisions.get(q.id) if basis == "decision" else None
    return QuestionEntry(
        id=q.id,
        element=q.element,
        text=q.text[lang],
        hint=q.hint[lang] if q.hint else None,
        team_answer=answer_label(lang, q, value) if value else None,
        team_code=value,
        basis=basis,
        decided_by=decision.decided_by if decision else None,
        justification=decision.justification if decision else None,
        spread=_spread(lang, q, [a.value for a in rows if a.value]),
        members=tuple(
            MemberLine(
                a.member_name,
                answer_label(lang, q, a.value) if a.value else None,
                a.value,
                a.comment,
            )
            for a in rows
        ),
    )


def build_report_data(
    view: AssessmentView,
    catalogue: Catalogue,
    table: ScoringTable,
    lang: str,
    zone: ZoneInfo,
    now: datetime,
) -> ReportData:
    team = team_answers(view, catalogue)
    scores = all_scores(catalogue, table, team)
    previous = scores_of(view.previous, catalogue, table) if view.previous else None
    elements = []
    for e, s in zip(catalogue.elements, scores, strict=True):
        overall, potential = view.notes.get(e.number, (None, None))
        entries = (question_entry(lang, view, q, team) for q in e.questions)
        elements.append(
            ElementEntry(
                number=e.number,
                name=e.name[lang],
                definition=e.definition[lang],
                description=e.description[lang],
                score=s.score,
                answered=s.answered,
                total=s.total,
                previous=previous[e.number - 1].score if previous else None,
                overall=overall,
                potential=potential,
                questions=tuple(q for q in entries if q is not None),
            )
        )
    flagged: dict[str, list[str]] = {}
    for f in (f for s in scores for f in s.flags):
        flagged.setdefault(f.flag, []).append(f.question)
    participants = dict.fromkeys(
        a.member_name for rows in view.answers.values() for a in rows if a.value or a.comment
    )
    return ReportData(
        lang=lang,
        practice=view.practice_name,
        delimitation=view.delimitation,
        round_no=view.round_no,
        is_open=view.is_open,
        started=local_date(view.started_at, zone, lang),
        closed=local_date(view.closed_at, zone, lang) if view.closed_at else None,
        generated=local_date(now, zone, lang),
        participants=tuple(participants),
        elements=tuple(elements),
        overall=view.overall_assessment,
        potentials=view.overall_potentials,
        previous_round=view.previous.round_no if view.previous else None,
        disagreements=tuple(disagreements(view, catalogue)),
        flags=tuple(
            t(lang, f"flag.{flag}", questions=", ".join(qids)) for flag, qids in flagged.items()
        ),
    )


@dataclass(frozen=True)
class History:
    rows: list[str]  # "1. Teori og viden" …
    columns: list[tuple[int, str]]  # (round number, date or "i gang")
    cells: list[list[float | None]]  # [element][round]
    partial: list[list[bool]]


def history_table(
    views: Sequence[AssessmentView],
    catalogue: Catalogue,
    table: ScoringTable,
    lang: str,
    zone: ZoneInfo,
) -> History:
    """Element scores of each round (oldest first); a round is dated when it closed."""
    per_round = [scores_of(v, catalogue, table) for v in views]
    columns = [
        (
            v.round_no,
            local_date(v.closed_at, zone, lang) if v.closed_at else t(lang, "history.open"),
        )
        for v in views
    ]
    return History(
        rows=[f"{e.number}. {e.name[lang]}" for e in catalogue.elements],
        columns=columns,
        cells=[[r[e.number - 1].score for r in per_round] for e in catalogue.elements],
        partial=[[r[e.number - 1].partial for r in per_round] for e in catalogue.elements],
    )


def history_text(h: History, lang: str) -> str:
    """The table as text: the image's alternative text, and what the console shows."""
    head = " · ".join(t(lang, "history.column_text", round=n, date=d) for n, d in h.columns)
    lines = [head]
    for label, cells, parts in zip(h.rows, h.cells, h.partial, strict=True):
        shown = [
            score_text(v) + ("*" if p and v is not None else "")
            for v, p in zip(cells, parts, strict=True)
        ]
        lines.append(f"{label}: " + " · ".join(shown))
    if any(p for parts in h.partial for p in parts):
        lines.append(t(lang, "history.partial_note"))
    return "\n".join(lines)


# ---- the generators ----
class Generators:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        catalogue: Catalogue,
        table: ScoringTable,
        output_dir: Path,
        clock: Clock,
    ) -> None:
        self.sessions, self.catalogue, self.table = sessions, catalogue, table
        self.output_dir, self.clock = output_dir.absolute(), clock  # paths stay valid anywhere

    def register(self, engine: Engine) -> None:
        engine.generators.update(
            {
                "radar": self.radar,
                "history": self.history,
                "report_docx": self.report_docx,
                "export_xlsx": self.export_xlsx,
                "export_csv": self.export_csv,
            }
        )

    # ---- loading ----
    async def _own(self, session: AsyncSession, aid: int, channel_id: int) -> Assessment:
        a = await session.get(Assessment, aid)
        if a is None or a.channel_id != channel_id:
            raise CrossTenant(f"assessment {aid}")
        return a

    async def _channel(self, session: AsyncSession, channel_id: int) -> tuple[str, ZoneInfo]:
        channel = await session.get(Channel, channel_id)
        if channel is None:
            raise CrossTenant(f"channel {channel_id}")
        try:
            zone = ZoneInfo(channel.timezone or DEFAULT_ZONE)
        except (ZoneInfoNotFoundError, ValueError):
            zone = ZoneInfo(DEFAULT_ZONE)
        return channel.language or "da", zone

    async def load(self, aid: int, channel_id: int) -> Loaded:
        async with self.sessions() as session, session.begin():
            lang, zone = await self._channel(session, channel_id)
            a = await self._own(session, aid, channel_id)
            view = await assessment_view(session, a)
            selfeval = await load_selfeval_view(session, channel_id)
            return Loaded(channel_id, view, lang, zone, selfeval)

    async def load_rounds(self, aid: int, channel_id: int) -> tuple[Loaded, list[AssessmentView]]:
        """The assessment and every round of its practice in this channel, oldest first."""
        async with self.sessions() as session, session.begin():
            lang, zone = await self._channel(session, channel_id)
            a = await self._own(session, aid, channel_id)
            rounds = await session.scalars(
                select(Assessment)
                .where(Assessment.practice_id == a.practice_id, Assessment.channel_id == channel_id)
                .order_by(Assessment.round_no, Assessment.id)
            )
            views = [await assessment_view(session, r, with_previous=False) for r in rounds]
            return Loaded(channel_id, await assessment_view(session, a), lang, zone), views

    def folder(self, loaded: Loaded) -> Path:
        """A new folder of the round in its channel's folder, with a name nobody can guess
        (the Teams adapter serves files from it)."""
        return files.new_folder(self.output_dir, loaded.channel_id, files.round_tag(loaded.view.id))

    def _radar_file(self, loaded: Loaded, folder: Path) -> Path:
        r = radar_input(loaded.view, self.catalogue, self.table, loaded.lang)
        name = f"radar-{slug(loaded.view.practice_name)}-{loaded.view.round_no}.png"
        return render_radar(
            r.labels, r.values, r.previous, r.partial, r.title, folder / name, r.text
        )

    def _name(self, loaded: Loaded, suffix: str) -> str:
        v = loaded.view
        return f"lovende-praksis-{slug(v.practice_name)}-{v.round_no}.{suffix}"

    def _report(self, loaded: Loaded, kind: str) -> Path:
        """Runs in a worker thread: build the report data and write one file."""
        data = build_report_data(
            loaded.view, self.catalogue, self.table, loaded.lang, loaded.zone, self.clock.now()
        )
        tr = partial(t, loaded.lang)
        folder = self.folder(loaded)
        if kind == "report_docx":
            chart = self._radar_file(loaded, folder)
            extra = self._selfeval_section(loaded, folder, tr)
            return write_docx(data, tr, folder / self._name(loaded, "docx"), chart, extra)
        if kind == "export_xlsx":
            return write_xlsx(data, tr, folder / self._name(loaded, "xlsx"))
        return write_csv(data, tr, folder / self._name(loaded, "csv"))

    @staticmethod
    def _selfeval_section(
        loaded: Loaded, folder: Path, tr: Translate
    ) -> Callable[[DocumentObject], None] | None:
        """The organisational self-evaluation's section of the report, when the channel has one."""
        if loaded.selfeval is None:
            return None
        catalogue = load_org_catalogue()
        section = selfeval_report_section(loaded.selfeval, catalogue, loaded.lang, loaded.zone)
        chart = ratings_chart(
            loaded.selfeval, catalogue, loaded.lang, folder / "selvevaluering.png"
        )
        return lambda doc: add_selfeval_section(doc, section, tr, chart)

    # ---- Generate kinds ----
    async def radar(self, block: Generate, channel_id: int) -> Image:
        loaded = await self.load(block.assessment_id, channel_id)

        def draw() -> Path:
            return self._radar_file(loaded, self.folder(loaded))

        path = await asyncio.to_thread(draw)
        log.info("radar chart generated")
        return Image(str(path), block.alt)

    async def history(self, block: Generate, channel_id: int) -> Image:
        loaded, views = await self.load_rounds(block.assessment_id, channel_id)
        lang = loaded.lang
        full = history_table(views, self.catalogue, self.table, lang, loaded.zone)
        shown = views[-HISTORY_IMAGE_ROUNDS:]
        h = history_table(shown, self.catalogue, self.table, lang, loaded.zone)
        note = t(lang, "history.partial_note")
        if len(shown) < len(views):
            note += "   " + t(lang, "history.latest_only", n=len(shown))
        title = t(lang, "history.table_title", practice=loaded.view.practice_name)
        columns = [t(lang, "history.column", round=n, date=d) for n, d in h.columns]

        def draw() -> Path:
            path = self.folder(loaded) / f"historik-{slug(loaded.view.practice_name)}.png"
            return render_score_table(h.rows, columns, h.cells, h.partial, title, path, note)

        path = await asyncio.to_thread(draw)
        log.info("history table generated")
        return Image(str(path), block.alt + "\n" + history_text(full, lang))

    async def _file(self, block: Generate, channel_id: int) -> File:
        loaded = await self.load(block.assessment_id, channel_id)
        path = await asyncio.to_thread(self._report, loaded, block.kind)
        log.info("%s generated", block.kind)
        return File(str(path), path.name, block.alt)

    async def report_docx(self, block: Generate, channel_id: int) -> File:
        return await self._file(block, channel_id)

    async def export_xlsx(self, block: Generate, channel_id: int) -> File:
        return await self._file(block, channel_id)

    async def export_csv(self, block: Generate, channel_id: int) -> File:
        return await self._file(block, channel_id)


def register_generators(
    engine: Engine,
    sessions: async_sessionmaker[AsyncSession],
    catalogue: Catalogue,
    table: ScoringTable,
    output_dir: Path,
) -> Generators:
    generators = Generators(sessions, catalogue, table, output_dir, engine.clock)
    generators.register(engine)
    return generators
