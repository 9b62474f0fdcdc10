"""Engine and session factory for SQLite (embedded default) and PostgreSQL (production)."""

from __future__ import annotations

import collections
import sqlite3
import time
from types import TracebackType
from typing import Any

import aiosqlite
from sqlalchemy import event, exc
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.util import EMPTY_DICT

SQLITE_BUSY_TIMEOUT_MS = 10_000
# A PostgreSQL server that does not answer at all (a dropped network) fails a connection
# attempt after this long instead of asyncpg's 60 s.
CONNECT_TIMEOUT_SECONDS = 10.0
# An execution option for a connection that only reads (`session.connection(execution_options=
# {READ_ONLY: True})`): on SQLite it takes no write lock (no BEGIN IMMEDIATE).
READ_ONLY = "lovende_read_only"
# An execution option for a unit of work that is one statement at a time, each committing by
# itself (`one_statement`): on SQLite no BEGIN IMMEDIATE either (pysqlite is in autocommit).
SELF_COMMITTING = "lovende_self_committing"


# A pooled PostgreSQL connection that rested longer than this is pinged before it is used again
# (`_ping_when_idle`).
PING_IDLE_SECONDS = 1.0
_RETURNED = "lovende_returned"  # ConnectionPoolEntry.info: when it was last checked in


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """Create an engine; SQLite gets WAL, a busy timeout and `BEGIN IMMEDIATE` transactions.

    SQLite has one writer at a time even in WAL mode, and a transaction that reads first and
    writes later can fail with SQLITE_BUSY despite the timeout. Taking the write lock at BEGIN
    makes every unit of work wait its turn instead.
    """
    if not is_sqlite(url):
        connect_args = {"timeout": CONNECT_TIMEOUT_SECONDS, **kwargs.pop("connect_args", {})}
        pg = create_async_engine(url, connect_args=connect_args, **kwargs)
        _ping_when_idle(pg)
        return pg
    engine = create_async_engine(
        url, module=_ONE_HOP, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
    )

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let us issue BEGIN ourselves (pysqlite's implicit BEGIN is deferred).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        options = connection.get_execution_options()
        if not (options.get(READ_ONLY) or options.get(SELF_COMMITTING)):
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _ping_when_idle(engine: AsyncEngine) -> None:
    """A pooled connection that died while the database was away (restart, failover, network
    cut) is noticed at checkout and replaced, so the bot recovers by itself when the database
    is back — as SQLAlchemy's `pool_pre_ping`, but only for a connection that rested longer
    than PING_IDLE_SECONDS: the ping is a round trip to the server on every transaction, a
    click's acknowledgement and turn each paying it (issue 21). A connection in steady use
    is not pinged; should the database go away in that second, the transaction fails with a
    disconnect (answered 503: the platform retries), and SQLAlchemy then invalidates every
    connection the pool holds, so the next checkouts connect anew."""

    @event.listens_for(engine.sync_engine, "checkin")
    def _returned(_dbapi_connection: Any, record: Any) -> None:
        record.info[_RETURNED] = time.monotonic()

    @event.listens_for(engine.sync_engine, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if _seen_closed(dbapi_connection):  # (the driver saw the server go: no round trip)
            raise exc.DisconnectionError("a pooled connection was closed")
        returned = record.info.get(_RETURNED)
        if returned is None or time.monotonic() - returned < PING_IDLE_SECONDS:
            return  # new, or in use a moment ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:
            # The pool drops this connection and checks out another (a new one if need be).
            raise exc.DisconnectionError("a pooled connection did not answer") from error


def _seen_closed(dbapi_connection: Any) -> bool:
    """Whether the driver knows the connection is gone (asyncpg's `is_closed()`: the server
    closed it, as a restart does, or the network dropped it and the event loop saw so)."""
    is_closed = getattr(getattr(dbapi_connection, "_connection", None), "is_closed", None)
    return bool(is_closed()) if callable(is_closed) else False


class _Statement:
    """What a statement left, as SQLAlchemy's cursor adapter reads it once its rows are taken."""

    __slots__ = ("arraysize", "description", "lastrowid", "rowcount")

    def __init__(self) -> None:
        self.description: Any = None
        self.rowcount, self.lastrowid, self.arraysize = -1, None, 1

    async def close(self) -> None:
        return None  # (closed in the database thread already)


class _OneHopCursor(AsyncAdapt_aiosqlite_cursor):
    """A statement in one trip to aiosqlite's database thread instead of four (make a cursor,
    execute, fetch the rows, close the cursor: each a hand-over to the thread and back, which
    cost a click's turn more than the statements themselves, issue 21)."""

    __slots__ = ()

    def __init__(self, adapt_connection: Any) -> None:  # no cursor made here: a trip less
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = _Statement()  # type: ignore[assignment]
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()

    async def _execute_async(self, operation: Any, parameters: Any) -> Any:
        return await self._run(operation, parameters, many=False)

    async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> Any:
        return await self._run(operation, seq_of_parameters, many=True)

    async def _run(self, operation: Any, parameters: Any, *, many: bool) -> None:
        conn: sqlite3.Connection = self._connection._conn

        def statement() -> tuple[Any, int, int | None, list[Any] | None]:  # (in the thread)
            # Outside a transaction (`one_statement`) pysqlite would commit each of several
            # rows by itself: one statement is all or nothing, so it gets its own transaction.
            alone = many and not conn.in_transaction
            cursor = conn.cursor()
            try:
                if alone:
                    cursor.execute("BEGIN IMMEDIATE")
                if many:
                    cursor.executemany(operation, parameters)
                else:
                    cursor.execute(operation, () if parameters is None else parameters)
                rows = cursor.fetchall() if cursor.description else None
                done = cursor.description, cursor.rowcount, cursor.lastrowid, rows
                if alone:
                    conn.commit()
                return done
            except BaseException:
                if alone and conn.in_transaction:
                    conn.rollback()
                raise
            finally:
                cursor.close()

        async with self._adapt_connection._execute_mutex:
            run = self._connection._execute
            description, rowcount, lastrowid, rows = await run(statement)
        done: Any = self._cursor
        done.description, done.rowcount, done.lastrowid = description, rowcount, lastrowid
        self._rows = collections.deque(rows or ())


class _OneHopConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()
    _cursor_cls = _OneHopCursor

    def rollback(self) -> None:
        """The pool rolls back each connection given back to it, most of them after a commit
        or after reads that began no transaction: nothing to undo, so no trip to the database
        thread (a session's last one; issue 21). Nothing runs on a connection the pool is
        handed, so its state may be read here."""
        if self._connection._conn.in_transaction:
            super().rollback()

    def commit(self) -> None:
        """Statements that committed by themselves (`one_statement`) leave nothing to commit:
        no trip for it. (Nothing runs on the connection while a commit is asked for.)"""
        if self._connection._conn.in_transaction:
            super().commit()


class _OneHopDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """SQLAlchemy's aiosqlite adapter with `_OneHopCursor` (its server-side cursors as they are)."""

    def connect(self, *arg: Any, **kw: Any) -> AsyncAdapt_aiosqlite_connection:
        connection = super().connect(*arg, **kw)
        connection.__class__ = _OneHopConnection  # (the same slots: a cursor class apart)
        return connection


_ONE_HOP = _OneHopDBAPI(aiosqlite, sqlite3)


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


async def one_statement(session: AsyncSession) -> None:
    """Make `session`'s statements commit one by one, as they run: for a unit of work that
    is a single statement (atomic by itself), where the transaction's own round trips —
    BEGIN and COMMIT, each a trip to aiosqlite's thread or to the PostgreSQL server — would cost
    more than the statement (the inbox's write, on every click's way to its acknowledgement).
    Call it before the session's first statement."""
    bind = session.get_bind()
    if bind.dialect.name == "sqlite":
        # (not SQLAlchemy's AUTOCOMMIT level: on aiosqlite setting and resetting it are trips)
        await session.connection(execution_options={SELF_COMMITTING: True})
    else:
        await session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


# PostgreSQL error classes meaning "the server cannot serve us right now": connection exceptions
# (08…), too many connections, shutting down / starting up.
_PG_UNAVAILABLE = ("08", "53300", "57P01", "57P02", "57P03")
_SQLITE_UNAVAILABLE = (
    "unable to open database file",
    "disk i/o error",
    "database is locked",
    "attempt to write a readonly database",
)
_DB_MODULES = ("sqlalchemy", "asyncpg", "aiosqlite", "sqlite3")


def is_unavailable(error: BaseException) -> bool:
    """Whether `error`, or an exception that caused it, says the database cannot be reached or
    cannot serve right now (refused or dropped connections, a server shutting down, a pool
    checkout that timed out, a SQLite file that cannot be opened) — as opposed to a bug or bad
    data. Adapters answer such requests with 503 so the platform tries again later."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if _unavailable(current):
            return True
        # SQLAlchemy keeps the driver's error in `orig` (and usually as the cause too).
        pending += [current.__cause__, current.__context__, getattr(current, "orig", None)]
    return False


def _unavailable(error: BaseException) -> bool:
    if isinstance(error, exc.DBAPIError) and error.connection_invalidated:
        return True
    if isinstance(error, exc.TimeoutError | exc.DisconnectionError):
        return True  # no pooled connection in time; a connection that died at checkout
    sqlstate = getattr(error, "sqlstate", None)  # asyncpg's server errors
    if isinstance(sqlstate, str) and sqlstate.startswith(_PG_UNAVAILABLE):
        return True
    if isinstance(error, sqlite3.OperationalError):
        return str(error).lower().startswith(_SQLITE_UNAVAILABLE)
    if isinstance(error, OSError):
        # Refused, reset, unreachable, timed out — but only on the way to the database (a chart
        # that cannot be written or a Slack call that timed out is something else).
        return _through_database(error.__traceback__)
    return False


def _through_database(tb: TracebackType | None) -> bool:
    while tb is not None:
        module = str(tb.tb_frame.f_globals.get("__name__", ""))
        if module.split(".", 1)[0] in _DB_MODULES:
            return True
        tb = tb.tb_next
    return False
