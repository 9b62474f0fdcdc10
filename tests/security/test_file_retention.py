"""Generated files do not outlive their purpose (issue 15, point 13; issue 16, point 3).

- Retention (`purge_old_rounds`, the scheduler's `retention:daily`) removes the charts and
  reports of the rounds it deletes — stored in the database, and their copies on disk; a newer
  round's files stay.
- The daily job `files:daily` removes generated files stored more than
  LOVENDE_FILE_RETENTION_DAYS ago (default 30), with Teams' links to them, and the copies on
  disk that old and the folders of channels that are no longer in the database; younger files
  stay. Without it the table (and the output folder) only grew.
- Storage gets its configuration as arguments: no module of `storage/` imports `bot`.
"""

from __future__ import annotations

import ast
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from bot.clock import FakeClock
from bot.http.pages import render
from bot.reminders import ReminderWorker
from bot.scheduler import FILES_ID, ReminderScheduler
from bot.settings import ConfigError, for_console, load_settings
from bot.testing import BotHarness, offline_features
from dialogs.messages import File, Image
from storage.file_models import GeneratedFile
from storage.privacy import PrivacyStore
from storage.retention import purge_old_rounds

STORAGE = Path(__file__).resolve().parents[2] / "storage"


def at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 10, 0, tzinfo=UTC)


async def round_with_files(bot: BotHarness, practice: str, closed: datetime) -> list[Image | File]:
    """A round of `practice` with its chart and exports, closed at `closed`."""
    bot.clock.set(closed - timedelta(days=3))
    await bot.start_assessment(practice)
    await bot.say("Anna", "svar 1.1 ja: Kommentar der skal slettes")
    records = await bot.say("Bo", "resultat") + await bot.say("Bo", "eksport")
    bot.clock.set(closed)
    await bot.say("Anna", "luk")
    await bot.say("Anna", "luk")
    blocks = [
        b
        for r in records
        if r.message is not None
        for b in r.message.blocks
        if isinstance(b, Image | File)
    ]
    assert len(blocks) == 4 and all(copy_of(b).is_file() for b in blocks)
    return blocks


def copy_of(block: Image | File) -> Path:
    assert block.path is not None  # LOVENDE_OUTPUT_DIR is set (the security conftest)
    return Path(block.path)


async def stored(bot: BotHarness) -> set[str]:
    """The ids of the generated files in the database."""
    return set(await rounds_of_stored(bot))


async def rounds_of_stored(bot: BotHarness) -> dict[str, int | None]:
    """The generated files in the database: their rounds by their ids."""
    async with bot.runtime.sessions() as session:
        rows = await session.execute(select(GeneratedFile.id, GeneratedFile.assessment_id))
        return {file_id: aid for file_id, aid in rows}


async def test_retention_removes_the_files_of_the_rounds_it_deletes(
    bot: BotHarness, output_dir: Path
) -> None:
    old = await round_with_files(bot, "Gammel praksis", at(2020, 1, 10))
    newer = await round_with_files(bot, "Gammel praksis", at(2024, 6, 10))
    # (closing a round posts its chart too: more files of each round than these four)
    rounds = await rounds_of_stored(bot)
    old_round, new_round = rounds[old[0].file_id], rounds[newer[0].file_id]
    assert {rounds[b.file_id] for b in old} == {old_round} and old_round != new_round
    async with bot.runtime.sessions() as session, session.begin():
        purged = await purge_old_rounds(session, at(2026, 3, 2), 5, output_dir=output_dir)
    assert purged == 1
    left = await rounds_of_stored(bot)
    assert set(left.values()) == {new_round} and {b.file_id for b in newer} <= set(left)
    assert not any(copy_of(b).exists() for b in old)
    assert not any(copy_of(b).parent.exists() for b in old)  # their folders too
    assert all(copy_of(b).is_file() for b in newer)


async def test_the_daily_retention_job_removes_the_rounds_files(
    database_url: str, monkeypatch: pytest.MonkeyPatch, output_dir: Path
) -> None:
    monkeypatch.setenv("LOVENDE_RETENTION_YEARS", "1")
    bot = await BotHarness.start(database_url, FakeClock())
    try:
        old = await round_with_files(bot, "Recovery", at(2025, 1, 10))
        bot.clock.set(at(2026, 3, 2))
        await ReminderScheduler(ReminderWorker(bot.runtime)).purge()
        assert await stored(bot) == set()
        assert not any(copy_of(b).exists() for b in old)
    finally:
        await bot.close()


def age(path: Path, moment: datetime) -> None:
    """Make the file (or folder) look last written at `moment`."""
    os.utime(path, (moment.timestamp(), moment.timestamp()))


async def test_the_daily_job_removes_files_older_than_the_setting(
    bot: BotHarness, output_dir: Path
) -> None:
    now = bot.clock.now()
    await bot.start_assessment("Recovery")
    records = await bot.say("Bo", "eksport")
    blocks = [b for r in records if r.message is not None for b in r.message.blocks]
    made = [b for b in blocks if isinstance(b, File)]
    files = [copy_of(b) for b in made]
    assert [p.suffix for p in files] == [".docx", ".xlsx", ".csv"]
    old, young = files[:2], files[2:]  # the Word report, the Excel file; the CSV
    async with bot.runtime.sessions() as session, session.begin():
        for block, moment in zip(
            made,
            [now - timedelta(days=30, minutes=1)] * 2 + [now - timedelta(days=29, hours=23)],
            strict=True,
        ):
            await session.execute(
                update(GeneratedFile)
                .where(GeneratedFile.id == block.file_id)
                .values(created_at=moment)
            )
    for path in old:
        for companion in path.parent.iterdir():
            age(companion, now - timedelta(days=30, minutes=1))
        age(path.parent, now - timedelta(days=30, minutes=1))
    for path in young:  # the CSV
        age(path, now - timedelta(days=29, hours=23))
    orphan = output_dir / "channel-999" / "round-7-0123456789abcdef0123456789abcdef" / "x.png"
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"png")
    for path in (orphan, orphan.parent, orphan.parent.parent):
        age(path, now - timedelta(hours=2))  # young, but its channel is gone
    fresh_orphan = output_dir / "channel-998" / "export-0123456789abcdef0123456789abcdef" / "y"
    fresh_orphan.parent.mkdir(parents=True)
    fresh_orphan.write_bytes(b"{}")
    for path in (fresh_orphan, fresh_orphan.parent, fresh_orphan.parent.parent):
        age(path, now - timedelta(minutes=5))  # perhaps an export not yet committed

    scheduler = ReminderScheduler(ReminderWorker(bot.runtime))
    await scheduler.purge_files()

    assert await stored(bot) == {made[2].file_id}
    assert not any(p.exists() for p in old) and not any(p.parent.exists() for p in old)
    assert all(p.is_file() for p in young)
    assert not orphan.parent.parent.exists()
    assert fresh_orphan.is_file()
    scheduler.start()
    try:
        job = scheduler.scheduler.get_job(FILES_ID)
        assert job is not None and job.trigger.interval == timedelta(hours=24)
    finally:
        await scheduler.stop()


def test_the_file_retention_setting_is_validated() -> None:
    assert load_settings().file_retention_days == 30
    assert load_settings(file_retention_days="7").file_retention_days == 7
    for bad in ("0", "-3", "2.5", "tre"):
        with pytest.raises(ConfigError, match="LOVENDE_FILE_RETENTION_DAYS"):
            load_settings(file_retention_days=bad)


def test_storage_imports_nothing_of_the_runtime() -> None:
    """Stores get their configuration as arguments (storage/privacy.py imported bot.settings)."""
    offenders = []
    for path in sorted(STORAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            offenders += [f"{path.name}: {n}" for n in names if n == "bot" or n.startswith("bot.")]
    assert offenders == []


def test_the_privacy_store_gets_the_runtimes_settings(tmp_path: Path) -> None:
    settings = load_settings(output_dir=tmp_path / "elsewhere", admins="console:ws:dora")
    features = offline_features(settings)
    (store,) = [f.store for f in features if isinstance(f.store, PrivacyStore)]
    assert store.output_dir == (tmp_path / "elsewhere").absolute()
    assert store.admins == {"console:ws:dora"}


def test_the_privacy_page_says_how_long_files_are_kept() -> None:
    """/privacy tells the team what the bot does with its files (it used to say the bot
    never deleted them, not even with `slet-data`)."""
    settings = load_settings(file_retention_days="7")
    danish, english = render("privacy", "da", settings), render("privacy", "en", settings)
    assert "sletter botten efter 7 dage" in danish and "deleted by the bot after 7 days" in english
    assert "slettes med det samme" in danish and "deleted at once" in english
    assert "sletter botten ikke selv" not in danish and "not deleted by the bot" not in english


def test_copies_on_disk_are_for_the_console_only_unless_set(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """`serve` keeps no copies by default (nothing a replica needs is on its disk); the
    console and the demo show a path, so they copy to `out` unless told otherwise."""
    monkeypatch.delenv("LOVENDE_OUTPUT_DIR", raising=False)
    assert load_settings().output_dir is None
    assert for_console(load_settings()).output_dir == Path("out")
    assert load_settings(output_dir="").output_dir is None
    chosen = load_settings(output_dir=str(tmp_path))
    assert for_console(chosen).output_dir == chosen.output_dir == tmp_path
