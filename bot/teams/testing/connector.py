"""A fake Bot Connector on loopback that records every /v3/conversations call (and can
answer with scripted faults), and a fake monotonic clock for the pacer."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Self

from aiohttp import web

# Faults the fake connector can script besides HTTP statuses (see FakeConnector.fail):
TIMEOUT = "timeout"  # the activity is stored, but the answer is held until the client gives up
DROP = "drop"  # the activity is stored, then the connection is closed without an answer
Fault = int | str
CLIENT_PATIENCE = 120.0  # FakeConnector.client_gives_up's fallback, against hung tests


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
    authorizations: list[str | None] = field(default_factory=list)  # of each activity call
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

    async def __aenter__(self) -> Self:
        """`async with FakeConnector() as connector:` runs it for the block."""
        await self.start()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.stop()

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
        self.authorizations.append(request.headers.get("Authorization"))
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
                for action in buttons_in(card):
                    if action["data"]["lp"].startswith(prefix):
                        return call, action
        raise LookupError(prefix)

    def message_id(self, call: Call) -> str:
        """The id of the message a call posted or updated."""
        return call.activity_id if call.method == "PUT" else call.response_id  # type: ignore[return-value]


def nodes_in(node: Any) -> Iterator[dict[str, Any]]:
    """Every object of a card (or of any JSON), however deep, each before what it holds and
    in the order it is written."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from nodes_in(value)
    elif isinstance(node, list):
        for item in node:
            yield from nodes_in(item)


def inputs_in(node: Any) -> dict[str, dict[str, Any]]:
    """Every input of a card by id, however deep (a ColumnSet holds a date and a time)."""
    return {n["id"]: n for n in nodes_in(node) if str(n.get("type", "")).startswith("Input.")}


def buttons_in(node: Any) -> list[dict[str, Any]]:
    """Every button of ours in a card (Action.Submit and Action.Execute)."""
    return [
        n
        for n in nodes_in(node)
        if n.get("type") in ("Action.Submit", "Action.Execute") and "lp" in (n.get("data") or {})
    ]


def actions_in(node: Any) -> list[str]:
    """The action ids of every button of ours in a card (or in several), in order."""
    return [str(button["data"]["lp"]) for button in buttons_in(node)]


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
