"""Shared fixtures: a fresh database per test (SQLite file; PostgreSQL when configured)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from pgtest import fresh_database
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import FakeClock
from bot.ports import Conversation
from bot.testing import BotHarness
from storage.files import GeneratedFiles
from storage.turns import Place, _workspace_channel

# The source material (Socialstyrelsen's and VIVE's texts) is not in the repository: the checks
# that quote it word for word look for it here, or where LOVENDE_SEEDS_DIR says.
SEEDS_DIR = Path(__file__).resolve().parents[2] / "shared" / "seeds"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A new, empty database: a SQLite file, and the same on PostgreSQL when configured."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
        return
    async with fresh_database("lovende_test") as url:
        yield url


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say why the source-material checks were skipped, and how to run them (also with -q)."""
    skipped = terminalreporter.stats.get("skipped", [])
    seeds = sum(1 for report in skipped if "seed" in str(getattr(report, "longrepr", "")))
    if not seeds:
        return
    where = os.environ.get("LOVENDE_SEEDS_DIR") or str(SEEDS_DIR)
    terminalreporter.write_line(
        f"{seeds} source-material checks were skipped: the seed files (the booklets' texts, "
        f"not part of this repository) are not in {where}. To run them, point "
        "LOVENDE_SEEDS_DIR at the folder with the seed files, e.g. "
        "LOVENDE_SEEDS_DIR=/path/to/seeds ./scripts/test.sh",
        yellow=True,
    )


@pytest.fixture(autouse=True)
def _output_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Charts and reports a test produces go to its own temp folder, never ./out."""
    monkeypatch.setenv("LOVENDE_OUTPUT_DIR", str(tmp_path / "out"))


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def bot(database_url: str, clock: FakeClock) -> AsyncIterator[BotHarness]:
    harness = await BotHarness.start(database_url, clock)
    try:
        yield harness
    finally:
        await harness.close()


KeepFile = Callable[[async_sessionmaker[AsyncSession], Conversation, str, bytes], Awaitable[str]]


@pytest.fixture
def keep_file(clock: FakeClock) -> KeepFile:
    """Store a generated file for a conversation's channel (made if new), as a generator
    would; its id, for an `Image`/`File` block that an adapter then hands out."""

    async def keep(
        sessions: async_sessionmaker[AsyncSession], conv: Conversation, name: str, data: bytes
    ) -> str:
        now = clock.now()
        place = Place(conv.platform, conv.workspace, conv.channel)
        async with sessions() as session, session.begin():
            # As a turn does: the workspace and the channel, made on their first use.
            _ws, channel = await _workspace_channel(session, place, now)
            channel_id = channel.id
        stored = await GeneratedFiles(sessions).keep(channel_id, "test", name, data, now)
        return stored.id

    return keep
