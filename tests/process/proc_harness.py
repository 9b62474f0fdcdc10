"""Real `lovende serve` processes for the process tests, talking to a fake Slack Web API.

Each replica is `python -m bot.cli serve --port 0` in its own temp folder (so no stray `.env`
is read), configured only by environment variables. It logs the port it bound; we read the
line from its stderr, which is also copied to a file for diagnostics. Requests are signed
exactly as Slack signs them. Nothing here sleeps: waits are for a process's output, an HTTP
answer, or a call arriving at the fake, each with a deadline.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import sys
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.slack.testing import payloads as p
from bot.slack.testing.api import FakeSlack
from storage.models import Assessment, Channel, Member, MemberAnswer, ProcessedEvent

SECRET = "5c1a1e8b7f2d4e6a9b0c3d5e7f9a1b2c"
TOKEN = "xoxb-7-process-test-token"
START_SECONDS = 60.0  # a start takes ~4 s alone, 25 s on a busy shared 2-core machine
REQUEST_SECONDS = 20.0
LISTENING = re.compile(rb"listening on http://[^\s:\"]+:(\d+)")
_OWN_SETTINGS = ("SLACK_", "LOVENDE_", "MICROSOFT_", "MICROSOFTAPP", "TEAMS_", "DATABASE_URL")


class WatchedSlack(FakeSlack):
    """The Slack fake, telling waiters about every call and which replica made it (each replica
    gets its own API base URL, `<base>/<name>/api/`)."""

    def __init__(self, *, people: dict[str, str] | None = None) -> None:
        super().__init__(people=people)
        self.changed = asyncio.Condition()
        self.origin: dict[int, str] = {}  # id(call) -> replica name

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self.api)
        app.router.add_route("*", "/{replica}/api/{method}", self.api)
        app.router.add_post("/upload/{file_id}", self.upload)
        self.server = TestServer(app, host="127.0.0.1")
        await self.server.start_server()

    def api_url_for(self, replica: str) -> str:
        return f"{self.base}/{replica}/api/"

    async def api(self, request: web.Request) -> web.Response:
        response = await super().api(request)
        # super() appended the call and returned without awaiting: it is the last one.
        self.origin[id(self.calls[-1])] = request.match_info.get("replica", "")
        async with self.changed:
            self.changed.notify_all()
        return response

    def by(self, call: Any) -> str:
        return self.origin.get(id(call), "")

    async def until(self, what: str, predicate: Callable[[], Any], seconds: float = 20.0) -> Any:
        """Wait until predicate() is truthy (re-checked on every call to the fake)."""
        try:
            async with asyncio.timeout(seconds), self.changed:
                return await self.changed.wait_for(predicate)
        except TimeoutError:
            raise AssertionError(f"timed out waiting for {what}; calls: {self.methods()}") from None

    async def change(self, seconds: float) -> None:
        """Return at the next call to the fake, or after `seconds` (polling's pause)."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds), self.changed:
                await self.changed.wait()

    # ---- what the bot posted ----
    def posts(self, prefix: str = "") -> list[Any]:
        return [
            c
            for c in self.of("chat.postMessage")
            if c.response.get("ok") and str(c.get("text", "")).startswith(prefix)
        ]

    def button(self, prefix: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """The newest posted button whose action starts with prefix, and its message."""
        for c in reversed(self.of("chat.postMessage", "chat.update")):
            if not c.response.get("ok"):
                continue
            for block in c.get("blocks", []):
                for element in block.get("elements", []):
                    if str(element.get("value", "")).startswith(prefix):
                        ts = c.response.get("ts")
                        channel = c.response.get("channel") or c["channel"]
                        return element, {**c.body, "ts": ts, "channel": channel}
        return None


def element(action: str, label: str) -> dict[str, Any]:
    """An answer button as the bot renders it in a question message."""
    return {
        "type": "button",
        "action_id": action,
        "block_id": "q-answers",
        "text": {"type": "plain_text", "text": label, "emoji": True},
        "value": action,
    }


def child_env(
    database_url: str, slack_api_url: str, out_dir: Path | None, **extra: str
) -> dict[str, str]:
    """The environment of a child: ours without any bot setting, plus the given ones. Without
    `out_dir` the child keeps no copies of generated files on disk (as `serve` in production)."""
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith(_OWN_SETTINGS)}
    env.update(
        DATABASE_URL=database_url,
        SLACK_BOT_TOKEN=TOKEN,
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_BASE_URL=slack_api_url,
        LOVENDE_LOG_FORMAT="json",
        LOVENDE_LOG_LEVEL="INFO",
        PYTHONUNBUFFERED="1",
    )
    if out_dir is not None:
        env["LOVENDE_OUTPUT_DIR"] = str(out_dir)
    env.update(extra)
    return env


async def _lovende(
    env: Mapping[str, str], cwd: Path, *args: str, stdout: int, stderr: int
) -> asyncio.subprocess.Process:
    """`lovende <args>` as a child in `cwd`, with only `env`, reading nothing."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        *args,
        cwd=cwd,
        env=dict(env),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=stdout,
        stderr=stderr,
    )


async def run_migrate(env: Mapping[str, str], cwd: Path) -> None:
    """`lovende migrate`, once, before any replica starts."""
    pipe, together = asyncio.subprocess.PIPE, asyncio.subprocess.STDOUT
    proc = await _lovende(env, cwd, "migrate", stdout=pipe, stderr=together)
    try:
        async with asyncio.timeout(START_SECONDS):
            out, _ = await proc.communicate()
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert proc.returncode == 0, out.decode(errors="replace")[-3000:]


def _open_log(path: Path) -> IO[bytes]:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.open("ab")


@dataclass
class Replica:
    """One `lovende serve` process and an HTTP client for it."""

    name: str
    proc: asyncio.subprocess.Process
    log_path: Path
    http: aiohttp.ClientSession
    port: int = 0
    _pump: asyncio.Task[None] | None = None
    _log: IO[bytes] | None = None

    @property
    def pid(self) -> int:
        return self.proc.pid

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_tail(self, chars: int = 4000) -> str:
        if self._log is not None:
            self._log.flush()
        try:
            text = self.log_path.read_bytes().decode(errors="replace")
        except OSError:
            return ""
        return f"--- {self.name} (pid {self.pid}) stderr, last {chars} chars ---\n{text[-chars:]}"

    async def get(self, path: str) -> tuple[int, str]:
        async with self.http.get(self.url + path) as r:
            return r.status, await r.text()

    async def send(
        self, body: bytes, content_type: str, headers: Mapping[str, str] | None = None
    ) -> tuple[int, str]:
        """POST /slack/events with Slack's signature over exactly these bytes."""
        all_headers = p.signed_headers(body, content_type, SECRET, extra=headers)
        async with self.http.post(self.url + "/slack/events", data=body, headers=all_headers) as r:
            return r.status, await r.text()

    async def command(self, user: str, text: str, channel: str = "C1") -> tuple[int, str]:
        return await self.send(
            p.slash_command(user, text, channel), "application/x-www-form-urlencoded"
        )

    async def click(
        self, user: str, element: dict[str, Any], message: dict[str, Any], channel: str = "C1"
    ) -> tuple[int, str]:
        body = p.block_actions(user, element, message, channel)
        return await self.send(body, "application/x-www-form-urlencoded")

    async def event(
        self, event: dict[str, Any], event_id: str, retry: int | None = None
    ) -> tuple[int, str]:
        headers = (
            {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
            if retry
            else None
        )
        return await self.send(p.event_callback(event, event_id), "application/json", headers)

    async def wait_ready(self, seconds: float = START_SECONDS) -> None:
        """Poll /readyz until it answers 200 (each try awaits the answer; no pauses)."""
        last = "no answer"
        try:
            async with asyncio.timeout(seconds):
                while True:
                    if self.proc.returncode is not None:
                        raise AssertionError(f"{self.name} exited\n{self.log_tail()}")
                    try:
                        status, text = await self.get("/readyz")
                    except aiohttp.ClientError as exc:  # the port is bound: try again
                        last = type(exc).__name__
                        continue
                    if status == 200:
                        return
                    last = f"{status} {text}"
        except TimeoutError:
            raise AssertionError(f"{self.name} not ready: {last}\n{self.log_tail()}") from None

    def kill(self) -> None:
        """kill -9, from the client side (no cleanup of any kind in the child)."""
        if self.proc.returncode is None:
            # It may have ended and been reaped, the exit code not yet noted by asyncio.
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.proc.pid, signal.SIGKILL)

    async def stop(self, seconds: float = 20.0) -> int:
        """SIGTERM (the app drains acknowledged turns), then SIGKILL if it hangs."""
        if self.proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.proc.send_signal(signal.SIGTERM)
            try:
                async with asyncio.timeout(seconds):
                    await self.proc.wait()
            except TimeoutError:
                self.kill()
        return await self.close()

    async def close(self) -> int:
        """Make sure the process is gone and its output collected; its exit code."""
        if self.proc.returncode is None:
            self.kill()
        code = await self.proc.wait()
        if self._pump is not None:
            with contextlib.suppress(Exception):
                async with asyncio.timeout(5):
                    await self._pump
        if self._log is not None:
            self._log.close()
            self._log = None
        return code


Launch = Callable[[str, Mapping[str, str]], Awaitable[Replica]]  # the `launch` fixture's
Serve = Callable[[str], Awaitable[Replica]]  # the `serve` fixture's


async def _copy_stderr(
    stream: asyncio.StreamReader, log: IO[bytes], port: asyncio.Future[int]
) -> None:
    while line := await stream.readline():
        log.write(line)
        log.flush()
        if not port.done() and (m := LISTENING.search(line)):
            port.set_result(int(m.group(1)))


async def start_replica(
    name: str, env: Mapping[str, str], workdir: Path, http: aiohttp.ClientSession
) -> Replica:
    """Start `lovende serve --port 0` and return once it has bound its port (not yet ready)."""
    log_path = workdir / f"{name}.stderr.log"
    log = _open_log(log_path)  # also creates workdir
    serve = ("serve", "--host", "127.0.0.1", "--port", "0")
    proc = await _lovende(
        env, workdir, *serve, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
    )
    replica = Replica(name, proc, log_path, http, _log=log)
    assert proc.stderr is not None
    port: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    replica._pump = asyncio.create_task(_copy_stderr(proc.stderr, log, port))
    exited = asyncio.ensure_future(proc.wait())
    try:
        done, _ = await asyncio.wait(
            {port, exited}, timeout=START_SECONDS, return_when=asyncio.FIRST_COMPLETED
        )
    finally:
        exited.cancel()
    if port not in done:
        port.cancel()
        await replica.close()
        raise AssertionError(f"{name} did not start\n{replica.log_tail()}")
    replica.port = port.result()
    return replica


# ---- the database, as the tests see it ----
AnswerKey = tuple[str, str, str]  # channel, user, question


async def stored_answers(db: AsyncEngine) -> dict[AnswerKey, str | None]:
    query = (
        select(
            Channel.external_id, Member.external_id, MemberAnswer.question_id, MemberAnswer.value
        )
        .join(Member, Member.id == MemberAnswer.member_id)
        .join(Assessment, Assessment.id == MemberAnswer.assessment_id)
        .join(Channel, Channel.id == Assessment.channel_id)
    )
    async with db.connect() as conn:
        rows = (await conn.execute(query)).all()
    return {(ch, user, qid): value for ch, user, qid, value in rows}


async def duplicate_answers(db: AsyncEngine) -> list[tuple[int, str, int, int]]:
    """(assessment, question, member, rows) for every pair stored more than once."""
    n = func.count()
    query = (
        select(MemberAnswer.assessment_id, MemberAnswer.question_id, MemberAnswer.member_id, n)
        .group_by(MemberAnswer.assessment_id, MemberAnswer.question_id, MemberAnswer.member_id)
        .having(n > 1)
    )
    async with db.connect() as conn:
        return [(a, q, m, c) for a, q, m, c in (await conn.execute(query)).all()]


async def processed_events(db: AsyncEngine, like: str) -> list[str]:
    query = select(ProcessedEvent.event_key).where(ProcessedEvent.event_key.like(like))
    async with db.connect() as conn:
        return list((await conn.scalars(query)).all())


async def open_assessment_id(db: AsyncEngine, channel: str) -> int | None:
    query = (
        select(Assessment.id)
        .join(Channel, Channel.id == Assessment.channel_id)
        .where(Channel.external_id == channel)
        .order_by(Assessment.id.desc())
    )
    async with db.connect() as conn:
        return await conn.scalar(query)


async def start_assessment(replica: Replica, db: AsyncEngine, fake: WatchedSlack) -> int:
    """U1 starts an assessment in C1 through `replica` (acknowledged at once, the turn after);
    its id, once the database has it."""
    assert await replica.command("U1", "start Recovery-forløb") == (200, "")
    opened = await poll(
        "the assessment", lambda: open_assessment_id(db, "C1"), fake, 30, replica.log_tail
    )
    return int(opened)


async def poll(
    what: str,
    check: Callable[[], Awaitable[Any]],
    fake: WatchedSlack,
    seconds: float = 30.0,
    diagnostics: Callable[[], str] = str,
) -> Any:
    """Re-run `check` (a database query) until truthy: after every call reaching the fake,
    and at least every 0.25 s. Fails with `diagnostics()` after `seconds`."""
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        result = await check()
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}\n{diagnostics()}")
        await fake.change(0.25)


def db_engine(url: str) -> AsyncEngine:
    """The test's own reader: plain transactions (the bot's SQLite engine takes the write lock
    at BEGIN, which a reader must not hold while the processes under test write)."""
    if url.startswith("sqlite"):
        return create_async_engine(url, connect_args={"timeout": 10})
    return create_async_engine(url)
