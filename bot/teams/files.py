"""Images and documents for Teams: unguessable, expiring links served by the bot itself.

Teams shows an image in a card only from a URL it can fetch, and offers documents as links.
`FileLinks.url_for` makes a link to a generated file — stored in the database
(storage/files.py) — under `secrets.token_urlsafe(32)` and returns
`<TEAMS_PUBLIC_URL>/teams/files/<token>`. The link is a row too, so whichever replica a fetch
lands on serves it, from the database; nothing is read from a replica's disk. The link goes with
its file and with the channel's data (foreign keys), and answers 404 at once after `slet-data`;
it expires after TEAMS_FILE_TTL_HOURS.
"""

from __future__ import annotations

import logging
import secrets
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

from aiohttp import web

from bot.clock import Clock
from bot.delivery import ChannelGone
from bot.teams.store import TeamsStore
from storage.files import CONTENT_TYPES

log = logging.getLogger(__name__)

# What Teams is given a link to: images, and documents it offers to open or download.
SERVED = frozenset(CONTENT_TYPES[s] for s in (".png", ".docx", ".xlsx", ".csv"))
ROUTE = "/teams/files/{token}"


class UnservableFile(ValueError):
    """Not a kind of file we hand out (only PNG, DOCX, XLSX, CSV)."""


def aware(moment: datetime) -> datetime:
    """SQLite gives back naive datetimes; everything we store is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class FileLinks:
    def __init__(self, store: TeamsStore, clock: Clock, public_url: str, ttl: timedelta) -> None:
        self.store, self.clock, self.public_url, self.ttl = store, clock, public_url, ttl

    @property
    def enabled(self) -> bool:
        return bool(self.public_url)

    async def url_for(self, file_id: str) -> str | None:
        """A fresh link to the stored file, or None when no public URL is configured."""
        if not self.public_url:
            return None
        token = secrets.token_urlsafe(32)
        now = self.clock.now()
        content_type = await self.store.add_link(token, file_id, now, now + self.ttl, SERVED)
        if content_type is None:
            raise ChannelGone("the channel's data was deleted while its file was being sent")
        if content_type not in SERVED:
            raise UnservableFile(content_type)
        return f"{self.public_url}/teams/files/{token}"

    async def serve(self, request: web.Request) -> web.StreamResponse:
        token = request.match_info["token"]
        found = await self.store.served(token) if 20 <= len(token) <= 64 else None
        # Unknown, expired and deleted files all look the same from outside.
        if found is None or aware(found.expires_at) <= self.clock.now():
            raise web.HTTPNotFound()
        disposition = "inline" if found.content_type == "image/png" else "attachment"
        ascii_name = found.filename.encode("ascii", "replace").decode()
        fallback = ascii_name.replace('"', "").replace("?", "_")
        return web.Response(
            body=found.content,
            headers={
                "Content-Type": found.content_type,
                "Content-Disposition": (
                    f'{disposition}; filename="{fallback}"; '
                    f"filename*=UTF-8''{quote(found.filename)}"
                ),
                "Cache-Control": "private, max-age=3600",
                "X-Content-Type-Options": "nosniff",
            },
        )
