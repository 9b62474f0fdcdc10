"""A small fake of Slack's Web API on loopback: records every request body and answers with
realistic JSON (ok, ts, channel…), including the three steps of `files_upload_v2`, and takes
the messages posted to a slash command's `response_url` (`fake.response_url(...)`).

    async with FakeSlack(people={"U1": "Anna"}) as fake:   # or: await fake.start() … close()
    client = AsyncWebClient(token="xoxb-test", base_url=fake.api_url)
    fake.fail("chat.postMessage", status=429, headers={"Retry-After": "0"})

`FakeSlack(record=False)` keeps no request bodies (the benchmarks send it thousands): only
the count per method (`counts`) and the newest version of each message (`latest`).

Faults after the work is done (Slack did it; the client never hears so):
    fake.drop("chat.postMessage")   # the connection is closed instead of answering
    fake.hold("chat.postMessage")   # no answer until the next request arrives (the client
                                    # gave up by then: its timeout)
Posted messages are kept per channel, with their metadata, for `conversations.history` and
`conversations.replies`; set `fake.wall` to give them timestamps from a (fake) clock.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Self
from urllib.parse import parse_qsl

from aiohttp import WSMsgType, web
from aiohttp.test_utils import TestServer


@dataclass
class Call:
    method: str
    body: dict[str, Any]
    token: str | None
    response: dict[str, Any] = field(default_factory=dict)
    fault: str | None = None  # "dropped" or "held": done, but the client got no answer

    def __getitem__(self, key: str) -> Any:
        return self.body[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.body.get(key, default)


@dataclass
class Failure:
    status: int = 200
    error: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    times: int = 1
    after: int = 0  # calls that succeed before this failure starts


def _decode(value: Any) -> Any:
    """Form bodies carry JSON as strings (blocks, view, files): decode them for assertions."""
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


class FakeSlack:
    def __init__(self, *, record: bool = True, people: dict[str, str] | None = None) -> None:
        self.record = record
        self.calls: list[Call] = []
        self.counts: Counter[str] = Counter()  # method -> requests
        self.latest: dict[tuple[str, str], dict[str, Any]] = {}  # (channel, ts) -> message
        self.uploads: dict[str, bytes] = {}
        self.failures: dict[str, list[Failure]] = {}
        self.people: dict[str, str] = dict(people or {})  # user id -> display name
        self.outside: set[str] = set()  # public channels the bot has not joined
        self.hidden: set[str] = set()  # private channels the bot is not in: it cannot see them
        self.bot_team = "T1"
        self.installed_team = "T2"
        self._ts = 1_700_000_000
        self._files = 0
        self.server: TestServer | None = None
        self.base_url: str | None = None
        self.socket_in: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.socket_out: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()
        self.wall: Callable[[], float] | None = None  # the clock of new messages' ts
        self.posted: dict[str, list[dict[str, Any]]] = {}  # channel -> messages, oldest first
        self.drops: dict[str, int] = {}  # method -> answers to drop
        self.lost: dict[str, int] = {}  # method -> requests to drop before doing them
        self.holds: dict[str, int] = {}  # method -> answers to hold back
        self._release = asyncio.Event()

    # ---- control ----
    def app(self) -> web.Application:
        app = web.Application(client_max_size=16 * 1024 * 1024)
        app.router.add_route("*", "/api/{method}", self.api)
        app.router.add_post("/upload/{file_id}", self.upload)
        app.router.add_post("/respond/{key}", self.respond)
        app.router.add_get("/link", self.socket)
        return app

    async def start(self) -> None:
        self.server = TestServer(self.app(), host="127.0.0.1")
        await self.server.start_server()

    async def close(self) -> None:
        self._release.set()
        if self.server is not None:
            await self.server.close()

    async def __aenter__(self) -> Self:
        """`async with FakeSlack() as fake:` runs it for the block (a fixture's whole life)."""
        await self.start()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    @property
    def base(self) -> str:
        """This fake's address (`base_url` when it runs in a server of someone else's)."""
        if self.base_url is not None:
            return self.base_url
        assert self.server is not None
        return str(self.server.make_url("")).rstrip("/")

    @property
    def api_url(self) -> str:
        return self.base + "/api/"

    def response_url(self, key: str) -> str:
        """A slash command's `response_url`, answered by this fake (`respond`)."""
        return f"{self.base}/respond/{key}"

    def fail(self, method: str, **kwargs: Any) -> None:
        self.failures.setdefault(method, []).append(Failure(**kwargs))

    def drop(self, method: str, times: int = 1, done: bool = True) -> None:
        """Do the next `times` calls of `method` (or, `done=False`, do not), then close the
        connection unanswered."""
        counts = self.drops if done else self.lost
        counts[method] = counts.get(method, 0) + times

    def hold(self, method: str, times: int = 1) -> None:
        """Do the next `times` calls of `method`, then answer only when another request comes
        (a client that timed out has given up by then)."""
        self.holds[method] = self.holds.get(method, 0) + times

    def done(self, *methods: str) -> list[Call]:
        """Calls Slack carried out (answered ok, or done before the answer was lost)."""
        return [c for c in self.calls if c.method in methods and c.response.get("ok")]

    @staticmethod
    def _take(counts: dict[str, int], method: str) -> bool:
        if counts.get(method, 0) <= 0:
            return False
        counts[method] -= 1
        return True

    def of(self, *methods: str) -> list[Call]:
        return [c for c in self.calls if c.method in methods]

    def since(self, mark: int, *methods: str) -> list[Call]:
        return [c for c in self.calls[mark:] if c.method in methods]

    def methods(self) -> list[str]:
        return [c.method for c in self.calls]

    def clear(self) -> None:
        self.calls.clear()

    # ---- Socket Mode: one WebSocket; envelopes out, acknowledgements in ----
    async def socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json({"type": "hello", "num_connections": 1})

        async def pump() -> None:
            while (envelope := await self.socket_out.get()) is not None:
                await ws.send_json(envelope)
            await ws.close()

        sender = asyncio.ensure_future(pump())
        async for msg in ws:
            if msg.type == WSMsgType.TEXT:
                await self.socket_in.put(json.loads(msg.data))
        sender.cancel()
        return ws

    def m_apps_connections_open(self, body: dict[str, Any], _t: str | None) -> dict[str, Any]:
        return {"ok": True, "url": self.base.replace("http://", "ws://") + "/link"}

    # ---- handlers ----
    def _failure(self, method: str) -> Failure | None:
        """The scripted failure this call of `method` meets, if any (one of its `times`), once
        the calls it lets succeed first (`after`) have gone by."""
        pending = self.failures.get(method)
        if not pending:
            return None
        if pending[0].after > 0:
            pending[0].after -= 1
            return None
        failure = pending[0]
        failure.times -= 1
        if failure.times <= 0:
            pending.pop(0)
        return failure

    async def respond(self, request: web.Request) -> web.Response:
        """A message to a `response_url` (JSON), recorded as the method `response_url`."""
        body = await request.json()
        call = Call("response_url", {"key": request.match_info["key"], **body}, None)
        self.counts[call.method] += 1
        self.calls.append(call)
        failure = self._failure(call.method)
        if failure is not None:
            call.response = {"ok": False, "error": failure.error or "expired_url"}
            return web.Response(status=failure.status, text=str(call.response["error"]))
        call.response = {"ok": True}
        return web.Response(text="ok")

    async def upload(self, request: web.Request) -> web.Response:
        self.uploads[request.match_info["file_id"]] = await request.read()
        self.calls.append(Call("upload", {"file_id": request.match_info["file_id"]}, None))
        return web.Response(text=f"OK - {len(self.uploads[request.match_info['file_id']])}")

    async def api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        body: dict[str, Any] = dict(parse_qsl(request.query_string))
        raw = await request.read()
        if raw:
            if request.content_type == "application/json":
                body.update(json.loads(raw))
            else:
                body.update(parse_qsl(raw.decode()))
        body = {k: _decode(v) for k, v in body.items()}
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ") or body.get("token")
        released, self._release = self._release, asyncio.Event()
        released.set()  # a held answer goes out (to a client that is gone)
        call = Call(method, body, token)
        self.counts[method] += 1
        if self.record:
            self.calls.append(call)
        if self._take(self.lost, method):
            call.fault = "lost"
            assert request.transport is not None
            request.transport.close()
            return web.Response()  # written to nobody
        failure = self._failure(method)
        if failure is not None:
            call.response = {"ok": False, "error": failure.error or "ratelimited"}
            return web.json_response(call.response, status=failure.status, headers=failure.headers)
        answer = getattr(self, "m_" + method.replace(".", "_"), None)
        call.response = answer(body, token) if answer else {"ok": True}
        if self._take(self.drops, method):
            call.fault = "dropped"
            assert request.transport is not None
            request.transport.close()
            return web.Response()  # written to nobody
        if self._take(self.holds, method):
            call.fault = "held"
            await self._release.wait()
        return web.json_response(call.response)

    def next_ts(self) -> str:
        self._ts += 1
        if self.wall is not None:
            self._ts = max(self._ts, int(self.wall()))
        return f"{self._ts}.000100"

    # ---- methods ----
    def m_auth_test(self, body: dict[str, Any], token: str | None) -> dict[str, Any]:
        team = self.installed_team if token == "xoxb-installed" else self.bot_team
        return {
            "ok": True,
            "url": "https://lovende-test.slack.com/",
            "team": "Lovende test",
            "user": "lovende",
            "team_id": team,
            "user_id": "UBOT",
            "bot_id": "BBOT",
            "is_enterprise_install": False,
        }

    def _refused(self, channel: str) -> dict[str, Any] | None:
        """Slack's answer to a post in a channel the bot is not in (None: it is)."""
        if channel in self.hidden:
            return {"ok": False, "error": "channel_not_found"}
        if channel in self.outside:
            return {"ok": False, "error": "not_in_channel"}
        return None

    def keep_latest(self, channel: str, ts: str, body: dict[str, Any]) -> None:
        blocks = body.get("blocks") or []
        self.latest[(channel, ts)] = {
            "channel": channel,
            "ts": ts,
            "text": body.get("text", ""),
            "blocks": blocks if isinstance(blocks, list) else [],
            "thread_ts": body.get("thread_ts"),
        }

    def m_chat_postMessage(self, body: dict[str, Any], _t: str | None) -> dict[str, Any]:
        channel = str(body["channel"])
        refused = self._refused(channel)
        if refused is not None:
            return refused
        if channel.startswith("U"):
            channel = "D" + channel[1:]
        ts = self.next_ts()
        message: dict[str, Any] = {
            "type": "message",
            "ts": ts,
            "bot_id": "BBOT",
            "text": body.get("text", ""),
        }
        for key in ("thread_ts", "metadata"):
            if body.get(key):
                message[key] = body[key]
        self.posted.setdefault(channel, []).append(message)
        self.keep_latest(channel, ts, body)
        return {"ok": True, "channel": channel, "ts": ts, "message": {"ts": ts, "bot_id": "BBOT"}}

    @staticmethod
    def _shown(message: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
        """A stored message as the history methods return it: metadata only when asked."""
        if str(body.get("include_all_metadata", "")).lower() in ("1", "true"):
            return dict(message)
        return {k: v for k, v in message.items() if k != "metadata"}

    def _page(self, found: list[dict[str, Any]], body: dict[str, Any]) -> dict[str, Any]:
        start = int(body.get("cursor") or 0)
        limit = int(body.get("limit") or 100)
        page = [self._shown(m, body) for m in found[start : start + limit]]
        more = start + limit < len(found)
        return {
            "ok": True,
            "messages": page,
            "has_more": more,
            "response_metadata": {"next_cursor": str(start + limit) if more else ""},
        }

    def m_conversations_history(self, body: dict[str, Any], _t: str | None) -> dict[str, Any]:
        """Top-level messages (not thread replies) after `oldest`, newest first."""
        oldest = float(body.get("oldest") or 0)
        found = [
            m
            for m in self.posted.get(str(body["channel"]), [])
            if float(m["ts"]) > oldest and m.get("thread_ts", m["ts"]) == m["ts"]
        ]
        return self._page(found[::-1], body)

    def m_conversations_replies(self, body: dict[str, Any], _t: str | None) -> dict[str, Any]:
        """A thread: its root, then its replies after `oldest`, oldest first."""
        root, oldest = str(body["ts"]), float(body.get("oldest") or 0)
        messages = self.posted.get(str(body["channel"]), [])
        head = [m for m in messages if m["ts"] == root]
        replies = [
            m for m in messages if m.get("thread_ts") == root and m["ts"] != root
            and float(m["ts"]) > oldest
        ]  # fmt: skip
        return self._page(head + replies, body)

    def m_chat_postEphemeral(self, body: dict[str, Any], _t: str | None) -> dict[str, Any]:
        return self._refused(str(body["channel"])) or {"ok": True, "message_ts": self.next_ts()}

    def m_chat_update(self, body: dict[str, Any], _t: str | None) -> dict[str, Any]:
        self.keep_latest(str(body["channel"]), str(body["ts"]), body)
        return {"ok": True, "channel": body["channel"], "ts": body["ts"], "text": body.get("text")}

    def m_chat_delete(self, body: dict[str, Any], _t: str | None) -> dict[str, Any]:
        return {"ok": True, "channel": body["channel"], "ts": body["ts"]}

    def m_conversations_open(self, body: dict[str, Any], _t: str | None) -> dict[str, Any]:
        return {"ok": True, "channel": {"id": "D" + str(body["users"])[1:]}}

    def m_conversations_join(self, body: dict[str, Any], _t: str | None) -> dict[str, Any]:
        if str(body["channel"]) in self.hidden:
            return {"ok": False, "error": "channel_not_found"}
        self.outside.discard(str(body["channel"]))
        return {"ok": True, "channel": {"id": body["channel"]}}

    def m_views_open(self, body: dict[str, Any], _t: str | None) -> dict[str, Any]:
        return {"ok": True, "view": {"id": "V" + self.next_ts()[:6], **body["view"]}}

    def m_views_publish(self, body: dict[str, Any], _t: str | None) -> dict[str, Any]:
        return {"ok": True, "view": {"id": "VHOME", **body["view"]}}

    def m_users_info(self, body: dict[str, Any], _t: str | None) -> dict[str, Any]:
        user = str(body["user"])
        name = self.people.get(user, user.lower())
        return {
            "ok": True,
            "user": {"id": user, "name": name.lower(), "profile": {"display_name": name}},
        }

    def m_files_getUploadURLExternal(self, body: dict[str, Any], _t: str | None) -> dict[str, Any]:
        self._files += 1
        file_id = f"F{self._files:04d}"
        return {"ok": True, "upload_url": f"{self.base}/upload/{file_id}", "file_id": file_id}

    def m_files_completeUploadExternal(
        self, body: dict[str, Any], _t: str | None
    ) -> dict[str, Any]:
        files = body["files"]
        return {"ok": True, "files": [{"id": f["id"], "title": f.get("title")} for f in files]}

    def m_oauth_v2_access(self, body: dict[str, Any], _t: str | None) -> dict[str, Any]:
        return {
            "ok": True,
            "app_id": "A0LOVENDE",
            "authed_user": {"id": "U1"},
            "scope": "commands,chat:write",
            "token_type": "bot",
            "access_token": "xoxb-installed",
            "bot_user_id": "UBOT",
            "team": {"id": self.installed_team, "name": "Second team"},
            "enterprise": None,
            "is_enterprise_install": False,
        }
