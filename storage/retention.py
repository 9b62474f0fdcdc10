"""Retention: closed assessment rounds older than `LOVENDE_RETENTION_YEARS` go with everything
that hangs off them, and generated files older than `LOVENDE_FILE_RETENTION_DAYS` go too. The
scheduler runs both once a day (bot/scheduler.py)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialogs.assessment.reminders import ASSESSMENT
from storage import file_copies, files
from storage.models import Assessment, Channel, Practice
from storage.reminder_models import Reminder

log = logging.getLogger(__name__)

CHUNK = 500  # ids per IN (…) list, well below SQLite's and asyncpg's parameter limits


def years_before(now: datetime, years: int) -> datetime:
    """The same moment `years` calendar years earlier (29 February becomes the 28th)."""
    try:
        return now.replace(year=now.year - years)
    except ValueError:
        return now.replace(year=now.year - years, day=28)


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


async def purge_old_rounds(
    session: AsyncSession, now: datetime, years: int, *, output_dir: Path | None = None
) -> int:
    """Delete the assessment rounds closed more than `years` years before `now`, with their
    answers, team answers and notes (ON DELETE CASCADE), their reminders, the files generated
    for them (charts, reports, exports; with Teams' links to them), practices left without any
    round, and — given the output directory — the copies of those files on disk. Meetings keep
    their own notes (their link to the round is cleared).
    Returns the number of rounds deleted. Call it once a day (the scheduler's job)."""
    if years < 1:
        raise ValueError("years must be at least 1")
    cutoff = years_before(now.astimezone(UTC), years)
    rounds = [
        (channel_id, aid)
        for aid, channel_id in await session.execute(
            select(Assessment.id, Assessment.channel_id)
            .where(
                Assessment.status == "closed",
                Assessment.closed_at.is_not(None),
                Assessment.closed_at < cutoff,
            )
            .order_by(Assessment.id)
        )
    ]
    ids = [aid for _channel_id, aid in rounds]
    practices: set[int] = set()
    removed = 0
    for chunk in _chunks(ids):
        removed += await files.remove_of_rounds(session, chunk)
        practices.update(
            await session.scalars(select(Assessment.practice_id).where(Assessment.id.in_(chunk)))
        )
        await session.execute(
            delete(Reminder).where(
                Reminder.subject_type == ASSESSMENT, Reminder.subject_id.in_(chunk)
            )
        )
        await session.execute(
            delete(Assessment)
            .where(Assessment.id.in_(chunk))
            .execution_options(synchronize_session=False)
        )
    for chunk in _chunks(sorted({channel_id for channel_id, _aid in rounds})):
        # Their rounds changed: what a process keeps of these channels is out of date.
        await session.execute(
            update(Channel)
            .where(Channel.id.in_(chunk))
            .values(version=Channel.version + 1)
            .execution_options(synchronize_session=False)
        )
    for chunk in _chunks(sorted(practices)):
        await session.execute(
            delete(Practice)
            .where(
                Practice.id.in_(chunk),
                ~exists().where(Assessment.practice_id == Practice.id),
            )
            .execution_options(synchronize_session=False)
        )
    if output_dir is not None and rounds:  # after the statements, as for a deletion
        await asyncio.to_thread(file_copies.remove_rounds, output_dir, rounds)
    if ids:
        log.info(
            "retention: %d closed rounds older than %d years deleted (%d files)",
            len(ids),
            years,
            removed,
        )
    return len(ids)


async def purge_expired(
    sessions: async_sessionmaker[AsyncSession],
    now: datetime,
    years: int | None,
    *,
    output_dir: Path | None = None,
) -> int:
    """One unit of work of the retention sweep; nothing when no retention is configured
    (`Settings.retention_years` is None). `output_dir`: remove the rounds' files too."""
    if years is None:
        return 0
    async with sessions() as session, session.begin():
        return await purge_old_rounds(session, now, years, output_dir=output_dir)


async def purge_old_files(
    sessions: async_sessionmaker[AsyncSession], output_dir: Path | None, now: datetime, days: int
) -> int:
    """The daily file sweep (LOVENDE_FILE_RETENTION_DAYS): delete the generated files stored
    more than `days` days ago (with Teams' links to them); given the output directory, also
    the copies on disk that old (by their modification times) and the folders of channels
    that are no longer in the database. The number of stored files deleted."""
    if days < 1:
        raise ValueError("days must be at least 1")
    async with sessions() as session, session.begin():
        removed = await files.remove_older_than(session, now - timedelta(days=days))
    copies = 0
    if output_dir is not None:
        copies = await _purge_copies(sessions, output_dir, now, days)
    if removed or copies:
        log.info("file retention: %d generated files, %d copies on disk removed", removed, copies)
    return removed


async def _purge_copies(
    sessions: async_sessionmaker[AsyncSession], output_dir: Path, now: datetime, days: int
) -> int:
    moment = now.timestamp()
    cutoff = moment - days * 86400
    removed = await asyncio.to_thread(file_copies.remove_older_than, output_dir, cutoff)
    present = await asyncio.to_thread(file_copies.channel_ids, output_dir)
    if present:
        live: set[int] = set()
        async with sessions() as session:
            for chunk in _chunks(sorted(present)):
                live.update(await session.scalars(select(Channel.id).where(Channel.id.in_(chunk))))
        removed += await asyncio.to_thread(file_copies.remove_orphans, output_dir, live, moment)
    return removed
