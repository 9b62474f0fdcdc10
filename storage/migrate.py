"""Run the Alembic migrations programmatically on an async engine."""

from __future__ import annotations

import functools
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

HERE = Path(__file__).resolve().parent


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE / "migrations"))
    return cfg


def _upgrade(connection: Connection, revision: str) -> None:
    cfg = alembic_config()
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, revision)


async def upgrade(engine: AsyncEngine, revision: str = "heads") -> None:
    """Upgrade to every head: features add migrations on their own branches off 0001_core."""
    async with engine.begin() as conn:
        await conn.run_sync(_upgrade, revision)


@functools.cache
def _heads() -> frozenset[str]:
    # Read once: parsing the migration scripts costs ~100 ms, and /readyz is polled.
    return frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())


def _is_current(connection: Connection) -> bool:
    return set(MigrationContext.configure(connection).get_current_heads()) == _heads()


async def is_current(engine: AsyncEngine) -> bool:
    """True when the database is at the newest migration (used by /readyz)."""
    async with engine.connect() as conn:
        return await conn.run_sync(_is_current)
