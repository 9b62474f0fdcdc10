"""Prometheus metrics at /metrics: requests by route template and outcome with latency
histograms, the switch that turns the route off, and the reminder counters moving when the
worker sends, sends late and gives up.

The registry is process-wide (other tests in this worker count too): every check is a delta.
"""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from ops_helpers import start_app
from prometheus_client import CONTENT_TYPE_LATEST
from prometheus_client.parser import text_string_to_metric_families
from reminder_helpers import Flaky, reminder_rows, run_at, start_round

from bot.clock import FakeClock
from bot.http.app import create_app
from bot.http.observe import outcome_of
from bot.metrics import REGISTRY
from bot.runtime import build_runtime
from bot.settings import load_settings
from bot.slack.testing.api import FakeSlack
from bot.teams.testing import PUBLIC_URL, FakeConnector, running_bot, teams_settings
from bot.testing import BotHarness
from storage.db import create_engine

THURSDAY_10 = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)  # the first nudge round, 10:00 CET


def requests(route: str, outcome: str) -> float:
    labels = {"route": route, "outcome": outcome}
    return REGISTRY.get_sample_value("lovende_http_requests_total", labels) or 0.0


def observed(route: str) -> float:
    return REGISTRY.get_sample_value("lovende_http_request_seconds_count", {"route": route}) or 0.0


def reminders(event: str) -> float:
    return REGISTRY.get_sample_value("lovende_reminders_total", {"event": event}) or 0.0


def test_status_codes_fall_into_five_outcomes() -> None:
    cases = {200: "ok", 202: "ok", 302: "ok", 401: "unauthorized", 403: "unauthorized"}
    cases |= {400: "client_error", 404: "client_error", 415: "client_error", 499: "client_error"}
    cases |= {500: "server_error", 502: "server_error", 503: "unavailable", 504: "server_error"}
    assert {status: outcome_of(status) for status in cases} == cases


async def test_metrics_count_requests_by_route_and_outcome(
    sqlite_url: str, clock: FakeClock, fake_slack: FakeSlack
) -> None:
    app = await start_app(sqlite_url, clock, fake_slack)
    try:
        events_ok = requests("/slack/events", "ok")
        events_refused = requests("/slack/events", "unauthorized")
        unmatched = requests("unmatched", "client_error")
        health = requests("/healthz", "ok")
        events_seen = observed("/slack/events")

        assert await app.command("U1", "start Recovery") == 200
        assert await app.press("U1", "lp:pace:") == 200
        forged = await app.client.post(
            "/slack/events",
            data=b"command=/lovende",
            headers={"X-Slack-Request-Timestamp": "1", "X-Slack-Signature": "v0=forged"},
        )
        assert forged.status == 401
        assert (await app.get("/no/such/C1/U1")).status == 404
        assert (await app.get("/healthz")).status == 200

        assert requests("/slack/events", "ok") - events_ok == 2
        assert requests("/slack/events", "unauthorized") - events_refused == 1
        assert requests("unmatched", "client_error") - unmatched == 1
        assert requests("/healthz", "ok") - health == 1
        assert observed("/slack/events") - events_seen == 3  # every answer's latency

        response = await app.get("/metrics")
        assert response.status == 200
        assert response.headers["Content-Type"] == CONTENT_TYPE_LATEST
        text = await response.text()
        assert 'lovende_http_requests_total{outcome="ok",route="/slack/events"}' in text
        assert 'lovende_http_request_seconds_bucket{le="0.05",route="/slack/events"}' in text
        assert 'lovende_reminders_total{event="late"}' in text  # at 0 from the start
        families = {f.name: f for f in text_string_to_metric_families(text)}
        assert {"lovende_http_requests", "lovende_http_request_seconds", "lovende_turns"} <= set(
            families
        )
        buckets = [
            s
            for s in families["lovende_http_request_seconds"].samples
            if s.name.endswith("_bucket") and s.labels["route"] == "/slack/events"
        ]
        assert buckets[-1].labels["le"] == "+Inf" and buckets[-1].value >= 3
        # Route templates and outcome classes only: never the path's ids.
        routes = {s.labels["route"] for s in families["lovende_http_requests"].samples}
        assert not any("C1" in r or "U1" in r or "/no/" in r for r in routes)
    finally:
        await app.close()


async def test_route_labels_are_templates_and_teams_is_counted(
    sqlite_url: str, clock: FakeClock
) -> None:
    settings = teams_settings(local_dev=True, public_url=PUBLIC_URL)
    async with (
        FakeConnector() as connector,
        running_bot(sqlite_url, clock, connector, settings) as bot,
    ):
        client = bot.client
        files_missing = requests("/teams/files/{token}", "client_error")
        messages_ok = requests("/api/messages", "ok")
        wrong_type = requests("/api/messages", "client_error")
        assert (await client.get("/teams/files/secret-token-123")).status == 404
        assert await bot.user("Anna").say("start Recovery") == 201
        assert (await client.post("/api/messages", data=b"x")).status == 415
        assert requests("/teams/files/{token}", "client_error") - files_missing == 1
        assert requests("/api/messages", "ok") - messages_ok == 1
        assert requests("/api/messages", "client_error") - wrong_type == 1
        text = await (await client.get("/metrics")).text()
        assert "secret-token-123" not in text


async def test_a_handler_that_raises_is_a_server_error_and_a_lost_database_a_503(
    sqlite_url: str, clock: FakeClock
) -> None:
    runtime = await build_runtime(load_settings(database_url=sqlite_url), clock)
    app = create_app(runtime, adapters=(), background=False)
    with socket.socket() as s:  # a loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    gone = create_engine(f"postgresql+asyncpg://u@127.0.0.1:{port}/lovende")

    async def broken(_request: web.Request) -> web.Response:
        raise RuntimeError("a bug")

    async def needs_database(_request: web.Request) -> web.Response:
        async with gone.connect():
            return web.Response(text="never")

    app.router.add_get("/test/broken", broken)
    app.router.add_get("/test/database", needs_database)
    client: TestClient[Any, Any] = TestClient(TestServer(app, host="127.0.0.1", port=0))
    await client.start_server()
    try:
        errors = requests("/test/broken", "server_error")
        unavailable = requests("/test/database", "unavailable")
        assert (await client.get("/test/broken")).status == 500
        answer = await client.get("/test/database")
        assert answer.status == 503 and answer.headers["Retry-After"] == "5"
        assert await answer.json() == {"status": "database unavailable"}
        assert requests("/test/broken", "server_error") - errors == 1
        assert requests("/test/database", "unavailable") - unavailable == 1
    finally:
        await client.close()
        await gone.dispose()
        await runtime.close()


async def test_metrics_can_be_switched_off(
    sqlite_url: str, clock: FakeClock, fake_slack: FakeSlack
) -> None:
    app = await start_app(sqlite_url, clock, fake_slack, metrics=False)
    try:
        assert (await app.get("/metrics")).status == 404
        assert (await app.get("/healthz")).status == 200
    finally:
        await app.close()


async def test_reminder_counters_move_with_due_sent_late_and_failed(bot: BotHarness) -> None:
    await start_round(bot)
    await bot.run_due()  # planned: nothing due yet
    before = {e: reminders(e) for e in ("due", "sent", "late", "failed")}
    out = await run_at(bot, THURSDAY_10)  # the round's first nudge, on time
    assert len(out) == 1
    sent = {e: reminders(e) - before[e] for e in before}
    assert sent["due"] >= 2 and sent["sent"] == sent["due"]  # the round row and the nudge
    assert sent["late"] == 0 and sent["failed"] == 0

    # The next nudge comes due while the bot is down and goes out hours late.
    await bot.say("Bo", "status")  # a second member, who is behind too
    await bot.run_due()
    before = {e: reminders(e) for e in before}
    await bot.restart()
    bot.clock.set(THURSDAY_10 + timedelta(days=7, hours=3))
    stats = await bot.run_due()
    late_rows = [r for r in await reminder_rows(bot) if r.late and r.status == "sent"]
    moved = {e: reminders(e) - before[e] for e in before}
    assert stats.sent >= 1 and moved["sent"] == stats.sent and moved["due"] == stats.claimed
    assert moved["late"] == len(late_rows) >= 1

    # A platform that refuses for good (the member left, the app was removed): the reminder
    # fails and is counted.
    refusing = Flaky(bot.channel, retryable=False, error="HTTP 403")
    bot.runtime.ports["console"] = refusing  # type: ignore[assignment]
    before = {e: reminders(e) for e in before}
    mark = len(bot.channel.records)
    bot.clock.set(THURSDAY_10 + timedelta(days=14))
    stats = await bot.run_due()
    assert stats.failed >= 1 and not bot.channel.records[mark:]
    assert reminders("failed") - before["failed"] == stats.failed
    assert reminders("sent") - before["sent"] == stats.sent
