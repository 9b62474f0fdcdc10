"""The whole web app (health, metrics, Slack mounted) behind aiohttp's test client, driven with
signed, real-shaped Slack requests; row counts of every table, to prove nothing changed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, inspect, select, table
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.clock import FakeClock
from bot.http.app import create_app
from bot.runtime import Runtime, build_runtime
from bot.settings import load_settings
from bot.slack.app import SlackBot
from bot.slack.mount import mount
from bot.slack.pacing import Timing
from bot.slack.settings import SlackSettings
from bot.slack.testing import payloads as p
from bot.slack.testing.api import FakeSlack
from bot.slack.testing.harness import FakeTiming, post_signed

SECRET = "ops-signing-secret-0123456789abcdef"
FORM = "application/x-www-form-urlencoded"


async def no_sleep(_seconds: float) -> None:
    return None


@dataclass
class SqliteVolume:
    """The folder of a SQLite database and the inbox beside it, as a volume that can be lost
    (neither can be opened again) and brought back."""

    folder: Path

    @classmethod
    def under(cls, tmp_path: Path) -> SqliteVolume:
        (tmp_path / "data").mkdir()
        return cls(tmp_path / "data")

    @property
    def url(self) -> str:
        return f"sqlite+aiosqlite:///{self.folder / 'lovende.db'}"

    async def lose(self, runtime: Runtime) -> None:
        # The process's connections go too: an open SQLite connection keeps its file whatever
        # happens to the path.
        await runtime.db.dispose()
        if runtime.inbox_db is not None:
            await runtime.inbox_db.dispose()
        self.folder.rename(self.folder.with_name("away"))

    async def restore(self) -> None:
        self.folder.with_name("away").rename(self.folder)


@dataclass
class WebApp:
    client: TestClient[Any, Any]
    runtime: Runtime
    slack: SlackBot
    fake: FakeSlack

    async def get(self, path: str) -> ClientResponse:
        response = await self.client.get(path)
        await response.read()
        return response

    async def send(
        self, body: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> int:
        response = await post_signed(self.client, body, content_type, SECRET, headers=headers)
        await self.slack.idle()  # turns bolt runs after acknowledging (events) are done too
        return response.status

    async def command(self, user: str, text: str, channel: str = "C1") -> int:
        return await self.send(p.slash_command(user, text, channel), FORM)

    async def event(self, event: dict[str, Any], event_id: str, retry: int = 0) -> int:
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_error"}
        body = p.event_callback(event, event_id)
        return await self.send(body, "application/json", headers if retry else None)

    async def press(self, user: str, prefix: str) -> int:
        """Click the newest button whose action starts with `prefix`."""
        for call in reversed(self.fake.of("chat.postMessage", "chat.update")):
            for block in call.get("blocks", []):
                for element in block.get("elements", []):
                    if str(element.get("value", "")).startswith(prefix):
                        message = {**call.body, "ts": call.response.get("ts", "1.0")}
                        body = p.block_actions(user, element, message, call["channel"])
                        return await self.send(body, FORM)
        raise LookupError(prefix)

    def posts_since(self, mark: int) -> list[str]:
        return [
            c.method for c in self.fake.calls[mark:] if c.method.startswith(("chat.", "views."))
        ]

    async def close(self) -> None:
        await self.client.close()
        await self.runtime.close()


async def start_app(
    database_url: str, clock: FakeClock, fake: FakeSlack, **settings: Any
) -> WebApp:
    runtime = await build_runtime(load_settings(database_url=database_url, **settings), clock)
    runtime.engine.delivery.sleep = no_sleep
    app = create_app(runtime, adapters=(), background=False)
    timing = FakeTiming()
    slack_settings = SlackSettings(  # type: ignore[call-arg]
        _env_file=None, bot_token="xoxb-ops", signing_secret=SECRET, api_base_url=fake.api_url
    )
    slack = mount(app, runtime, slack_settings, Timing(timing.monotonic, timing.sleep))
    assert slack is not None
    client: TestClient[Any, Any] = TestClient(TestServer(app, host="127.0.0.1", port=0))
    await client.start_server()
    return WebApp(client, runtime, slack, fake)


async def row_counts(runtime: Runtime) -> dict[str, int]:
    """How many rows every table holds (with SQLite, the inbox's own file's too)."""

    def names(conn: Any) -> list[str]:
        return sorted(inspect(conn).get_table_names())

    counts: dict[str, int] = {}
    for prefix, engine in (("", runtime.db), ("spool:", runtime.inbox_db)):
        if engine is not None:
            async with engine.connect() as conn:
                for name in await conn.run_sync(names):
                    counts[prefix + name] = await _count(conn, name)
    return counts


async def _count(conn: AsyncConnection, name: str) -> int:
    return int(await conn.scalar(select(func.count()).select_from(table(name))) or 0)
