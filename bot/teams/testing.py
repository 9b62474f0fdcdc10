"""A Teams test kit shipped with the code: a fake Bot Connector on loopback that records
every /v3/conversations call, real-shaped Teams activities, a fake clock for the pacer, and
the whole bot behind aiohttp's test client with the adapter mounted (like bot/testing.py for
the console). The tests in tests/teams use it; so can anyone trying the adapter by hand.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.clock import FakeClock
from bot.http.app import create_app
from bot.runtime import Runtime, build_runtime
from bot.settings import load_settings
from bot.teams.keys import KeyRegistry
from bot.teams.mount import TEAMS, TeamsApp, mount
from bot.teams.pacing import Pacer
from bot.teams.settings import TeamsSettings

TENANT = "72f988bf-0000-4000-8000-000000000001"
BOT_ID = "28:4b1c5e2a-0000-4000-8000-00000000b07"
BOT_NAME = "Lovende praksis"
TEAM = {"id": "19:team-omsorg@thread.tacv2", "name": "Bostedet Solhøj"}
CHANNEL = "19:kanal-recovery@thread.tacv2"
GROUP_CHAT = "19:meeting_gruppe-chat@thread.v2"
# Faults the fake connector can script besides HTTP statuses (see FakeConnector.fail):
TIMEOUT = "timeout"  # the activity is stored, but the answer is held until the client gives up
DROP = "drop"  # the activity is stored, then the connection is closed without an answer
Fault = int | str
# Where the bot says its files are, in local development (TEAMS_LOCAL_DEV keeps it on loopback).
PUBLIC_URL = "http://127.0.0.1:3978"
CLIENT_PATIENCE = 120.0  # FakeConnector.client_gives_up's fallback, against hung tests

USERS = {
    "Anna": ("29:1anna", "aad-anna-0001"),
    "Bo": ("29:1bo", "aad-bo-0002"),
    "Carla": ("29:1carla", "aad-carla-0003"),
}


@dataclass
class Call:
    method: str
    conversation_id: str | None
    activity_id: str | None
    body: dict[str, Any]
    status: int
    response_id: str | None = None
    fault: str | None = None  # TIMEOUT or DROP: stored, but the bot never got the answer

    @property
    def cards(self) -> list[dict[str, Any]]:
        return [
            a["content"]
            for a in self.body.get("attachments") or []
            if a.get("contentType") == "application/vnd.microsoft.card.adaptive"
        ]

    @property
    def text(self) -> str:
        return json.dumps(self.cards, ensure_ascii=False)


@dataclass
class FakeConnector:
    """Records every /v3/conversations call; `fail` scripts faults per conversation.

    `fail[conversation id]` (or `fail["new:<user id>"]` for creating a 1:1 chat) is a list
    consumed one per call: an HTTP status to answer with (429 with `retry_after`), TIMEOUT
    (store the activity, hold the answer until the bot gives up) or DROP (store it, close the
    connection). Timeouts are deterministic: `start_bot` makes the port's deadline
    `client_gives_up`, which runs out exactly when the connector holds an answer (so tests
    must send one call at a time while a TIMEOUT is scripted); held answers are let go by
    `release()` or `stop()`.
    """

    calls: list[Call] = field(default_factory=list)
    fail: dict[str, list[Fault]] = field(default_factory=dict)  # conversation id → faults
    retry_after: str | None = None
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1700000000001))
    dms: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    url: str = ""
    _runner: web.AppRunner | None = None
    _held: asyncio.Queue[Call] = field(default_factory=asyncio.Queue)
    _release: asyncio.Event = field(default_factory=asyncio.Event)
    _dm_of: dict[str, str] = field(default_factory=dict)

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/v3/conversations", self.create)
        app.router.add_post("/v3/conversations/{cid}/activities", self.activity)
        app.router.add_post("/v3/conversations/{cid}/activities/{aid}", self.activity)
        app.router.add_put("/v3/conversations/{cid}/activities/{aid}", self.activity)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}/"
        return self.url

    async def stop(self) -> None:
        self.release()
        if self._runner is not None:
            await self._runner.cleanup()

    def release(self) -> None:
        """Let every held answer go (the bot stopped waiting for them long ago)."""
        self._release.set()

    async def client_gives_up(self) -> None:
        """The port's deadline in tests: it runs out when the connector holds an answer."""
        try:
            await asyncio.wait_for(self._held.get(), CLIENT_PATIENCE)
        except TimeoutError:
            pass

    def _scripted(self, conversation_id: str) -> Fault | None:
        statuses = self.fail.get(conversation_id.split(";messageid=")[0])
        return statuses.pop(0) if statuses else None

    async def _answer(
        self, request: web.Request, call: Call, fault: Fault | None, body: dict[str, Any]
    ) -> web.Response:
        """A stored call's answer — or none, as the fault says."""
        if fault == TIMEOUT:
            call.fault = TIMEOUT
            self._held.put_nowait(call)
            await self._release.wait()
        elif fault == DROP:
            call.fault = DROP
            if request.transport is not None:
                request.transport.close()
        return web.json_response(body, status=call.status)

    async def create(self, request: web.Request) -> web.Response:
        body = await request.json()
        member = body["members"][0]["id"]
        fault = self._scripted(f"new:{member}")
        status = fault if isinstance(fault, int) else 201
        call = Call("CREATE", None, None, body, status)
        self.calls.append(call)
        if status >= 400:
            return _error(status, "Forbidden" if status == 403 else "Failed", self.retry_after)
        # Like Teams: the 1:1 chat of this bot and user is created once, then found again.
        cid = self._dm_of.get(member) or f"a:1dm-{next(self.dms)}-{member}"
        self._dm_of[member] = call.response_id = cid
        return await self._answer(request, call, fault, {"id": cid})

    async def activity(self, request: web.Request) -> web.Response:
        cid = request.match_info["cid"]
        aid = request.match_info.get("aid")
        body = await request.json()
        fault = self._scripted(cid)
        ok = 200 if request.method == "PUT" else 201
        status = fault if isinstance(fault, int) else ok
        call = Call(request.method, cid, aid, body, status)
        self.calls.append(call)
        if status >= 400:
            code = "ConversationBlockedByUser" if status == 403 else "Throttled"
            return _error(status, code, self.retry_after)
        call.response_id = aid if request.method == "PUT" else str(next(self.ids))
        return await self._answer(request, call, fault, {"id": call.response_id})

    # ---- reading what the bot sent ----
    def sent(self) -> list[Call]:
        return [c for c in self.calls if c.status < 400]

    def posts(self) -> list[Call]:
        return [c for c in self.sent() if c.method == "POST" and c.conversation_id]

    def updates(self) -> list[Call]:
        return [c for c in self.sent() if c.method == "PUT"]

    def all_cards(self) -> list[dict[str, Any]]:
        return [card for c in self.sent() for card in c.cards]

    def text(self, since: int = 0) -> str:
        return "\n".join(c.text for c in self.sent()[since:])

    def find_submit(self, prefix: str) -> tuple[Call, dict[str, Any]]:
        """The newest card with a button (Action.Submit or Action.Execute) whose action starts
        with `prefix`."""
        for call in reversed(self.sent()):
            for card in call.cards:
                for action in _submits(card):
                    if action["data"]["lp"].startswith(prefix):
                        return call, action
        raise LookupError(prefix)

    def message_id(self, call: Call) -> str:
        """The id of the message a call posted or updated."""
        return call.activity_id if call.method == "PUT" else call.response_id  # type: ignore[return-value]


def _submits(node: Any) -> list[dict[str, Any]]:
    """Every button of ours in a card (Action.Submit and Action.Execute)."""
    found = []
    if isinstance(node, dict):
        if node.get("type") in ("Action.Submit", "Action.Execute") and "lp" in (
            node.get("data") or {}
        ):
            found.append(node)
        for value in node.values():
            found += _submits(value)
    elif isinstance(node, list):
        for item in node:
            found += _submits(item)
    return found


def _error(status: int, code: str, retry_after: str | None) -> web.Response:
    headers = {"Retry-After": retry_after} if retry_after and status == 429 else None
    body = {"error": {"code": code, "message": f"{code} (fake connector)"}}
    return web.json_response(body, status=status, headers=headers)


class FakeTime:
    """A monotonic clock and sleep for the pacer: sleeping advances time, never waits."""

    def __init__(self) -> None:
        self.t = 1000.0
        self.slept: list[float] = []

    def now(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.t += seconds


# ---- activities as Teams sends them ----
_ids = itertools.count(1)


def _account(user: str) -> dict[str, Any]:
    uid, aad = USERS.get(user, (f"29:1{user.casefold()}", f"aad-{user.casefold()}"))
    return {"id": uid, "name": user, "aadObjectId": aad}


def conversation_of(kind: str, conversation_id: str) -> dict[str, Any]:
    data: dict[str, Any] = {"id": conversation_id, "tenantId": TENANT, "conversationType": kind}
    if kind != "personal":
        data["isGroup"] = True
    return data


def channel_data(kind: str) -> dict[str, Any]:
    data: dict[str, Any] = {"tenant": {"id": TENANT}}
    if kind == "channel":
        data.update(
            team=TEAM,
            channel={"id": CHANNEL, "name": "Recovery"},
            teamsTeamId=TEAM["id"],
            teamsChannelId=CHANNEL,
        )
    return data


def message(
    user: str,
    text: str,
    service_url: str,
    *,
    kind: str = "channel",
    conversation_id: str = CHANNEL,
    mention: bool = True,
    activity_id: str | None = None,
) -> dict[str, Any]:
    entities: list[dict[str, Any]] = [{"type": "clientInfo", "locale": "da-DK", "country": "DK"}]
    if mention:
        at = f"<at>{BOT_NAME}</at>"
        text = f"{at} {text}"
        entities.insert(
            0, {"type": "mention", "mentioned": {"id": BOT_ID, "name": BOT_NAME}, "text": at}
        )
    return {
        "type": "message",
        "id": activity_id or f"17100000{next(_ids):05d}",
        "timestamp": "2026-03-02T09:00:00.000Z",
        "serviceUrl": service_url,
        "channelId": "msteams",
        "from": _account(user),
        "conversation": conversation_of(kind, conversation_id),
        "recipient": {"id": BOT_ID, "name": BOT_NAME},
        "textFormat": "plain",
        "text": text,
        "entities": entities,
        "channelData": channel_data(kind),
        "locale": "da-DK",
    }


def submit(
    user: str,
    data: dict[str, Any],
    service_url: str,
    *,
    conversation_id: str,
    reply_to: str,
    kind: str = "channel",
) -> dict[str, Any]:
    """What Teams sends when someone presses an Action.Submit: empty text, data in `value`."""
    activity = message(
        user, "", service_url, kind=kind, conversation_id=conversation_id, mention=False
    )
    activity.pop("text")
    activity["replyToId"] = reply_to
    activity["value"] = data
    return activity


def execute(
    user: str,
    data: dict[str, Any],
    service_url: str,
    *,
    conversation_id: str,
    reply_to: str,
    kind: str = "channel",
    verb: str = "lp",
    trigger: str = "manual",
) -> dict[str, Any]:
    """What Teams sends when someone presses an Action.Execute (or when a card's refresh asks
    for their view: `verb` "lp-own", `trigger` "automatic"): an `adaptiveCard/action` invoke
    whose answer the person alone sees."""
    activity = message(
        user, "", service_url, kind=kind, conversation_id=conversation_id, mention=False
    )
    activity.pop("text")
    activity.pop("textFormat")
    activity.update(
        type="invoke",
        name="adaptiveCard/action",
        replyToId=reply_to,
        value={
            "action": {"type": "Action.Execute", "id": "", "verb": verb, "data": data},
            "trigger": trigger,
        },
    )
    return activity


def kind_of(conversation_id: str) -> str:
    if conversation_id.startswith("a:"):
        return "personal"
    return "groupChat" if conversation_id.endswith("@thread.v2") else "channel"


def bot_added(
    service_url: str,
    *,
    kind: str = "channel",
    conversation_id: str = CHANNEL,
    by: str = "Anna",
    others: tuple[str, ...] = (),
) -> dict[str, Any]:
    added = [{"id": BOT_ID}] + [_account(u) for u in others]
    return {
        "type": "conversationUpdate",
        "id": f"f:{next(_ids)}",
        "timestamp": "2026-03-02T09:00:00.000Z",
        "serviceUrl": service_url,
        "channelId": "msteams",
        "from": _account(by),
        "conversation": conversation_of(kind, conversation_id),
        "recipient": {"id": BOT_ID, "name": BOT_NAME},
        "membersAdded": added,
        "channelData": {**channel_data(kind), "eventType": "teamMemberAdded"},
    }


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
        buttons = [b for card in call.cards for b in _submits(card) if b["data"]["lp"] == action]
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

    def user(self, name: str) -> TeamsUser:
        return TeamsUser(self.client, self.connector, name, self.teams.settle)


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
