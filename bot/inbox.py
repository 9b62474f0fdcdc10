"""Acknowledge first, durably: interactions are kept in the inbox before the platform hears
"ok", and their turns run right after (see storage/inbox.py).

Rows to add and rows to remove that arrive while a write is in progress go together in the
next one (group commit): fifty concurrent clicks cost a few statements, not fifty. Each write is
one statement that commits by itself (storage.db.one_statement): no BEGIN and COMMIT trips on a
click's way to its acknowledgement.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.metrics import INBOX_PENDING
from dialogs.events import Command, Event, Interaction
from storage import inbox as store
from storage.db import one_statement

log = logging.getLogger(__name__)

# How long the receiving process has to run a kept interaction's turn before any replica may
# replay it. Short, because a crashed process's clicks wait this long; a replay that overlaps
# a slow original does no harm (the turn's processed-event key makes it a duplicate).
LEASE = timedelta(seconds=10)
MAX_REPLAYS = 5  # a row whose turn keeps failing is given up (logged) after this many


def new_key() -> str:
    return uuid.uuid4().hex


def event_data(event: Event) -> dict[str, Any]:
    if isinstance(event, Command):
        return {"command": event.text}
    data: dict[str, Any] = {"action": event.action, "values": dict(event.values)}
    if event.form_key is not None:
        data["form"] = event.form_key
    return data


def event_of(data: dict[str, Any]) -> Event:
    if "command" in data:
        return Command(str(data["command"]))
    values = data.get("values") or {}
    form = data.get("form")
    return Interaction(
        str(data["action"]),
        {str(k): str(v) for k, v in values.items()},
        str(form) if form is not None else None,
    )


class Inbox:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self.sessions, self.clock = sessions, clock
        self._adds: list[tuple[store.Entry, asyncio.Future[None]]] = []
        self._removals: list[tuple[str, asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None
        self.kept: set[str] = set()  # keys kept by this process whose turns have not ended

    async def keep(self, entry: store.Entry) -> None:
        """Write one interaction (with whatever else is waiting)."""
        await self._queue(self._adds, entry)
        self.kept.add(entry.key)
        INBOX_PENDING.set(len(self.kept))

    async def done(self, key: str) -> None:
        """The interaction's turn has run (or was a duplicate): remove its row."""
        self.kept.discard(key)
        INBOX_PENDING.set(len(self.kept))
        await self._queue(self._removals, key)

    def failed(self, key: str) -> None:
        """The interaction's turn failed (the database was away, say): its row stays, and this
        process no longer waits to run it, so the replay takes it when its lease runs out —
        here or on any replica, without a restart."""
        self.kept.discard(key)
        INBOX_PENDING.set(len(self.kept))

    async def _queue(self, queue: list[tuple[Any, asyncio.Future[None]]], item: object) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        queue.append((item, future))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.ensure_future(self._write())
        await future

    async def _write(self) -> None:
        """Each write is one statement, committing by itself (storage.db.one_statement):
        the rows to add in one, the rows to remove in another; nothing links the two."""
        while self._adds or self._removals:
            adds, self._adds = self._adds, []
            removals, self._removals = self._removals, []
            if adds:
                entries = [entry for entry, _ in adds]
                await self._one(adds, store.add, entries, self.clock.now(), LEASE)
            if removals:
                await self._one(removals, store.remove, [key for key, _ in removals])

    async def _one(
        self,
        waiting: list[tuple[Any, asyncio.Future[None]]],
        write: Callable[..., Awaitable[None]],
        *args: Any,
    ) -> None:
        """Run `write(session, *args)`; each request waiting for it answers with its outcome."""
        try:
            async with self.sessions() as session:
                await one_statement(session)
                await write(session, *args)
                await session.commit()
        except Exception as exc:
            for _, future in waiting:
                if not future.done():
                    future.set_exception(exc)
            return
        for _, future in waiting:
            if not future.done():
                future.set_result(None)

    async def claim_stale(self) -> list[store.InboxItem]:
        """Rows left behind (their lease ran out), claimed by this process; rows replayed too
        often are dropped with an error in the log. Rows this process kept are not: their
        turns are waiting here (bot/priority.py), however long that takes."""
        async with self.sessions() as session, session.begin():
            rows = await store.claim_stale(session, self.clock.now(), LEASE, ours=self.kept)
            given_up = [r for r in rows if r.replays > MAX_REPLAYS]
            if given_up:
                for row in given_up:
                    log.error("inbox row %d given up after %d replays", row.id, MAX_REPLAYS)
                await store.remove(session, [r.key for r in given_up])
        return [r for r in rows if r.replays <= MAX_REPLAYS]
