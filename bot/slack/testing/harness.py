"""The Slack adapter under test: our aiohttp app with `bot.slack.mount` on an ephemeral port,
a fake Slack Web API on another, signed requests, a fake clock for pacing and retries; and the
Block Kit checks every message the bot sends must pass."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient, TestServer
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.clock import FakeClock
from bot.http.app import create_app
from bot.runtime import Runtime, build_runtime
from bot.settings import load_settings
from bot.slack.app import SlackBot
from bot.slack.mount import mount
from bot.slack.pacing import Timing
from bot.slack.settings import SlackSettings
from bot.slack.testing import payloads as p
from bot.slack.testing.api import Call, FakeSlack

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TOKEN = "xoxb-1-test-token"
EVENTS = "/slack/events"


@dataclass
class FakeTiming:
    now: float = 1000.0
    sleeps: list[float] = field(default_factory=list)

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    @property
    def timing(self) -> Timing:
        return Timing(self.monotonic, self.sleep)


def elements(blocks: list[dict[str, Any]], kind: str | None = None) -> list[dict[str, Any]]:
    """The elements of these Block Kit blocks' `elements` (only those of type `kind`, when
    given), in order."""
    return [
        e for b in blocks for e in b.get("elements", []) if kind is None or e.get("type") == kind
    ]


def button_values(message: Call | dict[str, Any]) -> list[str]:
    """The values (the actions) of the buttons of a message (a call's body), in order."""
    return [str(e.get("value", "")) for e in elements(message.get("blocks", []), "button")]


def shown(message: Call | dict[str, Any]) -> str:
    """What a message (a call's body) shows: its text and its blocks, for assertions."""
    blocks = message.get("blocks", [])
    return str(message.get("text", "")) + "\n" + "\n".join(str(b) for b in blocks)


def valid_blocks(blocks: list[dict[str, Any]], limit: int = 50) -> None:
    """Every block parses and validates with slack_sdk's models; the count is within Slack's."""
    assert 0 < len(blocks) <= limit, len(blocks)
    for b in blocks:
        parsed = Block.parse(b)
        assert parsed is not None, b
        parsed.validate_json()
    ids = [e["action_id"] for e in elements(blocks) if "action_id" in e]
    assert len(ids) == len(set(ids)), ids


async def post_signed(
    client: TestClient,  # type: ignore[type-arg]
    body: bytes,
    content_type: str,
    secret: str,
    *,
    timestamp: int | None = None,
    signature: str | None = None,
    headers: dict[str, str] | None = None,
) -> ClientResponse:
    """POST `body` to /slack/events as Slack does: signed over exactly these bytes (with
    `signature`, that one instead); the answer is read before returning."""
    signed = p.signed_headers(
        body, content_type, secret, timestamp=timestamp, signature=signature, extra=headers
    )
    response = await client.post(EVENTS, data=body, headers=signed)
    await response.read()
    return response


def valid_view(view: dict[str, Any]) -> None:
    View(**view).validate_json()
    valid_blocks(view["blocks"], 100)


def check_all(calls: list[Call]) -> int:
    """Validate every Block Kit payload the fake received; return how many."""
    n = 0
    for c in calls:
        if c.method in ("chat.postMessage", "chat.update", "chat.postEphemeral"):
            valid_blocks(c["blocks"])
            n += 1
        elif c.method in ("views.open", "views.publish"):
            valid_view(c["view"])
            n += 1
    return n


@dataclass
class SlackHarness:
    client: TestClient  # type: ignore[type-arg]
    slack: SlackBot
    fake: FakeSlack
    runtime: Runtime
    timing: FakeTiming

    async def close(self) -> None:
        await self.client.close()
        await self.runtime.close()

    async def send(
        self,
        body: bytes,
        content_type: str,
        *,
        timestamp: int | None = None,
        signature: str | None = None,
        headers: dict[str, str] | None = None,
        settle: bool = True,
    ) -> ClientResponse:
        """Post a signed request; with `settle`, also wait until the work it started has
        ended (the turn of a click or an event goes on after the answer)."""
        response = await post_signed(
            self.client,
            body,
            content_type,
            SECRET,
            timestamp=timestamp,
            signature=signature,
            headers=headers,
        )
        if settle:
            await self.slack.idle()
        return response

    async def command(
        self, user: str, text: str, channel: str = "C1", *, settle: bool = True
    ) -> ClientResponse:
        """`/lovende <text>`; its `response_url` is the fake's (`fake.of("response_url")`)."""
        url = self.fake.response_url(f"{channel}-{user}-{len(self.fake.calls)}")
        body = p.slash_command(user, text, channel, response_url=url)
        return await self.send(body, "application/x-www-form-urlencoded", settle=settle)

    async def event(
        self, event: dict[str, Any], event_id: str, retry: int | None = None, team: str = p.TEAM
    ) -> ClientResponse:
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
        return await self.send(
            p.event_callback(event, event_id, team),
            "application/json",
            headers=headers if retry else None,
        )

    async def click(
        self,
        user: str,
        element: dict[str, Any],
        message: dict[str, Any],
        channel: str = "C1",
        state: dict[str, Any] | None = None,
    ) -> ClientResponse:
        # A message only the person sees (chat.postEphemeral) is clicked as Slack sends it:
        # `is_ephemeral`, and a `response_url` (answered by the fake) that can replace it.
        ephemeral = message.get("method") == "chat.postEphemeral"
        url = self.fake.response_url(f"click-{user}-{len(self.fake.calls)}")
        body = p.block_actions(
            user, element, message, channel, state, ephemeral=ephemeral, response_url=url
        )
        return await self.send(body, "application/x-www-form-urlencoded")

    async def submit(
        self, user: str, view: dict[str, Any], values: dict[str, str]
    ) -> ClientResponse:
        body = p.view_submission(user, view, values)
        return await self.send(body, "application/x-www-form-urlencoded")

    # ---- finding what the bot posted ----
    def messages(self) -> list[dict[str, Any]]:
        """Every message the bot sent or updated (successfully), oldest first, with the
        channel and ts Slack gave it."""
        out = []
        for c in self.fake.calls:
            if c.method in ("chat.postMessage", "chat.update", "chat.postEphemeral"):
                if not c.response.get("ok"):
                    continue
                ts = c.response.get("ts") or c.response.get("message_ts")
                channel = c.response.get("channel") or c.body["channel"]
                out.append({**c.body, "method": c.method, "ts": ts, "channel": channel})
        return out

    def button(self, prefix: str) -> tuple[dict[str, Any], dict[str, Any]]:
        """The newest element whose value (action) starts with prefix, and its message."""
        for msg in reversed(self.messages()):
            for block in msg.get("blocks", []):
                for element in block.get("elements", []):
                    if str(element.get("value", "")).startswith(prefix):
                        return element, msg
        raise LookupError(prefix)

    async def press(
        self, user: str, prefix: str, state: dict[str, Any] | None = None
    ) -> ClientResponse:
        element, msg = self.button(prefix)
        return await self.click(user, element, msg, msg["channel"], state)

    def texts(self) -> str:
        parts = []
        for c in self.fake.calls:
            if c.method in ("chat.postMessage", "chat.update", "chat.postEphemeral"):
                parts.append(str(c.get("text", "")))
                for b in c.get("blocks", []):
                    parts.append(str(b))
        return "\n".join(parts)


def settings_for(fake: FakeSlack, **extra: Any) -> SlackSettings:
    values: dict[str, Any] = {
        "bot_token": TOKEN,
        "signing_secret": SECRET,
        "api_base_url": fake.api_url,
    }
    values.update(extra)
    for key in [k for k, v in values.items() if v is None]:
        del values[key]
    return SlackSettings(_env_file=None, **values)  # type: ignore[call-arg]


async def start_harness(
    fake: FakeSlack, database_url: str, clock: FakeClock, settings: SlackSettings
) -> SlackHarness:
    runtime = await build_runtime(load_settings(database_url=database_url), clock)
    timing = FakeTiming()
    runtime.engine.delivery.sleep = timing.sleep
    app = create_app(runtime, adapters=(), background=False)  # no reminder scheduler
    slack = mount(app, runtime, settings, timing.timing)
    assert slack is not None
    client = TestClient(TestServer(app, host="127.0.0.1"))
    await client.start_server()
    return SlackHarness(client, slack, fake, runtime, timing)


@asynccontextmanager
async def running_harness(
    fake: FakeSlack, database_url: str, clock: FakeClock, settings: SlackSettings
) -> AsyncIterator[SlackHarness]:
    """`start_harness` for the block, closed after it (however it ends)."""
    harness = await start_harness(fake, database_url, clock, settings)
    try:
        yield harness
    finally:
        await harness.close()
