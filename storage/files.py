"""Generated files (charts, reports, exports, data exports), kept in the database.

A replica keeps nothing another replica needs on its own disk: a file the bot made is a row of
`generated_files` (storage/file_models.py) under an unguessable id. Slack uploads read its
bytes from here, Teams' file links (`/teams/files/<token>`, bot/teams/files.py) serve them from
here on whichever replica the request lands, and the row goes with its channel's data and its
round (foreign keys with ON DELETE CASCADE) and after LOVENDE_FILE_RETENTION_DAYS.

Stored, not regenerated on request, because:
- a link must show what the message said: a chart made from today's rows under last week's
  link would show answers changed since, and a Word report carries the moment it was made;
- the data export is a snapshot of rows that a deletion may remove right after;
- Teams fetches an image once per client and per reload: rendering a chart (or a Word report,
  with matplotlib and python-docx) on each fetch would cost far more than a row read.
Sizes, measured on a complete assessment (60 questions, three members, comments; README
"Generated files"): radar chart 130 KB, history table 52 KB, self-evaluation chart 44 KB (a
PNG never exceeds 1 MB: scoring/chart.py), Word report 170 KB (211 KB with the
self-evaluation's section), Excel 21 KB, CSV 27 KB, data export 77 KB. `MAX_BYTES` bounds a
file all the same.

A copy on disk, for the console and a developer, is storage/file_copies.py.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.file_models import GeneratedFile
from storage.models import Channel

# Far above any file the bot makes (see above), well below what PostgreSQL (1 GB per value)
# and SQLite (1 GB by default) take, and what a replica may hold in memory while serving it.
MAX_BYTES = 32 * 1024 * 1024
CONTENT_TYPES = {
    ".png": "image/png",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".csv": "text/csv; charset=utf-8",
    ".json": "application/json",
}
DATA_EXPORT = "data_export"  # the kind of a privacy data export (the others: `Generate.kind`)


class NoSuchChannel(LookupError):
    """The channel's data was deleted before its file could be stored."""


class FileTooLarge(ValueError):
    """A generated file over MAX_BYTES (a bug, or an absurd amount of data): not stored."""


@dataclass(frozen=True)
class StoredFile:
    """A stored file, without its bytes."""

    id: str
    channel_id: int
    kind: str
    filename: str
    content_type: str
    size: int


@dataclass(frozen=True)
class FileContent:
    """A stored file's bytes and what an adapter needs to hand them out."""

    id: str
    channel_id: int
    filename: str
    content_type: str
    content: bytes


def new_id() -> str:
    """An id nobody can guess (256 bits): knowing one file's id says nothing of another's."""
    return secrets.token_urlsafe(32)


def content_type_of(filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()
    return CONTENT_TYPES.get(suffix, "application/octet-stream")


async def add(
    session: AsyncSession,
    *,
    channel_id: int,
    kind: str,
    filename: str,
    content: bytes,
    now: datetime,
    assessment_id: int | None = None,
) -> StoredFile:
    """Store a file in the caller's unit of work (a data export goes with the turn that made
    it); its id."""
    if len(content) > MAX_BYTES:
        raise FileTooLarge(f"{kind}: {len(content)} bytes")
    stored = StoredFile(
        new_id(), channel_id, kind, filename, content_type_of(filename), len(content)
    )
    session.add(
        GeneratedFile(
            id=stored.id,
            channel_id=channel_id,
            assessment_id=assessment_id,
            kind=kind,
            filename=filename,
            content_type=stored.content_type,
            size=stored.size,
            content=content,
            created_at=now,
        )
    )
    await session.flush()
    return stored


async def content(session: AsyncSession, file_id: str) -> FileContent | None:
    row = (
        await session.execute(
            select(
                GeneratedFile.channel_id,
                GeneratedFile.filename,
                GeneratedFile.content_type,
                GeneratedFile.content,
            ).where(GeneratedFile.id == file_id)
        )
    ).first()
    if row is None:
        return None
    channel_id, filename, content_type, data = row
    return FileContent(file_id, channel_id, filename, content_type, bytes(data))


async def remove(session: AsyncSession, where: Iterable[Any]) -> int:
    """Delete the files matching every condition in `where`; how many. Teams' links to them
    go by their foreign key (ON DELETE CASCADE)."""
    result = await session.execute(delete(GeneratedFile).where(*where))
    return max(cast("CursorResult[Any]", result).rowcount, 0)


async def remove_older_than(session: AsyncSession, cutoff: datetime) -> int:
    return await remove(session, [GeneratedFile.created_at < cutoff])


async def remove_of_rounds(session: AsyncSession, assessment_ids: Iterable[int]) -> int:
    return await remove(session, [GeneratedFile.assessment_id.in_(list(assessment_ids))])


class GeneratedFiles:
    """The units of work of the generators (after a turn's commit) and of the adapters."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def keep(
        self,
        channel_id: int,
        kind: str,
        filename: str,
        data: bytes,
        now: datetime,
        assessment_id: int | None = None,
    ) -> StoredFile:
        """Store a file in a short unit of work of its own. NoSuchChannel when the channel's
        data was deleted meanwhile: no file outlives its channel."""
        try:
            async with self.sessions() as session, session.begin():
                if await session.get(Channel, channel_id) is None:
                    raise NoSuchChannel(f"channel {channel_id}")
                return await add(
                    session,
                    channel_id=channel_id,
                    kind=kind,
                    filename=filename,
                    content=data,
                    now=now,
                    assessment_id=assessment_id,
                )
        except IntegrityError as exc:  # deleted between the check and the insert
            raise NoSuchChannel(f"channel {channel_id}") from exc

    async def read(self, file_id: str) -> FileContent | None:
        """A file's bytes; None when it is gone (its channel's data was deleted, its round
        removed by retention, or it was older than LOVENDE_FILE_RETENTION_DAYS)."""
        async with self.sessions() as session:
            return await content(session, file_id)
