"""Images and documents for Teams: unguessable, expiring links served by the bot itself.

Teams shows an image in a card only from a URL it can fetch, and offers documents as links.
`FileLinks.url_for` registers a generated file under `secrets.token_urlsafe(32)` in the
database (so any replica can serve it) and returns `<TEAMS_PUBLIC_URL>/teams/files/<token>`.
The row names the channel the file was generated for (its folder says which, storage/files.py):
deleting the channel's data deletes the row, and the link answers 404 at once.
The file itself stays where its generator wrote it: with several replicas that directory must
be shared storage (a volume every replica mounts at the same path).
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

from aiohttp import web

from bot.clock import Clock
from bot.engine import ChannelGone
from bot.teams.store import FileRow, TeamsStore
from storage.files import channel_of

log = logging.getLogger(__name__)

CONTENT_TYPES = {
    ".png": "image/png",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".csv": "text/csv; charset=utf-8",
}
ROUTE = "/teams/files/{token}"


class UnservableFile(ValueError):
    """Not a kind of file we hand out (only PNG, DOCX, XLSX, CSV)."""


def aware(moment: datetime) -> datetime:
    """SQLite gives back naive datetimes; everything we store is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def absolute(path: str) -> str:
    return os.path.abspath(path)


class FileLinks:
    def __init__(self, store: TeamsStore, clock: Clock, public_url: str, ttl: timedelta) -> None:
        self.store, self.clock, self.public_url, self.ttl = store, clock, public_url, ttl

    @property
    def enabled(self) -> bool:
        return bool(self.public_url)

    async def url_for(self, path: str, filename: str | None = None) -> str | None:
        """A fresh link to `path`, or None when no public URL is configured."""
        if not self.public_url:
            return None
        name = filename or Path(path).name
        content_type = CONTENT_TYPES.get(Path(name).suffix.lower())
        if content_type is None:
            raise UnservableFile(Path(name).suffix)
        token = secrets.token_urlsafe(32)
        now = self.clock.now()
        row = FileRow(token, absolute(path), name, content_type, now + self.ttl, channel_of(path))
        if not await self.store.add_file(row, now):
            raise ChannelGone("the channel's data was deleted while its file was being sent")
        return f"{self.public_url}/teams/files/{token}"

    async def serve(self, request: web.Request) -> web.StreamResponse:
        token = request.match_info["token"]
        row = await self.store.file(token) if 20 <= len(token) <= 64 else None
        # Unknown, expired and vanished files all look the same from outside.
        if row is None or aware(row.expires_at) <= self.clock.now():
            raise web.HTTPNotFound()
        path = Path(row.path)
        if not await asyncio.to_thread(path.is_file):
            log.warning("served file is missing on this replica (shared storage?)")
            raise web.HTTPNotFound()
        disposition = "inline" if row.content_type == "image/png" else "attachment"
        ascii_name = row.filename.encode("ascii", "replace").decode()
        fallback = ascii_name.replace('"', "").replace("?", "_")
        return web.FileResponse(
            path,
            headers={
                "Content-Type": row.content_type,
                "Content-Disposition": (
                    f'{disposition}; filename="{fallback}"; '
                    f"filename*=UTF-8''{quote(row.filename)}"
                ),
                "Cache-Control": "private, max-age=3600",
                "X-Content-Type-Options": "nosniff",
            },
        )
