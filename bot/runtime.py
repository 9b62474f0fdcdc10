"""The composition root: database, migrations, instruments and engine from the settings."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.clock import Clock, SystemClock
from bot.engine import Engine
from bot.features import default_features
from bot.ports import ChatPort
from bot.settings import Settings
from scoring.catalogue import Catalogue, load_catalogue
from scoring.table import DEFAULT_TABLE, ScoringTable, load_table
from storage.db import create_engine, session_factory
from storage.migrate import upgrade


@dataclass
class Runtime:
    settings: Settings
    db: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    catalogue: Catalogue
    table: ScoringTable
    engine: Engine
    # Adapters register themselves here so that proactive sends (reminders, nudges) can reach
    # a platform without an inbound request.
    ports: dict[str, ChatPort] = field(default_factory=dict)

    async def close(self) -> None:
        await self.db.dispose()


async def build_runtime(settings: Settings, clock: Clock | None = None) -> Runtime:
    db = create_engine(settings.database_url)
    if settings.auto_migrate:
        await upgrade(db)
    sessions = session_factory(db)
    catalogue = load_catalogue()
    table = load_table(settings.scoring_table or DEFAULT_TABLE, catalogue)
    engine = Engine(sessions, default_features(catalogue, table), clock or SystemClock())
    return Runtime(settings, db, sessions, catalogue, table, engine)
