"""Fakes of the platforms' APIs for the benchmarks, each run in its own process on loopback:

    python bench/fakes.py slack   # Slack's Web API (chat.postMessage, chat.update, users.info…)
    python bench/fakes.py teams   # the Bot Connector (/v3/conversations…)

They answer at once with real-shaped JSON and keep the newest version of every message the bot
posted (for the benchmark to find the buttons to press): GET /bench/messages, and call counts
by method: GET /bench/counts. Smaller than tests/slack/slack_fake.py and bot/teams/testing.py
(which record every request body in full): these serve thousands of requests a second.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import announce, serve_until_stopped


class FakeSlackApi:
    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.messages: dict[tuple[str, str], dict[str, Any]] = {}  # (channel, ts) -> message
        self.ts = itertools.count(1_700_000_000)

    def app(self) -> web.Application:
        app = web.Application(client_max_size=16 * 1024 * 1024)
        app.router.add_route("*", "/api/{method}", self.api)
        app.router.add_get("/bench/messages", self.dump)
        app.router.add_get("/bench/counts", self.dump_counts)
        return app

    async def api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        self.counts[method] += 1
        body: dict[str, Any] = dict(parse_qsl(request.query_string))
        raw = await request.read()
        if raw:
            if request.content_type == "application/json":
                body.update(json.loads(raw))
            else:
                body.update(parse_qsl(raw.decode()))
        return web.json_response(self.answer(method, body))

    def answer(self, method: str, body: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://bench.slack.com/",
                "team": "Bench",
                "user": "lovende",
                "team_id": "T1",
                "user_id": "UBOT",
                "bot_id": "BBOT",
                "is_enterprise_install": False,
            }
        if method == "chat.postMessage":
            channel = str(body["channel"])
            if channel.startswith("U"):
                channel = "D" + channel[1:]
            ts = f"{next(self.ts)}.000100"
            self.keep(channel, ts, body)
            return {"ok": True, "channel": channel, "ts": ts, "message": {"ts": ts}}
        if method == "chat.update":
            self.keep(str(body["channel"]), str(body["ts"]), body)
            return {"ok": True, "channel": body["channel"], "ts": body["ts"]}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"{next(self.ts)}.000200"}
        if method == "users.info":
            user = str(body.get("user"))
            return {
                "ok": True,
                "user": {
                    "id": user,
                    "name": user.lower(),
                    "profile": {"display_name": f"Person {user}"},
                },
            }
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": "D" + str(body.get("users", "X"))[1:]}}
        if method == "conversations.join":
            return {"ok": True, "channel": {"id": body.get("channel")}}
        if method == "views.open":
            return {"ok": True, "view": {"id": "V1"}}
        return {"ok": True}

    def keep(self, channel: str, ts: str, body: dict[str, Any]) -> None:
        blocks = body.get("blocks") or []
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        self.messages[(channel, ts)] = {
            "channel": channel,
            "ts": ts,
            "text": body.get("text", ""),
            "blocks": blocks,
            "thread_ts": body.get("thread_ts"),
        }

    async def dump(self, request: web.Request) -> web.Response:
        channel = request.query.get("channel")
        found = [m for (c, _ts), m in self.messages.items() if channel in (None, c)]
        return web.json_response(found)

    async def dump_counts(self, _request: web.Request) -> web.Response:
        return web.json_response(dict(self.counts))


class FakeConnector:
    """The Bot Framework connector as CloudAdapter and our TeamsPort call it."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.messages: dict[tuple[str, str], dict[str, Any]] = {}  # (conversation, id) -> body
        self.ids = itertools.count(1_700_000_000_001)
        self.dms = itertools.count(1)

    def app(self) -> web.Application:
        app = web.Application(client_max_size=16 * 1024 * 1024)
        app.router.add_post("/v3/conversations", self.create)
        app.router.add_post("/v3/conversations/{cid}/activities", self.activity)
        app.router.add_post("/v3/conversations/{cid}/activities/{aid}", self.activity)
        app.router.add_put("/v3/conversations/{cid}/activities/{aid}", self.activity)
        app.router.add_get("/bench/messages", self.dump)
        app.router.add_get("/bench/counts", self.dump_counts)
        return app

    async def create(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.counts["create"] += 1
        member = body["members"][0]["id"]
        return web.json_response({"id": f"a:1dm-{next(self.dms)}-{member}"}, status=201)

    async def activity(self, request: web.Request) -> web.Response:
        cid = request.match_info["cid"]
        body = await request.json()
        if request.method == "PUT":
            self.counts["update"] += 1
            aid = request.match_info["aid"]
            self.keep(cid, aid, body)
            return web.json_response({"id": aid}, status=200)
        self.counts["reply" if "aid" in request.match_info else "post"] += 1
        aid = str(next(self.ids))
        self.keep(cid, aid, body)
        return web.json_response({"id": aid}, status=201)

    def keep(self, cid: str, aid: str, body: dict[str, Any]) -> None:
        cards = [
            a.get("content")
            for a in body.get("attachments") or []
            if a.get("contentType") == "application/vnd.microsoft.card.adaptive"
        ]
        self.messages[(cid, aid)] = {
            "conversation": cid,
            "id": aid,
            "cards": cards,
            "text": body.get("text"),
        }

    async def dump(self, request: web.Request) -> web.Response:
        prefix = request.query.get("conversation", "")
        found = [m for (c, _a), m in self.messages.items() if c.startswith(prefix)]
        return web.json_response(found)

    async def dump_counts(self, _request: web.Request) -> web.Response:
        return web.json_response(dict(self.counts))


async def serve(kind: str) -> None:
    fake = FakeSlackApi() if kind == "slack" else FakeConnector()
    runner = web.AppRunner(fake.app(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    announce({"url": f"http://127.0.0.1:{port}/"})
    await serve_until_stopped(runner.cleanup)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="a fake platform API for the benchmarks")
    parser.add_argument("kind", choices=("slack", "teams"))
    asyncio.run(serve(parser.parse_args().kind))
