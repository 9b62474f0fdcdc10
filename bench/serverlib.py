"""The server side of the click benchmarks: our aiohttp app (or a bare floor app) in its own
process, plus a small control site on a second port that the benchmark uses between runs —
never during a measurement — to switch pacing, wait for sends, count answers and read memory.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from benchlib import announce, peak_rss_mb, rss_mb, serve_until_stopped
from pydantic import SecretStr
from sqlalchemy import func, select

from bot import logs
from bot.runtime import Runtime
from bot.slack.settings import SlackSettings
from bot.teams.settings import TeamsSettings
from storage.models import DeliveryFailure, Member, MemberAnswer

log = logging.getLogger("bench")


class SwitchClock:
    """Real time for the platform pacers, except while `fast`: then a sleep advances a virtual
    offset and returns at once. Used while setting up (posting an assessment's 70 question
    messages at Slack's 1 per second would take 70 s); measured runs use real time."""

    def __init__(self) -> None:
        self.fast = False
        self.offset = 0.0

    def monotonic(self) -> float:
        return time.monotonic() + self.offset

    async def sleep(self, seconds: float) -> None:
        if self.fast:
            self.offset += max(seconds, 0.0)
            await asyncio.sleep(0)
        else:
            await asyncio.sleep(seconds)


def slack_settings(token: str, secret: str, api_url: str) -> SlackSettings:
    """Slack with this bot token and signing secret, its Web API at `api_url` (a fake)."""
    return SlackSettings(
        _env_file=None,  # type: ignore[call-arg]
        bot_token=SecretStr(token),
        signing_secret=SecretStr(secret),
        api_base_url=api_url,
    )


def teams_settings(public_url: str = "") -> TeamsSettings:
    """Teams with an empty app id in TEAMS_LOCAL_DEV mode: no JWT is checked, so the
    benchmarks send activities as they are."""
    return TeamsSettings(
        _env_file=None,  # type: ignore[call-arg]
        app_id="",
        app_password="",
        app_tenant_id="",
        app_type="",
        local_dev=True,
        public_url=public_url,
    )


def configure_logging(runtime: Runtime | None) -> None:
    """As `lovende serve` does (level and format from the settings); the benchmark sends this
    process's stderr to a log file."""
    if runtime is not None:
        logs.configure(runtime.settings.log_level, runtime.settings.log_format)
    else:
        logs.configure("INFO", "json")


async def our_app(db_url: str) -> tuple[Runtime, SwitchClock, web.Application]:
    """Our app over `db_url` as `lovende serve` builds it (the reminder scheduler runs), with
    no platform mounted yet, logging as it does; and the clock for the platform's pacer."""
    from bot.http.app import create_app
    from bot.runtime import build_runtime
    from bot.settings import load_settings

    runtime = await build_runtime(load_settings(database_url=db_url))
    configure_logging(runtime)
    return runtime, SwitchClock(), create_app(runtime, adapters=())


def control_app(
    runtime: Runtime | None,
    clock: SwitchClock | None,
    idle: Callable[[], Awaitable[None]],
) -> web.Application:
    app = web.Application()

    async def pacing(request: web.Request) -> web.Response:
        if clock is not None:
            clock.fast = bool((await request.json()).get("fast"))
        return web.json_response({"fast": clock.fast if clock else None})

    async def wait_idle(request: web.Request) -> web.Response:
        """Wait (at most `timeout` seconds) until no request or turn is in progress."""
        start = time.perf_counter()
        try:
            await asyncio.wait_for(idle(), float(request.query.get("timeout", "60")))
            done = True
        except TimeoutError:
            done = False
        return web.json_response({"seconds": time.perf_counter() - start, "done": done})

    async def present(aids: list[int]) -> set[tuple[int, str, str]]:
        assert runtime is not None
        async with runtime.sessions() as session:
            rows = await session.execute(
                select(MemberAnswer.assessment_id, Member.external_id, MemberAnswer.question_id)
                .join(Member, Member.id == MemberAnswer.member_id)
                .where(MemberAnswer.assessment_id.in_(aids))
            )
            return {(int(a), str(m), str(q)) for a, m, q in rows}

    async def count(aids: list[int]) -> int:
        assert runtime is not None
        async with runtime.sessions() as session:
            n = await session.scalar(
                select(func.count())
                .select_from(MemberAnswer)
                .where(MemberAnswer.assessment_id.in_(aids))
            )
        return int(n or 0)

    async def applied(request: web.Request) -> web.Response:
        """Wait until every expected answer — (assessment, member's external id, question) —
        is in the database, or `timeout` ran out. Polls a cheap COUNT every 20 ms (so as not to
        slow the server it measures) and compares the rows themselves once the count is there."""
        start = time.perf_counter()
        body = await request.json()
        aids = [int(a) for a in body["aids"]]
        expected = {(int(a), str(m), str(q)) for a, m, q in body["pairs"]}
        deadline = start + float(body.get("timeout", 30))
        rows: set[tuple[int, str, str]] = set()
        while True:
            if await count(aids) >= len(expected):
                rows = await present(aids)
                if expected <= rows:
                    break
            if time.perf_counter() >= deadline:
                rows = await present(aids)
                break
            await asyncio.sleep(0.02)
        return web.json_response(
            {
                "found": len(expected & rows),
                "rows": len(rows),
                "seconds": time.perf_counter() - start,
            }
        )

    async def stats(_request: web.Request) -> web.Response:
        data: dict[str, Any] = {"rss_mb": rss_mb(), "peak_rss_mb": peak_rss_mb()}
        if runtime is not None:
            async with runtime.sessions() as session:
                failures = await session.scalar(select(func.count()).select_from(DeliveryFailure))
            data["delivery_failures"] = int(failures or 0)
        return web.json_response(data)

    app.router.add_post("/pacing", pacing)
    app.router.add_get("/idle", wait_idle)
    app.router.add_post("/applied", applied)
    app.router.add_get("/stats", stats)
    return app


async def run_server(
    app: web.Application,
    control: web.Application,
    cleanup: Callable[[], Awaitable[None]],
) -> None:
    """Serve `app` and `control` on free loopback ports, announce both, run until SIGTERM."""
    runner = web.AppRunner(app)  # aiohttp's defaults, as `lovende serve` (bot/http/app.py)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    control_runner = web.AppRunner(control, access_log=None)
    await control_runner.setup()
    await web.TCPSite(control_runner, "127.0.0.1", 0).start()
    port = runner.addresses[0][1]
    control_port = control_runner.addresses[0][1]
    announce({"url": f"http://127.0.0.1:{port}", "control": f"http://127.0.0.1:{control_port}"})

    async def stop() -> None:
        await control_runner.cleanup()
        await runner.cleanup()
        await cleanup()

    await serve_until_stopped(stop)


async def run_floor(
    path: str, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> None:
    """Serve a floor (a bare platform SDK app, `handler` on POST `path`) like `run_server`,
    with a control app that has no runtime to ask."""
    app = web.Application()
    app.router.add_post(path, handler)

    async def nothing() -> None:
        return None

    await run_server(app, control_app(None, None, nothing), nothing)
