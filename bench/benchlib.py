"""What the benchmarks share: helper processes (server, fake platform API), a closed-loop HTTP
load client, percentiles, Markdown tables, fresh PostgreSQL databases, memory readings and a
description of the machine. Benchmarks print figures; nothing here asserts a time.
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import random
import signal
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
READY = "READY "  # a helper process prints this, then one line of JSON, when it serves


# ---- the machine and the process ----
def rss_mb() -> float:
    """Resident memory of this process now (VmRSS), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def peak_rss_mb() -> float:
    """The highest resident memory of this process so far (VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def machine() -> list[str]:
    """One line each: CPUs, CPU model, memory, Python, load when measured."""
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "?"
    try:
        info = dict(line.split(":", 1) for line in Path("/proc/meminfo").read_text().splitlines())
        total = int(info["MemTotal"].split()[0]) // 1024
        available = int(info["MemAvailable"].split()[0]) // 1024
        memory = f"{total:,} MB total, {available:,} MB available"
    except (OSError, KeyError, ValueError):
        pass
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return [
        f"CPUs: {os.cpu_count()} ({model})",
        f"memory: {memory}",
        f"Python {platform.python_version()} on {platform.system()} {platform.release()}",
        f"load average at start: {load}",
    ]


# ---- figures ----
def percentile(values: Sequence[float], q: float) -> float:
    """The q-quantile (0..1) by the nearest-rank method; NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-q * len(ordered) // 1))))
    return ordered[rank - 1]


def ms(seconds: float) -> str:
    if seconds == float("inf"):
        return "not within --wait"
    return "–" if seconds != seconds else f"{seconds * 1000:.1f}"


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown pipe table (readable in a terminal as well)."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]

    def line(row: Sequence[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(cells[0]), rule, *(line(r) for r in cells[1:])])


def ratio(ours: float, floor: float) -> str:
    if floor != floor or ours != ours or floor <= 0:
        return "–"
    return f"{ours / floor:.2f}×"


# ---- the load client ----
Request = tuple[str, bytes, dict[str, str]]  # path, body, headers
MakeRequest = Callable[[int], Request]


@dataclass
class LoadResult:
    label: str
    concurrency: int
    latencies: list[float] = field(default_factory=list)  # seconds, successful requests only
    statuses: dict[int, int] = field(default_factory=dict)  # HTTP status -> count
    answered: list[int] = field(default_factory=list)  # indices of the 2xx requests
    sent: dict[int, float] = field(default_factory=dict)  # index -> time.monotonic() at sending
    stopped_early: bool = False  # the time limit came before the request count
    failures: int = 0  # no HTTP answer (connection error, timeout)
    elapsed: float = 0.0

    @property
    def ok(self) -> int:
        return len(self.latencies)

    @property
    def errors(self) -> int:
        return self.failures + sum(n for s, n in self.statuses.items() if not 200 <= s < 300)

    @property
    def throughput(self) -> float:
        return self.ok / self.elapsed if self.elapsed else float("nan")

    @property
    def p50(self) -> float:
        return percentile(self.latencies, 0.50)

    @property
    def p99(self) -> float:
        return percentile(self.latencies, 0.99)

    @property
    def max(self) -> float:
        return max(self.latencies) if self.latencies else float("nan")

    @property
    def mean(self) -> float:
        return statistics.fmean(self.latencies) if self.latencies else float("nan")

    def row(self) -> list[object]:
        codes = ", ".join(f"{s}×{n}" for s, n in sorted(self.statuses.items()))
        return [
            self.label,
            self.concurrency,
            self.ok + self.errors,
            ms(self.p50),
            ms(self.p99),
            ms(self.max),
            f"{self.throughput:.0f}",
            self.errors,
            codes or "–",
        ]


LOAD_HEADERS = (
    "server",
    "clients",
    "requests",
    "p50 ms",
    "p99 ms",
    "max ms",
    "req/s",
    "errors",
    "statuses",
)


async def closed_loop(
    base_url: str,
    make: MakeRequest,
    count: int,
    concurrency: int,
    label: str,
    *,
    seconds: float | None = None,
    request_timeout: float = 30.0,
    think: float = 0.0,
) -> LoadResult:
    """`concurrency` workers, each sending its next request as soon as the previous one is
    answered — or, with `think`, after a pause of that many seconds on average (exponential,
    the same sequence every run) — until `count` requests are done (or, given `seconds`, no new
    request is started after that time). Latency: from sending to the whole answer read."""
    result = LoadResult(label, concurrency)
    deadline = float("inf")
    connector = aiohttp.TCPConnector(limit=concurrency, force_close=False)
    session_timeout = aiohttp.ClientTimeout(total=request_timeout)
    next_index = 0
    pauses = random.Random(7)

    async with aiohttp.ClientSession(connector=connector, timeout=session_timeout) as session:

        async def worker() -> None:
            nonlocal next_index
            while next_index < count:
                index = next_index  # taken before the pause: the others go on meanwhile
                next_index += 1
                if think > 0:  # a person reading the next question
                    await asyncio.sleep(pauses.expovariate(1 / think))
                if time.perf_counter() > deadline:
                    result.stopped_early = True
                    return
                path, body, headers = make(index)
                result.sent[index] = time.monotonic()  # the machine's clock: see bench/fakes.py
                start = time.perf_counter()
                try:
                    async with session.post(base_url + path, data=body, headers=headers) as r:
                        await r.read()
                        status = r.status
                except (aiohttp.ClientError, TimeoutError):
                    result.failures += 1
                    continue
                took = time.perf_counter() - start
                result.statuses[status] = result.statuses.get(status, 0) + 1
                if 200 <= status < 300:
                    result.latencies.append(took)
                    result.answered.append(index)

        started = time.perf_counter()
        if seconds is not None:
            deadline = started + seconds
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        result.elapsed = time.perf_counter() - started
    return result


# ---- helper processes ----
@dataclass
class Child:
    """A helper process (`python <script> <args>`): it prints READY + JSON when it serves, logs
    to stderr, and stops on SIGTERM."""

    proc: subprocess.Popen[str]
    info: dict[str, Any]

    @classmethod
    def start(
        cls,
        script: Path,
        *args: str,
        log: Path | None = None,
        env: dict[str, str] | None = None,
        timeout: float = 120.0,
    ) -> Child:
        """Start it and wait until it serves; its log (stderr) goes to `log` when given."""
        stderr = open(log, "a") if log else None
        try:
            proc = subprocess.Popen(
                [sys.executable, str(script), *args],
                stdout=subprocess.PIPE,
                stderr=stderr,
                text=True,
                env={**os.environ, **(env or {})},
                cwd=ROOT,
            )
        finally:
            if stderr is not None:
                stderr.close()
        assert proc.stdout is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            if line.startswith(READY):
                return cls(proc, json.loads(line[len(READY) :]))
        proc.kill()
        raise RuntimeError(f"{script.name} {' '.join(args)} did not start")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()


def announce(info: dict[str, Any]) -> None:
    """In a helper process: tell the parent we serve (and where)."""
    print(READY + json.dumps(info), flush=True)


async def serve_until_stopped(cleanup: Callable[[], Awaitable[None]]) -> None:
    """In a helper process: run until SIGTERM or SIGINT, then clean up."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await cleanup()


# ---- databases ----
def sqlite_url(folder: Path, name: str) -> str:
    return f"sqlite+aiosqlite:///{folder / name}"


@dataclass
class PgDatabase:
    """A new, empty database on the PostgreSQL server of `base_url`; dropped by `drop()`."""

    base_url: str
    name: str = field(default_factory=lambda: f"lovende_bench_{uuid.uuid4().hex[:10]}")

    @property
    def url(self) -> str:
        base, _, _db = self.base_url.rpartition("/")
        return f"{base}/{self.name}"

    def _admin(self) -> str:
        return self.base_url.replace("postgresql+asyncpg", "postgresql")

    async def _execute(self, sql: str) -> None:
        import asyncpg  # type: ignore[import-untyped]

        conn = await asyncpg.connect(self._admin())
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    async def create(self) -> str:
        await self._execute(f'CREATE DATABASE "{self.name}"')
        return self.url

    async def drop(self) -> None:
        await self._execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def postgres_url(given: str | None) -> str | None:
    """--postgres URL, else TEST_POSTGRES_URL, else None (PostgreSQL runs are skipped)."""
    return given or os.environ.get("TEST_POSTGRES_URL") or None


def describe(url: str) -> str:
    return "PostgreSQL" if url.startswith("postgresql") else "SQLite"
