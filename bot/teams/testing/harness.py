"""The whole bot behind aiohttp's test client with the Teams adapter mounted, the fake
connector's clock for the pacer, and people who drive /api/messages as the Teams client does."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select

from bot.clock import FakeClock
from bot.http.app import create_app
from bot.runtime import Runtime, build_runtime
from bot.settings import load_settings
from bot.teams.keys import KeyRegistry
from bot.teams.mount import TEAMS, TeamsApp, mount
from bot.teams.pacing import Pacer
from bot.teams.settings import TeamsSettings
from bot.teams.testing.activities import execute, kind_of, message, submit
from bot.teams.testing.connector import Call, FakeConnector, FakeTime, buttons_in
from storage.models import ProcessedEvent, Workspace
from storage.teams_models import TeamsConversation, TeamsMember

# Where the bot says its files are, in local development (TEAMS_LOCAL_DEV keeps it on loopback).
PUBLIC_URL = "http://127.0.0.1:3978"


@dataclass
class TeamsUser:
    """Drives /api/messages like the Teams client of one person. Teams is answered before
    the turn runs (a message, 201) or when the turn is done (a click on a shared card, an
    Action.Execute invoke, 200: its answer, which this person alone sees, goes to `answers`);
    `settle` (the app's) then waits for the turn, so that what the bot sent is in the
    connector when a call returns."""

    client: TestClient[Any, Any]
    connector: FakeConnector
    name: str
    settle: Callable[[], Awaitable[None]] | None = None
    answers: list[dict[str, Any]] = field(default_factory=list)  # invoke answers, to them alone

    async def say(self, text: str, **kw: Any) -> int:
        return await self._post(message(self.name, text, self.connector.url, **kw))

    async def press(self, prefix: str, values: dict[str, str] | None = None) -> int:
        """Press the newest button whose action starts with `prefix`; Teams sends the button's
        whole data (a form's title and labels too) with the inputs' values."""
        call, action = self.connector.find_submit(prefix)
        return await self.press_on(call, action["data"]["lp"], values, action["data"])

    async def press_on(
        self,
        call: Call,
        action: str,
        values: dict[str, str] | None = None,
        data: dict[str, Any] | None = None,
    ) -> int:
        """Press the button of `action` on the card `call` sent: an Action.Execute as an
        invoke (its answer goes to `answers`), an Action.Submit as a message."""
        cid = call.conversation_id or ""
        kind = kind_of(cid)
        buttons = [b for card in call.cards for b in buttons_in(card) if b["data"]["lp"] == action]
        executes = buttons[0]["type"] == "Action.Execute" if buttons else kind != "personal"
        build = execute if executes else submit
        activity = build(
            self.name,
            {**(data or {}), "lp": action, **(values or {})},
            self.connector.url,
            conversation_id=cid,
            reply_to=self.connector.message_id(call),
            kind=kind,
        )
        return await self._post(activity)

    async def refresh(self, call: Call) -> dict[str, Any]:
        """What this person's Teams client gets when the card `call` sent refreshes for them
        (automatically, when they are among its `refresh.userIds`)."""
        (card,) = call.cards
        cid = call.conversation_id or ""
        data = card["refresh"]["action"]["data"]
        activity = execute(
            self.name,
            data,
            self.connector.url,
            conversation_id=cid,
            reply_to=self.connector.message_id(call),
            kind=kind_of(cid),
            verb=card["refresh"]["action"]["verb"],
            trigger="automatic",
        )
        await self._post(activity)
        return self.answers[-1]

    async def _post(self, activity: dict[str, Any]) -> int:
        response = await self.client.post("/api/messages", json=activity)
        if activity["type"] == "invoke":
            self.answers.append(await response.json())
        if self.settle is not None:
            await self.settle()
        return response.status


@dataclass
class TeamsBot:
    runtime: Runtime
    app: web.Application
    client: TestClient[Any, Any]
    connector: FakeConnector
    time: FakeTime
    engine_sleeps: list[float]

    @property
    def teams(self) -> TeamsApp:
        return self.app[TEAMS]

    async def close(self) -> None:
        await self.client.close()
        await self.runtime.close()

    async def rows_kept(self) -> int:
        """How many rows the bot keeps of Teams' turns: conversations, members, processed
        events and workspaces (none, after requests it refused)."""
        total = 0
        async with self.runtime.sessions() as session:
            for model in (TeamsConversation, TeamsMember, ProcessedEvent, Workspace):
                total += int(await session.scalar(select(func.count()).select_from(model)) or 0)
        return total

    def user(self, name: str) -> TeamsUser:
        return TeamsUser(self.client, self.connector, name, self.teams.settle)

    async def start_round(
        self, *names: str, practice: str = "Recovery-forløb"
    ) -> tuple[TeamsUser, ...]:
        """The first of `names` types `start <practice>` in the channel; all of them, to
        speak and press next."""
        team = tuple(self.user(name) for name in names)
        await team[0].say(f"start {practice}")
        return team


def teams_settings(**values: Any) -> TeamsSettings:
    """Settings from these values only (never from the environment or a .env file)."""
    base: dict[str, Any] = {
        "app_id": "",
        "app_password": "",
        "app_tenant_id": "",
        "app_type": "",
        "local_dev": False,
        "public_url": "",
    }
    return TeamsSettings(_env_file=None, **{**base, **values})  # type: ignore[call-arg]


async def start_bot(
    database_url: str,
    clock: FakeClock,
    connector: FakeConnector,
    settings: TeamsSettings,
    keys: KeyRegistry | None = None,
) -> tuple[TeamsBot, TestClient[Any, Any]]:
    runtime = await build_runtime(load_settings(database_url=database_url), clock)
    sleeps: list[float] = []

    async def engine_sleep(seconds: float) -> None:
        sleeps.append(seconds)

    runtime.engine.delivery.sleep = engine_sleep
    app = create_app(runtime, adapters=())
    time = FakeTime()
    teams = mount(app, runtime, settings, pacer=Pacer(time.now, time.sleep), keys=keys)
    if teams is not None:
        teams.port.deadline = connector.client_gives_up  # time out when an answer is held
    client = TestClient(TestServer(app, host="127.0.0.1", port=0))
    await client.start_server()
    return TeamsBot(runtime, app, client, connector, time, sleeps), client


@asynccontextmanager
async def running_bot(
    database_url: str,
    clock: FakeClock,
    connector: FakeConnector,
    settings: TeamsSettings,
    keys: KeyRegistry | None = None,
) -> AsyncIterator[TeamsBot]:
    """`start_bot` for the block, closed after it (however it ends)."""
    bot, _client = await start_bot(database_url, clock, connector, settings, keys)
    try:
        yield bot
    finally:
        await bot.close()
