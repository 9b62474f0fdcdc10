"""Benchmark: signed Slack `block_actions` answer clicks through the real aiohttp app, next to
a bare slack-bolt AsyncApp that only acknowledges (the floor). Prints figures, asserts nothing.

    .venv/bin/python bench/slack_clicks.py                 # SQLite; PostgreSQL too when
                                                           # TEST_POSTGRES_URL is set
    .venv/bin/python bench/slack_clicks.py --postgres postgresql+asyncpg://u@host/postgres
    .venv/bin/python bench/slack_clicks.py --quick         # a smoke run of a few seconds

Three processes: the server (ours: `create_app` + `bot.slack.mount` over a temp SQLite file or
a new PostgreSQL database, the reminder scheduler running; or the floor), a fake Slack Web API
that answers chat.update/users.info… at once, and this process as the load client: N workers
in a closed loop, each posting its next signed click as soon as the last one was answered.

Every click is a real answer: before measuring, each concurrency level gets its own channels
(about --per-channel people each) with an assessment started by a signed `/lovende start` and
paced "all elements" by a click; every person answers one question (warm-up: name lookup,
membership). The measured clicks are distinct (person, question) pairs in random order, so
each one writes a row; afterwards the server counts the rows and reports how long after the
last acknowledgement all of them were in the database ("ack latency" and "all applied" are
measured separately: an acknowledgement may come before its turn has run).
"""

from __future__ import annotations

import asyncio
import re
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from clicklib import ClickBenchmark, ClickPlatform, arguments, main  # noqa: E402

from bot.slack.testing import payloads  # noqa: E402

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TOKEN = "xoxb-1-bench-token"
TEAM = "T1"
EVENTS = "/slack/events"
FORM = "application/x-www-form-urlencoded"


def find_button(
    messages: list[dict[str, Any]], value: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The button whose value is `value`, and the newest version of its message."""
    for message in messages:
        for block in message["blocks"]:
            for element in [*block.get("elements", []), block.get("accessory") or {}]:
                if element.get("type") == "button" and element.get("value") == value:
                    return {**element, "block_id": block.get("block_id", "b1")}, message
    raise LookupError(value)


class Slack(ClickPlatform):
    """Requests shaped and signed as Slack sends them (the package's kit: bot.slack.testing);
    what the bot posted, from the fake Web API."""

    posted_in = "channel"

    def send(self, body: bytes) -> tuple[str, bytes, dict[str, str]]:
        return EVENTS, body, payloads.signed_headers(body, FORM, SECRET)

    def channel_id(self, tag: str, k: int) -> str:
        return f"C{tag.upper()}{k:02d}"  # Slack's ids are upper case (checked: bot/slack/verify.py)

    def user_id(self, tag: str, k: int, j: int) -> str:
        return f"U{tag.upper()}{k:02d}{j:03d}"

    def posted_at(self, message: dict[str, Any]) -> float:
        return float(message["ts"])

    def actions(self, message: dict[str, Any]) -> list[str]:
        return [
            str(e["value"])
            for b in message["blocks"]
            for e in [*b.get("elements", []), b.get("accessory") or {}]
            if e.get("type") == "button" and "value" in e
        ]

    def command(self, user: str, text: str, channel: str, fake: str) -> bytes:
        return payloads.slash_command(user, text, channel, TEAM)

    def press(
        self, user: str, action: str, posted: list[dict[str, Any]], channel: str, fake: str
    ) -> bytes:
        element, message = find_button(posted, action)
        return payloads.block_actions(user, element, message, message["channel"], team=TEAM)


# ---- the servers (run in their own process: --serve) ----
async def serve_ours(db_url: str, api_url: str) -> None:
    from serverlib import control_app, our_app, run_server, slack_settings

    from bot.slack.mount import mount
    from bot.slack.pacing import Timing

    runtime, clock, app = await our_app(db_url)
    settings = slack_settings(TOKEN, SECRET, api_url)
    slack = mount(app, runtime, settings, Timing(clock.monotonic, clock.sleep))
    assert slack is not None
    await run_server(app, control_app(runtime, clock, slack.idle), runtime.close)


async def serve_floor(api_url: str) -> None:
    """A bare slack-bolt AsyncApp (same signing secret, token and Web API) whose only listener
    acknowledges every action, on the same aiohttp route shape as bot/slack/mount.py."""
    from aiohttp import web
    from serverlib import configure_logging, run_floor
    from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
    from slack_bolt.async_app import AsyncAck, AsyncApp
    from slack_sdk.web.async_client import AsyncWebClient

    configure_logging(None)
    bolt = AsyncApp(signing_secret=SECRET, client=AsyncWebClient(token=TOKEN, base_url=api_url))

    @bolt.action(re.compile(".*"))
    async def ack_only(ack: AsyncAck) -> None:
        await ack()

    async def events(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await bolt.async_dispatch(await to_bolt_request(request)))

    await run_floor(EVENTS, events)


BENCHMARK = ClickBenchmark(
    script=HERE / "slack_clicks.py",
    fake_kind="slack",
    platform=Slack(),
    title="Slack answer clicks (signed block_actions → POST /slack/events)",
    floor_label="bare bolt (ack only)",
    notes=[
        "The floor is a bare slack-bolt AsyncApp with the same signing secret, token and "
        "aiohttp route whose action listener only calls ack().",
        "A 404 is bolt's answer when a listener has not acknowledged within 3 s (Slack shows "
        "the person an error).",
    ],
)


if __name__ == "__main__":
    ARGS = arguments(__doc__.splitlines()[0] if __doc__ else None).parse_args()
    if ARGS.serve == "ours":
        asyncio.run(serve_ours(ARGS.db, ARGS.fake + "api/"))
    elif ARGS.serve == "floor":
        asyncio.run(serve_floor(ARGS.fake + "api/"))
    else:
        sys.exit(main(BENCHMARK, ARGS))
