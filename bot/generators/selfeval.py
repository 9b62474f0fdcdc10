"""The generator for the self-evaluation's `Generate("selfeval_chart", selfeval_id, alt)`
block: the team's own ratings as a small bar chart.

Like the assessment's generators (bot/generators/assessment.py) it loads in a short read-only
unit of work, checked against the channel the message goes to, renders in a worker thread, and
stores the chart in the database (bot/generators/keeper.py), with a copy under
LOVENDE_OUTPUT_DIR when that is set.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.generators import Generator
from bot.generators.keeper import Keeper, render
from dialogs.messages import Generate, Image
from dialogs.selfeval.report import ratings_chart
from dialogs.selfeval.views import CHART_KIND
from scoring.org_catalogue import OrgCatalogue, load_org_catalogue
from storage.models import Channel
from storage.selfeval import load_selfeval_view
from storage.turns import CrossTenant

log = logging.getLogger(__name__)


class SelfEvalFiles:
    """The self-evaluation's generator: the team's ratings as a bar chart."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        keeper: Keeper,
        catalogue: OrgCatalogue | None = None,
    ) -> None:
        self.sessions, self.keeper = sessions, keeper
        self.catalogue = catalogue or load_org_catalogue()

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

        def draw(folder: Path) -> Path:
            path = folder / f"selvevaluering-{view.round_no}.png"
            drawn = ratings_chart(view, self.catalogue, lang, path)
            if drawn is None:  # every rating was removed after the message was planned
                raise LookupError("no ratings to draw")
            return drawn

        rendered = await asyncio.to_thread(render, draw)
        kept = await self.keeper.keep(channel_id, block.kind, rendered, tag=f"selfeval-{view.id}")
        log.info("self-evaluation chart generated")
        return Image(kept.file_id, block.alt, kept.path)
