"""Live boards: the engine says which channel a committed turn changed; the board pages open on
any replica hear of it (as a server-sent event) and fetch their content again.

- `BoardHub`: the pages (event streams) open in this process, by channel.
- `ChannelChanged`: the engine's hook (`Engine(changed=…)`), called inside a turn's transaction
  when its operations changed a channel. With SQLite it publishes to the hub once the
  transaction has committed (an `after_commit` listener on that session: a page that fetched
  before the commit would see the old data). With PostgreSQL it sends `pg_notify`, which the
  database delivers only at commit, to every replica that listens — this one too.
- `PgListener`: a replica's LISTEN connection (asyncpg, the driver the bot already uses),
  started by the web app, that publishes what it hears to the hub.

Only the channel's numeric id travels; never what anyone wrote.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import asyncpg  # type: ignore[import-untyped]  # no stubs; the bot's own driver
from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

PG_CHANNEL = "lovende_board"
PENDING = "lovende.board.changed"  # session.info: channels changed in this transaction
CHANGED, CLOSING = "changed", "closing"
RECONNECT_MAX = 30.0  # seconds between attempts to get the LISTEN connection back


class BoardHub:
    """The board pages open in this process: one queue per page, by channel id. A queue holds
    at most one event: a page that has not fetched yet will fetch the newest content anyway."""

    def __init__(self) -> None:
        self._pages: dict[int, set[asyncio.Queue[str]]] = {}

    def subscribe(self, channel_id: int) -> asyncio.Queue[str]:
        queue: asyncio.Queue[str] = asyncio.Queue(maxsize=1)
        self._pages.setdefault(channel_id, set()).add(queue)
        return queue

    def unsubscribe(self, channel_id: int, queue: asyncio.Queue[str]) -> None:
        pages = self._pages.get(channel_id)
        if pages is not None:
            pages.discard(queue)
            if not pages:
                del self._pages[channel_id]

    def open_pages(self, channel_id: int | None = None) -> int:
        if channel_id is not None:
            return len(self._pages.get(channel_id, ()))
        return sum(len(p) for p in self._pages.values())

    def publish(self, channel_id: int) -> None:
        for queue in self._pages.get(channel_id, ()):
            if queue.empty():
                queue.put_nowait(CHANGED)

    def close_all(self) -> None:
        """The app is stopping: every open stream ends (its page reconnects elsewhere)."""
        for queue in (q for pages in self._pages.values() for q in pages):
            if not queue.empty():
                queue.get_nowait()
            queue.put_nowait(CLOSING)


class ChannelChanged:
    """The engine's hook: `await changed(session, channel_id)` inside the turn's transaction."""

    def __init__(self, hub: BoardHub, postgres: bool) -> None:
        self.hub, self.postgres = hub, postgres

    async def __call__(self, session: AsyncSession, channel_id: int) -> None:
        if self.postgres:
            # Delivered at commit, to every listening replica; dropped on rollback.
            await session.execute(
                text("SELECT pg_notify(:name, :payload)"),
                {"name": PG_CHANNEL, "payload": str(channel_id)},
            )
            return
        pending: set[int] = session.info.setdefault(PENDING, set())
        if not pending:
            event.listen(session.sync_session, "after_commit", self._committed, once=True)
        pending.add(channel_id)

    def _committed(self, session: Session) -> None:
        for channel_id in session.info.pop(PENDING, ()):
            self.hub.publish(channel_id)


def asyncpg_dsn(database_url: str) -> str:
    """postgresql+asyncpg://… as asyncpg itself takes it."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(False)


class PgListener:
    """One LISTEN connection per replica; reconnects (with back-off) when it is lost."""

    def __init__(self, database_url: str, hub: BoardHub) -> None:
        self.dsn, self.hub = asyncpg_dsn(database_url), hub
        self.listening = asyncio.Event()  # set while LISTEN is in place
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="board-listen")
        # The first connection before the app answers: a page opened at once hears changes.
        waiter = asyncio.create_task(self.listening.wait())
        await asyncio.wait({waiter, self._task}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
        waiter.cancel()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    def _heard(self, _conn: object, _pid: int, _channel: str, payload: object) -> None:
        if isinstance(payload, str) and payload.isdigit():
            self.hub.publish(int(payload))

    async def _run(self) -> None:
        delay = 0.5
        while True:
            lost = asyncio.Event()
            try:
                conn = await asyncpg.connect(self.dsn)
            except (OSError, asyncpg.PostgresError) as exc:
                log.warning("board: no LISTEN connection (%s)", type(exc).__name__)
                await asyncio.sleep(delay)
                delay = min(delay * 2, RECONNECT_MAX)
                continue
            try:
                conn.add_termination_listener(_setter(lost))
                await conn.add_listener(PG_CHANNEL, self._heard)
                self.listening.set()
                delay = 0.5
                await lost.wait()
                log.warning("board: LISTEN connection lost; reconnecting")
            finally:
                self.listening.clear()
                await _close(conn)


def _setter(flag: asyncio.Event) -> Callable[[object], None]:
    return lambda _conn: flag.set()


async def _close(conn: asyncpg.Connection) -> None:
    try:
        await asyncio.wait_for(conn.close(), timeout=5)
    except (OSError, TimeoutError, asyncpg.PostgresError):
        conn.terminate()
