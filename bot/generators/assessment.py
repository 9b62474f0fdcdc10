"""The assessment's generators for `Generate` blocks: the radar chart, the history table, the
Word report and the Excel/CSV exports (their content: dialogs/assessment/report.py).

The engine calls them after commit, while delivering a message. Each loads what it needs in a
short read-only unit of work (checked against the channel the message goes to), then renders
in a worker thread (`asyncio.to_thread`) so the event loop keeps serving other teams. Files are
stored in the database with their round (bot/generators/keeper.py, storage/files.py: removed
with the channel's data, with the rounds retention deletes, and after
LOVENDE_FILE_RETENTION_DAYS), and copied to LOVENDE_OUTPUT_DIR when it is set; their contents
are never logged.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.generators import Generator
from bot.generators.keeper import Keeper, Rendered, render
from dialogs.assessment.model import AssessmentView
from dialogs.assessment.report import (
    build_report_data,
    build_rounds_report_data,
    history_note,
    history_table,
    history_text,
    radar_input,
    slug,
)
from dialogs.i18n import t
from dialogs.messages import File, Generate, Image
from dialogs.selfeval.model import SelfEvalView
from dialogs.selfeval.report import ratings_chart, selfeval_report_section
from scoring.catalogue import Catalogue
from scoring.chart import render_radar, render_score_table
from scoring.export import write_csv, write_xlsx
from scoring.org_catalogue import load_org_catalogue
from scoring.report import write_docx
from scoring.report_data import ReportData, Translate
from scoring.selfeval_report import add_selfeval_section
from scoring.table import ScoringTable
from storage.assessment import assessment_view
from storage.file_copies import round_tag
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


# ---- the generators ----
class AssessmentFiles:
    """The assessment's generators: radar chart, history table, Word report, Excel and CSV."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        catalogue: Catalogue,
        table: ScoringTable,
        keeper: Keeper,
        clock: Clock,
    ) -> None:
        self.sessions, self.catalogue, self.table = sessions, catalogue, table
        self.keeper, self.clock = keeper, clock

    def kinds(self) -> dict[str, Generator]:
        """The `Generate` kinds these produce (the assessment's views name them)."""
        return {
            "radar": self.radar,
            "history": self.history,
            "report_docx": self.report_docx,
            "export_xlsx": self.export_xlsx,
            "export_csv": self.export_csv,
            "export_xlsx_rounds": self.export_rounds,
            "export_csv_rounds": self.export_rounds,
        }

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

    async def keep(self, loaded: Loaded, kind: str, rendered: Rendered) -> tuple[str, str | None]:
        """Store a file of the round; its id and the path of its copy on disk, if any."""
        kept = await self.keeper.keep(
            loaded.channel_id,
            kind,
            rendered,
            tag=round_tag(loaded.view.id),
            assessment_id=loaded.view.id,
        )
        return kept.file_id, kept.path

    def _radar_file(self, loaded: Loaded, folder: Path) -> Path:
        r = radar_input(loaded.view, self.catalogue, self.table, loaded.lang)
        name = f"radar-{slug(loaded.view.practice_name)}-{loaded.view.round_no}.png"
        return render_radar(
            r.labels, r.values, r.previous, r.partial, r.title, folder / name, r.text
        )

    def _name(self, loaded: Loaded, suffix: str) -> str:
        v = loaded.view
        return f"lovende-praksis-{slug(v.practice_name)}-{v.round_no}.{suffix}"

    def _report(self, loaded: Loaded, kind: str) -> Rendered:
        """Runs in a worker thread: build the report data and render one file."""
        data = build_report_data(
            loaded.view, self.catalogue, self.table, loaded.lang, loaded.zone, self.clock.now()
        )
        tr = partial(t, loaded.lang)
        return render(lambda folder: self._write(loaded, kind, data, tr, folder))

    def _write(
        self, loaded: Loaded, kind: str, data: ReportData, tr: Translate, folder: Path
    ) -> Path:
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
        loaded = await self.load(block.subject_id, channel_id)

        def draw() -> Rendered:
            return render(lambda folder: self._radar_file(loaded, folder))

        file_id, path = await self.keep(loaded, block.kind, await asyncio.to_thread(draw))
        log.info("radar chart generated")
        return Image(file_id, block.alt, path)

    async def history(self, block: Generate, channel_id: int) -> Image:
        loaded, views = await self.load_rounds(block.subject_id, channel_id)
        lang = loaded.lang
        full = history_table(views, self.catalogue, self.table, lang, loaded.zone)
        shown = views[-HISTORY_IMAGE_ROUNDS:]
        h = history_table(shown, self.catalogue, self.table, lang, loaded.zone)
        note = history_note(h, lang, hidden=len(views) - len(shown))  # only when marked
        title = t(lang, "history.table_title", practice=loaded.view.practice_name)
        columns = [t(lang, "history.column", round=n, date=d) for n, d in h.columns]

        def draw(folder: Path) -> Path:
            path = folder / f"historik-{slug(loaded.view.practice_name)}.png"
            return render_score_table(h.rows, columns, h.cells, h.partial, title, path, note)

        rendered = await asyncio.to_thread(render, draw)
        file_id, path = await self.keep(loaded, block.kind, rendered)
        log.info("history table generated")
        return Image(file_id, block.alt + "\n" + history_text(full, lang), path)

    async def _file(self, block: Generate, channel_id: int) -> File:
        loaded = await self.load(block.subject_id, channel_id)
        rendered = await asyncio.to_thread(self._report, loaded, block.kind)
        file_id, path = await self.keep(loaded, block.kind, rendered)
        log.info("%s generated", block.kind)
        return File(file_id, rendered.filename, block.alt, path)

    async def report_docx(self, block: Generate, channel_id: int) -> File:
        return await self._file(block, channel_id)

    async def export_xlsx(self, block: Generate, channel_id: int) -> File:
        return await self._file(block, channel_id)

    async def export_csv(self, block: Generate, channel_id: int) -> File:
        return await self._file(block, channel_id)

    async def export_rounds(self, block: Generate, channel_id: int) -> File:
        """Excel or CSV with every round of the practice (`eksport alle runder`)."""
        loaded, views = await self.load_rounds(block.subject_id, channel_id)

        def write(folder: Path) -> Path:
            rounds = build_rounds_report_data(
                views, self.catalogue, self.table, loaded.lang, loaded.zone, self.clock.now()
            )
            tr = partial(t, loaded.lang)
            name = f"lovende-praksis-{slug(loaded.view.practice_name)}-alle-runder"
            if block.kind == "export_xlsx_rounds":
                return write_xlsx(rounds, tr, folder / f"{name}.xlsx")
            return write_csv(rounds, tr, folder / f"{name}.csv")

        rendered = await asyncio.to_thread(render, write)
        file_id, path = await self.keep(loaded, block.kind, rendered)
        log.info("%s generated", block.kind)
        return File(file_id, rendered.filename, block.alt, path)
