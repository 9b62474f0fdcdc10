"""Benchmark: Teams `Action.Submit` answer activities through our `/api/messages` (botbuilder's
CloudAdapter and our handler), next to a bare CloudAdapter + ActivityHandler that does nothing
(the floor). Prints figures, asserts nothing.

    .venv/bin/python bench/teams_submits.py                # SQLite; PostgreSQL too when
                                                           # TEST_POSTGRES_URL is set
    .venv/bin/python bench/teams_submits.py --postgres postgresql+asyncpg://u@host/postgres
    .venv/bin/python bench/teams_submits.py --quick        # a smoke run
    .venv/bin/python bench/teams_submits.py --real-pacing  # with Teams' limits per conversation

The same shape as bench/slack_clicks.py: the server in its own process (`create_app` + the
Teams mount with an empty app id, TEAMS_LOCAL_DEV mode, so no JWT is checked — for ours and the
floor alike), a fake Bot Connector on loopback (the activities' `serviceUrl`) in another, this
process as the closed-loop client. Each level gets its own channels: the bot is added, someone
@mentions it with `start …`, presses "all elements" on the card, everyone answers once
(warm-up); then the measured submits are distinct (person, question) pairs, each pressed on
the question's card as the bot posted it (its `replyToId` and thread).

Pacing: our Teams port keeps to Teams' limits per conversation (7 per second, 60 per 30 s…),
and every answer updates two cards, so one channel takes about one answer a second. By default
the measured runs skip the pacer's waits (the fake connector has no limits) to show what the
code costs; `--real-pacing` keeps them.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from clicklib import ClickBenchmark, ClickPlatform, arguments, main  # noqa: E402

ROUTE = "/api/messages"
TENANT = "72f988bf-0000-4000-8000-0000000bench"
BOT = {"id": "28:4b1c5e2a-0000-4000-8000-0000000bench", "name": "Lovende praksis"}
TEAM = {"id": "19:team-bench@thread.tacv2", "name": "Bench"}
_ids = itertools.count(1)


# ---- activities, shaped as Teams sends them (as bot/teams/testing.py) ----
def account(user: str) -> dict[str, str]:
    return {"id": f"29:1{user}", "name": f"Person {user}", "aadObjectId": aad(user)}


def aad(user: str) -> str:
    return f"aad-{user}"


def activity(user: str, conversation: str, channel: str, service_url: str) -> dict[str, Any]:
    """A message from `user` in `conversation` (a channel, or a thread in it)."""
    return {
        "type": "message",
        "id": f"1710{next(_ids):09d}",
        "timestamp": datetime.now(UTC).isoformat(),
        "serviceUrl": service_url,
        "channelId": "msteams",
        "from": account(user),
        "conversation": {
            "id": conversation,
            "tenantId": TENANT,
            "conversationType": "channel",
            "isGroup": True,
        },
        "recipient": BOT,
        "entities": [{"type": "clientInfo", "locale": "da-DK", "country": "DK"}],
        "channelData": {
            "tenant": {"id": TENANT},
            "team": TEAM,
            "channel": {"id": channel, "name": "Bench"},
            "teamsTeamId": TEAM["id"],
            "teamsChannelId": channel,
        },
        "locale": "da-DK",
    }


def mention(user: str, text: str, channel: str, service_url: str) -> bytes:
    at = f"<at>{BOT['name']}</at>"
    body = activity(user, channel, channel, service_url)
    body["text"] = f"{at} {text}"
    body["textFormat"] = "plain"
    body["entities"].insert(0, {"type": "mention", "mentioned": BOT, "text": at})
    return json.dumps(body).encode()


def submit(user: str, action: str, card: dict[str, Any], channel: str, service_url: str) -> bytes:
    """What Teams sends when `user` presses an Action.Submit on `card` (a posted message):
    no text, the button's data in `value`, the card's id in `replyToId`."""
    body = activity(user, card["conversation"], channel, service_url)
    body["replyToId"] = card["id"]
    body["value"] = {"lp": action}
    return json.dumps(body).encode()


def bot_added(channel: str, service_url: str, by: str) -> bytes:
    body = activity(by, channel, channel, service_url)
    body["type"] = "conversationUpdate"
    body["membersAdded"] = [{"id": BOT["id"]}]
    body["channelData"]["eventType"] = "teamMemberAdded"
    return json.dumps(body).encode()


def submits(node: Any) -> list[str]:
    """The action ids of every button in a card (a channel's are Action.Execute; the bench
    presses them as Action.Submit activities, which the bot still takes: cards sent before)."""
    if isinstance(node, dict):
        button = node.get("type") in ("Action.Submit", "Action.Execute")
        found = [str(node["data"]["lp"])] if button else []
        return found + [a for v in node.values() for a in submits(v)]
    if isinstance(node, list):
        return [a for v in node for a in submits(v)]
    return []


def find_card(posted: list[dict[str, Any]], action: str) -> dict[str, Any]:
    for message in posted:
        if action in submits(message["cards"]):
            return message
    raise LookupError(action)


# ---- the servers (run in their own process: --serve) ----
async def serve_ours(db_url: str) -> None:
    from serverlib import control_app, our_app, run_server, teams_settings

    from bot.teams.mount import mount
    from bot.teams.pacing import Pacer

    runtime, clock, app = await our_app(db_url)
    settings = teams_settings()
    teams = mount(app, runtime, settings, pacer=Pacer(clock.monotonic, clock.sleep))
    assert teams is not None

    async def idle() -> None:
        await teams.drain(app)

    await run_server(app, control_app(runtime, clock, idle), runtime.close)


async def serve_floor() -> None:
    """botbuilder's CloudAdapter (empty app id, as ours) and an ActivityHandler that does
    nothing, on the same aiohttp route; with our msrest fix (bot/teams/speedups.py), which
    would otherwise add its cost to the floor."""
    from aiohttp import web
    from botbuilder.core import ActivityHandler
    from botbuilder.integration.aiohttp import (
        CloudAdapter,
        ConfigurationBotFrameworkAuthentication,
    )
    from serverlib import configure_logging, run_floor

    from bot.teams import speedups

    configure_logging(None)
    speedups.apply()

    class Config:
        APP_ID = ""
        APP_PASSWORD = ""
        APP_TYPE = "MultiTenant"
        APP_TENANTID = ""

    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(Config()))
    bot = ActivityHandler()

    async def messages(request: web.Request) -> web.StreamResponse:
        response = await adapter.process(request, bot)
        return response or web.Response(status=201)

    await run_floor(ROUTE, messages)


class Teams(ClickPlatform):
    """Activities shaped as Teams sends them; the cards the bot posted, from the fake
    connector (the activities' `serviceUrl`, `fake`)."""

    posted_in = "conversation"  # the channel and its threads (ids beginning with the channel's)

    def send(self, body: bytes) -> tuple[str, bytes, dict[str, str]]:
        return ROUTE, body, {"Content-Type": "application/json"}

    def channel_id(self, tag: str, k: int) -> str:
        return f"19:bench-{tag}-{k:02d}@thread.tacv2"

    def user_id(self, tag: str, k: int, j: int) -> str:
        return f"{tag}u{k:02d}{j:03d}"

    def posted_at(self, message: dict[str, Any]) -> float:
        return int(message["id"])

    def actions(self, message: dict[str, Any]) -> list[str]:
        return submits(message["cards"])

    def command(self, user: str, text: str, channel: str, fake: str) -> bytes:
        return mention(user, text, channel, fake)

    def press(
        self, user: str, action: str, posted: list[dict[str, Any]], channel: str, fake: str
    ) -> bytes:
        """Pressed on the card as the bot posted it (its `replyToId` and thread)."""
        return submit(user, action, find_card(posted, action), channel, fake)

    def joined(self, user: str, channel: str, fake: str) -> list[bytes]:
        return [bot_added(channel, fake, user)]  # the team adds the app

    def member(self, user: str) -> str:
        return aad(user)

    def fast_measuring(self, args: argparse.Namespace) -> bool:
        return not args.real_pacing


def benchmark(real_pacing: bool) -> ClickBenchmark:
    pacing = (
        "Our pacer kept Teams' limits per conversation (--real-pacing)."
        if real_pacing
        else "Our pacer's waits were skipped in the measured runs (the fake connector has no "
        "limits; --real-pacing keeps Teams' 7/s, 60/30 s per conversation)."
    )
    return ClickBenchmark(
        script=HERE / "teams_submits.py",
        fake_kind="teams",
        platform=Teams(),
        title="Teams answer submits (Action.Submit activities → POST /api/messages)",
        floor_label="bare CloudAdapter (no-op handler)",
        notes=[
            "The floor is botbuilder's CloudAdapter with an empty app id (as ours in "
            "TEAMS_LOCAL_DEV mode) and an ActivityHandler that does nothing.",
            "Ours answers (201) once the submit is kept in the inbox, its turn running after; "
            "while kept turns are more than 0.1 s behind, the answer waits for them "
            "(bot/backlog.py), so a closed loop is paced by the turns.",
            pacing,
        ],
    )


if __name__ == "__main__":
    parser = arguments(__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--real-pacing",
        action="store_true",
        help="keep Teams' per-conversation limits in the measured runs",
    )
    ARGS = parser.parse_args()
    if ARGS.serve == "ours":
        asyncio.run(serve_ours(ARGS.db))
    elif ARGS.serve == "floor":
        asyncio.run(serve_floor())
    else:
        sys.exit(main(benchmark(ARGS.real_pacing), ARGS))
