"""The generator for the self-evaluation's `Generate("selfeval_chart", selfeval_id, alt)`
block: the team's own ratings as a small bar chart.

Like the assessment's generators (bot/generators/assessment.py) it loads in a short read-only
unit of work, checked against the channel the message goes to, renders in a worker thread, and
writes into a new folder with an unguessable name in the channel's folder under `LOVENDE_OUTPUT_DIR`
(storage/files.py).
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.generators import Generator
from dialogs.messages import Generate, Image
from dialogs.selfeval.report import ratings_chart
from dialogs.selfeval.views import CHART_KIND
from scoring.org_catalogue import OrgCatalogue, load_org_catalogue
from storage import files
from storage.models import Channel
from storage.selfeval import load_selfeval_view
from storage.turns import CrossTenant

log = logging.getLogger(__name__)


class SelfEvalFiles:
    """The self-evaluation's generator: the team's ratings as a bar chart."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        output_dir: Path,
        catalogue: OrgCatalogue | None = None,
    ) -> None:
        self.sessions, self.output_dir = sessions, output_dir.absolute()
        self.catalogue = catalogue or load_org_catalogue()

    def folder(self, channel_id: int, selfeval_id: int) -> Path:
        return files.new_folder(self.output_dir, channel_id, f"selfeval-{selfeval_id}")

    def kinds(self) -> dict[str, Generator]:
        return {CHART_KIND: self.chart}

    async def chart(self, block: Generate, channel_id: int) -> Image:
        async with self.sessions() as session, session.begin():
            channel = await session.get(Channel, channel_id)
            if channel is None:
                raise CrossTenant(f"channel {channel_id}")
            lang = channel.language or "da"
            view = await load_selfeval_view(session, channel_id, block.subject_id)
        if view is None:
            raise CrossTenant(f"selfeval {block.subject_id}")

        def draw() -> Path:
            folder = self.folder(channel_id, view.id)
            path = folder / f"selvevaluering-{view.round_no}.png"
            drawn = ratings_chart(view, self.catalogue, lang, path)
            if drawn is None:  # every rating was removed after the message was planned
                raise LookupError("no ratings to draw")
            return drawn

        path = await asyncio.to_thread(draw)
        log.info("self-evaluation chart generated")
        return Image(str(path), block.alt)
