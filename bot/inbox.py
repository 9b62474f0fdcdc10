"""Acknowledge first, durably: interactions are kept in the inbox table before the platform
hears "ok", and their turns run right after (see storage/inbox.py).

Clicks that arrive while a write is in progress are written together in the next one (group
commit): on SQLite there is one writer at a time, so fifty concurrent clicks cost a few short
transactions instead of fifty.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.metrics import INBOX_PENDING
from dialogs.events import Command, Event, Interaction
from storage import inbox as store

log = logging.getLogger(__name__)

# How long the receiving process has to run a kept interaction's turn before any replica may
# replay it. Short, because a crashed process's clicks wait this long; a replay that overlaps
# a slow original does no harm (the row is deleted by exactly one turn).
LEASE = timedelta(seconds=10)
MAX_REPLAYS = 5  # a row whose turn keeps failing is given up (logged) after this many


def event_data(event: Event) -> dict[str, Any]:
    if isinstance(event, Command):
        return {"command": event.text}
    return {"action": event.action, "values": dict(event.values)}


def event_of(data: dict[str, Any]) -> Event:
    if "command" in data:
        return Command(str(data["command"]))
    values = data.get("values") or {}
    return Interaction(str(data["action"]), {str(k): str(v) for k, v in values.items()})


class Inbox:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self.sessions, self.clock = sessions, clock
        self._queue: list[tuple[store.Entry, asyncio.Future[int]]] = []
        self._writer: asyncio.Task[None] | None = None
        self.kept: set[int] = set()  # ids kept by this process whose turns have not ended

    def done(self, item_id: int) -> None:
        self.kept.discard(item_id)
        INBOX_PENDING.set(len(self.kept))

    async def keep(self, entry: store.Entry) -> int:
        """Write one interaction (with whatever else is waiting); its row id."""
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._queue.append((entry, future))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.ensure_future(self._write())
        item_id = await future
        self.kept.add(item_id)
        INBOX_PENDING.set(len(self.kept))
        return item_id

    async def _write(self) -> None:
        while self._queue:
            batch, self._queue = self._queue, []
            try:
                async with self.sessions() as session, session.begin():
                    ids = await store.add(
                        session, [entry for entry, _ in batch], self.clock.now(), LEASE
                    )
            except Exception as exc:  # each waiting request answers with the failure
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for (_, future), item_id in zip(batch, ids, strict=True):
                if not future.done():
                    future.set_result(item_id)

    async def claim_stale(self) -> list[store.InboxItem]:
        """Rows left behind (their lease ran out), claimed by this process; rows replayed too
        often are dropped with an error in the log."""
        async with self.sessions() as session, session.begin():
            rows = await store.claim_stale(session, self.clock.now(), LEASE)
            for row in [r for r in rows if r.replays > MAX_REPLAYS]:
                log.error("inbox row %d given up after %d replays", row.id, MAX_REPLAYS)
                await store.take(session, row.id)
                rows.remove(row)
        return rows
