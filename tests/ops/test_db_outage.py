"""Database unavailable: requests are answered 503 (Slack retries its events) with nothing
stored, /readyz says so, and when the database is back everything works again without a
restart.

PostgreSQL is reached through a TCP proxy in the test that can be cut (listener closed, open
connections dropped — as a restart or a network cut does) and restored on the same port. The
SQLite variant moves the database file's folder away (new connections cannot open the file).
"""

from __future__ import annotations

import socket
import sqlite3
from pathlib import Path

import asyncpg
import pytest
from ops_helpers import SqliteVolume, WebApp, row_counts, start_app
from pg_proxy import TcpProxy
from sqlalchemy import exc, select

from bot.clock import FakeClock
from bot.metrics import REGISTRY
from bot.slack.testing import payloads as p
from bot.slack.testing.api import FakeSlack
from bot.teams.testing import FakeConnector, running_bot, teams_settings
from storage.db import create_engine, is_unavailable
from storage.models import Assessment, ProcessedEvent


def unavailable(route: str) -> float:
    labels = {"route": route, "outcome": "unavailable"}
    return REGISTRY.get_sample_value("lovende_http_requests_total", labels) or 0.0


async def pacings(app: WebApp) -> list[str | None]:
    """The pace of every assessment, oldest first (None: not chosen yet)."""
    async with app.runtime.sessions() as session:
        return list(await session.scalars(select(Assessment.pacing).order_by(Assessment.id)))


async def event_seen(app: WebApp, event_id: str) -> bool:
    async with app.runtime.sessions() as session:
        found = await session.scalar(
            select(ProcessedEvent).where(ProcessedEvent.event_key.contains(event_id))
        )
        return found is not None


async def outage_and_recovery(app: WebApp, cut: object, restore: object) -> None:
    """The scenario both databases go through; `cut` and `restore` are coroutine functions."""
    assert await app.command("U1", "start Recovery") == 200  # an assessment waits for its pace
    assert await pacings(app) == [None]
    assert (await app.get("/readyz")).status == 200
    before = await row_counts(app.runtime)
    counted = unavailable("/slack/events")
    mark = len(app.fake.calls)

    await cut()  # type: ignore[operator]
    assert (await app.get("/readyz")).status == 503
    assert await app.command("U2", "start Recovery", channel="C2") == 503
    assert await app.press("U1", "lp:pace:") == 503
    mention = p.app_mention("U1", "status", channel="C1")
    assert await app.event(mention, "Ev0OUTAGE") == 503
    assert app.posts_since(mark) == []  # nothing said to anyone
    assert unavailable("/slack/events") - counted == 3

    await restore()  # type: ignore[operator]
    assert (await app.get("/readyz")).status == 200
    assert await row_counts(app.runtime) == before  # nothing half-done
    # The same process serves again: Slack's retry of the event, the click, the command.
    assert await app.event(mention, "Ev0OUTAGE", retry=1) == 200
    assert await event_seen(app, "Ev0OUTAGE")
    assert await app.press("U1", "lp:pace:") == 200
    assert await app.command("U2", "start Recovery", channel="C2") == 200
    assert await pacings(app) == ["one", None]  # C1's pace chosen; C2 started, pace not yet
    assert "chat.postMessage" in app.posts_since(mark)


@pytest.mark.postgres
async def test_postgres_outage_answers_503_and_recovers_without_restart(
    proxy: tuple[TcpProxy, str], clock: FakeClock, fake_slack: FakeSlack
) -> None:
    tcp, url = proxy
    app = await start_app(url, clock, fake_slack)
    try:
        await outage_and_recovery(app, tcp.cut, tcp.restore)
    finally:
        await app.close()


@pytest.mark.postgres
async def test_teams_activity_during_an_outage_gets_503(
    proxy: tuple[TcpProxy, str], clock: FakeClock
) -> None:
    tcp, url = proxy
    async with (
        FakeConnector() as connector,
        running_bot(url, clock, connector, teams_settings(local_dev=True)) as bot,
    ):
        assert await bot.user("Anna").say("start Recovery") == 201
        sent = len(connector.calls)
        await tcp.cut()
        assert await bot.user("Bo").say("status") == 503
        assert len(connector.calls) == sent
        await tcp.restore()
        assert await bot.user("Bo").say("status") == 201
        assert len(connector.calls) > sent


@pytest.mark.usefixtures("sqlite_threads_finish")
async def test_sqlite_file_out_of_reach_answers_503_and_recovers(
    tmp_path: Path, clock: FakeClock, fake_slack: FakeSlack
) -> None:
    volume = SqliteVolume.under(tmp_path)
    app = await start_app(volume.url, clock, fake_slack)
    try:
        await outage_and_recovery(app, lambda: volume.lose(app.runtime), volume.restore)
    finally:
        await app.close()


@pytest.mark.usefixtures("sqlite_threads_finish")
async def test_what_counts_as_database_unavailable(tmp_path: Path) -> None:
    with socket.socket() as s:  # a loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    refused = create_engine(f"postgresql+asyncpg://u@127.0.0.1:{port}/lovende")
    missing = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'no' / 'such.db'}")
    caught: list[BaseException] = []
    for engine in (refused, missing):
        try:
            async with engine.connect():
                pass
        except Exception as error:
            caught.append(error)
        finally:
            await engine.dispose()
    assert len(caught) == 2 and all(is_unavailable(e) for e in caught)
    assert isinstance(caught[0], ConnectionRefusedError)  # asyncpg does not wrap it

    dropped = exc.InterfaceError("SELECT 1", {}, Exception("closed"), connection_invalidated=True)
    pool = exc.TimeoutError("QueuePool limit of size 5 overflow 10 reached")
    shutting_down = asyncpg.exceptions.CannotConnectNowError("the database system is starting")
    wrapped = exc.DBAPIError("SELECT 1", {}, shutting_down)  # as SQLAlchemy raises it
    assert all(is_unavailable(e) for e in (dropped, pool, shutting_down, wrapped))

    # Bugs, bad data and failures elsewhere are not "the database is away".
    with pytest.raises(OSError) as not_database:  # a chart that cannot be written
        (tmp_path / "no" / "chart.png").write_bytes(b"")
    constraint = exc.IntegrityError("INSERT", {}, sqlite3.IntegrityError("UNIQUE failed"))
    syntax = exc.OperationalError("SELEC", {}, sqlite3.OperationalError('near "SELEC"'))
    timeout = TimeoutError("Slack did not answer")
    for error in (not_database.value, constraint, syntax, timeout, ValueError("x")):
        assert not is_unavailable(error), error
