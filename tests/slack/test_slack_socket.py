"""`lovende serve --socket-mode`: the same app over a Socket Mode WebSocket (a fake one)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.clock import FakeClock
from bot.runtime import Runtime, build_runtime
from bot.settings import load_settings
from bot.slack.app import SlackBot
from bot.slack.socket import connect
from bot.slack.testing.api import FakeSlack
from bot.slack.testing.harness import TOKEN, FakeTiming


@pytest.fixture
async def socket_mode(
    fake: FakeSlack, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[Runtime, SlackBot]]:
    """The bot connected over Socket Mode to the fake (configured as `serve --socket-mode`
    is: app token, no signing secret); disconnected and closed after the test."""
    monkeypatch.setenv("SLACK_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1-test")
    monkeypatch.setenv("SLACK_API_BASE_URL", fake.api_url)
    monkeypatch.delenv("SLACK_SIGNING_SECRET", raising=False)
    runtime = await build_runtime(load_settings(database_url=sqlite_url), FakeClock())
    slack, handler = await connect(runtime, FakeTiming().timing)
    try:
        yield runtime, slack
    finally:
        await fake.socket_out.put(None)
        await handler.close_async()  # type: ignore[no-untyped-call]
        await slack.close()
        await runtime.close()


async def test_a_slash_command_over_socket_mode(
    fake: FakeSlack, socket_mode: tuple[Runtime, SlackBot]
) -> None:
    runtime, slack = socket_mode
    assert runtime.ports["slack"] is slack.port
    (opened,) = fake.of("apps.connections.open")
    assert opened.token == "xapp-1-test"
    command = {
        "team_id": "T1",
        "channel_id": "C1",
        "channel_name": "team",
        "user_id": "U1",
        "user_name": "anna",
        "command": "/lovende",
        "text": "start Recovery",
        "api_app_id": "A0LOVENDE",
        "trigger_id": "trigger-socket",
    }
    await fake.socket_out.put(
        {
            "envelope_id": "env-1",
            "type": "slash_commands",
            "accepts_response_payload": True,
            "payload": command,
        }
    )
    ack = await asyncio.wait_for(fake.socket_in.get(), timeout=10)
    assert ack["envelope_id"] == "env-1"
    await slack.idle()
    posted = fake.of("chat.postMessage")
    assert [c["text"][:18] for c in posted] == ["Måling af praksis:", "Recovery – runde 1"]


async def test_socket_mode_checks_the_shape_and_the_workspace_too(
    fake: FakeSlack, socket_mode: tuple[Runtime, SlackBot]
) -> None:
    """Socket Mode carries no signature (the app token authenticates the connection), but a
    command from a workspace the bot is not installed in, or with an id of the wrong kind, is
    refused the same way and starts nothing."""
    _runtime, slack = socket_mode
    command = {"channel_id": "C1", "user_id": "U1", "command": "/lovende", "text": "start X"}
    acks = []
    for n, team in enumerate(("T2", "t1")):
        envelope = {"envelope_id": f"env-{n}", "type": "slash_commands"}
        payload = command | {"team_id": team}
        await fake.socket_out.put(envelope | {"accepts_response_payload": True, "payload": payload})
        acks.append(await asyncio.wait_for(fake.socket_in.get(), timeout=10))
    await slack.idle()
    assert [a["envelope_id"] for a in acks] == ["env-0", "env-1"]  # acknowledged: no retry
    assert "ikke installeret" in acks[0]["payload"]["text"]  # shown to the person
    assert "payload" not in acks[1]
    assert fake.of("chat.postMessage") == []
