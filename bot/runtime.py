"""The composition root: database, migrations, instruments and engine from the settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.board.live import BoardHub, ChannelChanged
from bot.clock import Clock, SystemClock
from bot.engine import Engine
from bot.features import Env, default_features
from bot.ports import ChatPort
from bot.settings import Settings
from scoring.catalogue import Catalogue, load_catalogue
from scoring.table import DEFAULT_TABLE, ScoringTable, load_table
from storage.db import create_engine, is_sqlite, session_factory
from storage.inbox import create_spool, spool_url
from storage.migrate import upgrade

if TYPE_CHECKING:
    from bot.scheduler import ReminderScheduler


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
    # Background work (the reminder scheduler); the web app and the console start it.
    background: ReminderScheduler | None = None
    inbox_db: AsyncEngine | None = None  # the inbox's own connections (see build_runtime)
    board: BoardHub = field(default_factory=BoardHub)  # the board pages open here (bot/board)

    async def start_background(self) -> None:
        from bot.reminders import ReminderWorker
        from bot.scheduler import ReminderScheduler

        if self.background is None:
            self.background = ReminderScheduler(ReminderWorker(self))
        self.background.start()

    async def stop_background(self) -> None:
        if self.background is not None:
            await self.background.stop()
            self.background = None

    async def close(self) -> None:
        await self.stop_background()
        await self.db.dispose()
        if self.inbox_db is not None:
            await self.inbox_db.dispose()


# Turns in flight at once on PostgreSQL: enough to overlap the database's round trips; more
# would only take the one event loop from the acknowledgements (see Engine.turn_slots).
TURN_SLOTS_POSTGRES = 3


async def build_runtime(settings: Settings, clock: Clock | None = None) -> Runtime:
    db = create_engine(settings.database_url)
    if settings.auto_migrate:
        await upgrade(db)
    sessions = session_factory(db)
    catalogue = load_catalogue()
    table = load_table(settings.scoring_table or DEFAULT_TABLE, catalogue)
    # The inbox gets its own connections: an acknowledgement never waits for a pooled
    # connection behind running turns (on SQLite, its own file too: storage/inbox.py).
    spool_at = spool_url(settings.database_url)
    if spool_at:
        inbox_db = create_engine(spool_at)
        await create_spool(inbox_db)
    else:
        inbox_db = create_engine(settings.database_url, pool_size=2, max_overflow=4)
    clock = clock or SystemClock()
    board = BoardHub()
    engine = Engine(
        sessions,
        default_features(Env(catalogue, table, settings, sessions, clock)),
        clock,
        inbox_sessions=session_factory(inbox_db),
        turn_slots=1 if is_sqlite(settings.database_url) else TURN_SLOTS_POSTGRES,
        changed=ChannelChanged(board, postgres=not is_sqlite(settings.database_url)),
    )
    return Runtime(settings, db, sessions, catalogue, table, engine, inbox_db=inbox_db, board=board)
