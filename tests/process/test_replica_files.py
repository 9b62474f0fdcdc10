"""Generated files across replicas (issue 19, points 1 and 5): two `lovende serve` processes on
one PostgreSQL database and no shared folder — neither keeps copies on disk (no
LOVENDE_OUTPUT_DIR), each runs in its own working directory. Teams is on (local development:
loopback only, no authentication) and talks to the fake Bot Connector of bot/teams/testing/.

A chart that a turn on replica a generated is served by replica b's file link (200, a PNG):
the file is in the database, not on a's disk. After `slet-data bekræft` on b, the link answers
404 on both: the file and its link went with the channel's data, in one transaction."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from proc_harness import (
    Launch,
    Replica,
    WatchedSlack,
    child_env,
    db_engine,
    run_migrate,
)
from sqlalchemy import func, select

from bot.teams.testing import PUBLIC_URL, FakeConnector, bot_added, message
from storage.file_models import GeneratedFile

pytestmark = pytest.mark.postgres

PREFIX = f"{PUBLIC_URL}/teams/files/"
PNG = b"\x89PNG\r\n\x1a\n"


class WatchedConnector(FakeConnector):
    """The fake Bot Connector, telling waiters about every call it records."""

    def __init__(self) -> None:
        super().__init__()
        self.changed = asyncio.Condition()

    async def activity(self, request: web.Request) -> web.Response:
        response = await super().activity(request)
        async with self.changed:
            self.changed.notify_all()
        return response

    async def until(self, what: str, predicate: Callable[[], Any], seconds: float = 60.0) -> Any:
        """Wait until predicate() is truthy (re-checked on every call to the fake)."""
        try:
            async with asyncio.timeout(seconds), self.changed:
                return await self.changed.wait_for(predicate)
        except TimeoutError:
            raise AssertionError(f"timed out waiting for {what}") from None


@pytest.fixture
async def connector() -> AsyncIterator[WatchedConnector]:
    fake = WatchedConnector()
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()


def image_links(cards: list[dict[str, Any]]) -> list[str]:
    return [
        element["url"].removeprefix(PUBLIC_URL)
        for card in cards
        for element in card.get("body", [])
        if element.get("type") == "Image" and str(element.get("url", "")).startswith(PREFIX)
    ]


async def fetch(replica: Replica, path: str) -> tuple[int, str, bytes]:
    async with replica.http.get(replica.url + path) as response:
        return response.status, response.headers.get("Content-Type", ""), await response.read()


async def say(replica: Replica, connector: WatchedConnector, user: str, text: str) -> None:
    """A message in the channel, as Teams posts it to this replica (answered 201 at once; the
    turn runs after)."""
    activity = message(user, text, connector.url)
    async with replica.http.post(replica.url + "/api/messages", json=activity) as response:
        assert response.status in (200, 201), await response.text()


def generated_on_disk(folder: Path) -> list[Path]:
    """Files a replica wrote in its working directory besides its log."""
    return [p for p in folder.rglob("*") if p.is_file() and not p.name.endswith(".log")]


async def test_a_chart_made_on_one_replica_is_served_by_the_other_and_deleted_on_both(
    pg_url: str,
    slack_api: WatchedSlack,
    connector: WatchedConnector,
    launch: Launch,
    tmp_path: Path,
) -> None:
    teams = {"TEAMS_LOCAL_DEV": "true", "TEAMS_PUBLIC_URL": PUBLIC_URL}
    base_env = child_env(pg_url, slack_api.api_url, None, LOVENDE_AUTO_MIGRATE="false", **teams)
    assert "LOVENDE_OUTPUT_DIR" not in base_env  # no copies on disk, no shared folder
    await run_migrate(base_env, tmp_path)
    a, b = await asyncio.gather(launch("a", base_env), launch("b", base_env))
    await asyncio.gather(a.wait_ready(), b.wait_ready())

    def logs() -> str:
        return "\n".join(r.log_tail() for r in (a, b))

    # Everything that makes the chart happens on replica a.
    async with a.http.post(a.url + "/api/messages", json=bot_added(connector.url)) as r:
        assert r.status in (200, 201), await r.text()

    # (Each turn runs after Teams has its answer: wait for one before sending the next.)
    def since(mark: int, text: str) -> Callable[[], bool]:
        return lambda: text in connector.text(mark)

    await say(a, connector, "Anna", "start Recovery")
    started = "Måling af praksis: Recovery (runde 1)"
    await connector.until("the assessment's start", since(0, started))
    await say(a, connector, "Anna", "svar 1.1 ja: En kommentar")
    await connector.until("the answer", since(0, "Gemt: 1.1 Ja."))
    mark = len(connector.sent())
    await say(a, connector, "Bo", "resultat")

    def chart() -> list[str]:
        return image_links([card for c in connector.sent()[mark:] for card in c.cards])

    try:
        (link,) = await connector.until("the result with its chart", chart)
    except AssertionError:
        raise AssertionError(connector.text(mark) + logs()) from None
    assert len(link.rsplit("/", 1)[1]) >= 43  # unguessable

    # Nothing of it lies on either replica's disk (each its own working directory). On one
    # machine b could read a path on a's disk, which two pods or hosts cannot: so this first.
    assert generated_on_disk(tmp_path / "a") == [] and generated_on_disk(tmp_path / "b") == []
    # Replica b serves it, from the database: a PNG under Teams' 1 MB limit for card images.
    status, content_type, body = await fetch(b, link)
    assert (status, content_type) == (200, "image/png"), logs()
    assert body.startswith(PNG) and len(body) <= 1024 * 1024
    assert await fetch(a, link) == (status, content_type, body)

    db = db_engine(pg_url)
    try:
        async with db.connect() as conn:
            assert await conn.scalar(select(func.count()).select_from(GeneratedFile)) == 1

        # The deletion happens on replica b; the link answers 404 on both at once.
        mark = len(connector.sent())
        await say(b, connector, "Anna", "slet-data")
        await connector.until("the question", since(mark, "Vil du slette ALLE kanalens data?"))
        await say(b, connector, "Anna", "slet-data bekræft")
        deleted = "har slettet alle kanalens data"
        try:
            await connector.until("the deletion", since(mark, deleted))
        except AssertionError:
            raise AssertionError(connector.text(mark) + logs()) from None
        for replica in (a, b):
            assert (await fetch(replica, link))[0] == 404, replica.name
        async with db.connect() as conn:
            assert await conn.scalar(select(func.count()).select_from(GeneratedFile)) == 0
    finally:
        await db.dispose()

    assert await asyncio.gather(a.stop(), b.stop()) == [0, 0], logs()
