"""Fakes of the platforms' APIs for the benchmarks, each run in its own process on loopback:

    python bench/fakes.py slack   # Slack's Web API (chat.postMessage, chat.update, users.info…)
    python bench/fakes.py teams   # the Bot Connector (/v3/conversations…)

They answer at once with real-shaped JSON and keep the newest version of every message the bot
posted (for the benchmark to find the buttons to press): GET /bench/messages, and call counts
by method: GET /bench/counts. Slack's is the package's own fake (bot.slack.testing) told to
keep no request bodies; the connector is smaller than bot/teams/testing.py's (which records
every request body in full): it serves thousands of requests a second.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import re
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from aiohttp import web

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from benchlib import announce, serve_until_stopped  # noqa: E402

from bot.slack.testing import FakeSlack  # noqa: E402

# A question as the cards show it: its number first ("*1.2* …" on Slack, "**1.2** …" on Teams),
# then, once someone has answered, the tally ("3 har svaret." / "3 have answered.").
QUESTION = re.compile(r"^\*{1,2}(\d+\.\d+)\*{1,2} ")
TALLY = re.compile(r"^(\d+) (?:har svaret|have answered)")


def texts(value: Any) -> Iterator[str]:
    """Every "text" string in a message body, in order (blocks, card elements, nested)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "text" and isinstance(item, str):
                yield item
            else:
                yield from texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from texts(item)


class Shown:
    """When the platform received each message showing a question's tally: (time.monotonic(),
    conversation, question, how many have answered). The click benchmarks match a click to the
    first message that shows it (bench/clicklib.py: visible latency); monotonic time is the
    machine's, the same in the load client's process."""

    def __init__(self) -> None:
        self.rows: list[tuple[float, str, str, int]] = []

    def saw(self, where: str, body: Any) -> None:
        now, qid = time.monotonic(), None
        for text in texts(body):  # a card may hold several questions, each with its tally
            if (q := QUESTION.match(text)) is not None:
                qid = q.group(1)
            elif qid is not None and (n := TALLY.match(text)) is not None:
                self.rows.append((now, where, qid, int(n.group(1))))
                qid = None

    async def dump(self, _request: web.Request) -> web.Response:
        return web.json_response(self.rows)


class WatchedSlack(FakeSlack):
    """The package's fake, keeping no request bodies, noting what each message shows."""

    def __init__(self, shown: Shown) -> None:
        super().__init__(record=False)
        self.shown = shown

    def keep_latest(self, channel: str, ts: str, body: dict[str, Any]) -> None:
        super().keep_latest(channel, ts, body)
        self.shown.saw(channel, body)


def slack_app() -> tuple[FakeSlack, web.Application]:
    """The package's fake Slack Web API (bot.slack.testing), keeping no request bodies, with
    the read-outs the benchmarks use."""
    shown = Shown()
    fake = WatchedSlack(shown)
    app = fake.app()

    async def dump(request: web.Request) -> web.Response:
        channel = request.query.get("channel")
        found = [m for (c, _ts), m in fake.latest.items() if channel in (None, c)]
        return web.json_response(found)

    async def dump_counts(_request: web.Request) -> web.Response:
        return web.json_response(dict(fake.counts))

    app.router.add_get("/bench/messages", dump)
    app.router.add_get("/bench/counts", dump_counts)
    app.router.add_get("/bench/shown", shown.dump)
    return fake, app


class FakeConnector:
    """The Bot Framework connector as CloudAdapter and our TeamsPort call it."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.messages: dict[tuple[str, str], dict[str, Any]] = {}  # (conversation, id) -> body
        self.ids = itertools.count(1_700_000_000_001)
        self.dms = itertools.count(1)
        self.shown = Shown()

    def app(self) -> web.Application:
        app = web.Application(client_max_size=16 * 1024 * 1024)
        app.router.add_post("/v3/conversations", self.create)
        app.router.add_post("/v3/conversations/{cid}/activities", self.activity)
        app.router.add_post("/v3/conversations/{cid}/activities/{aid}", self.activity)
        app.router.add_put("/v3/conversations/{cid}/activities/{aid}", self.activity)
        app.router.add_get("/bench/messages", self.dump)
        app.router.add_get("/bench/counts", self.dump_counts)
        app.router.add_get("/bench/shown", self.shown.dump)
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
        self.shown.saw(cid, cards)

    async def dump(self, request: web.Request) -> web.Response:
        prefix = request.query.get("conversation", "")
        found = [m for (c, _a), m in self.messages.items() if c.startswith(prefix)]
        return web.json_response(found)

    async def dump_counts(self, _request: web.Request) -> web.Response:
        return web.json_response(dict(self.counts))


async def serve(kind: str) -> None:
    slack, app = slack_app() if kind == "slack" else (None, FakeConnector().app())
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    if slack is not None:
        slack.base_url = f"http://127.0.0.1:{port}"  # for the upload URLs it hands out
    announce({"url": f"http://127.0.0.1:{port}/"})
    await serve_until_stopped(runner.cleanup)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="a fake platform API for the benchmarks")
    parser.add_argument("kind", choices=("slack", "teams"))
    asyncio.run(serve(parser.parse_args().kind))
