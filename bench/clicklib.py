"""What the click benchmarks (bench/slack_clicks.py, bench/teams_submits.py) share: levels,
setting a level up (a round per channel, the answer clicks) through what a platform says of
itself (`ClickPlatform`), one measured level against our server, the floor, and the report."""

from __future__ import annotations

import argparse
import asyncio
import math
import random
import sys
import tempfile
import time
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import aiohttp
from benchlib import (
    LOAD_HEADERS,
    Child,
    LoadResult,
    PgDatabase,
    closed_loop,
    describe,
    machine,
    ms,
    percentile,
    postgres_url,
    ratio,
    sqlite_url,
    table,
)

HERE = Path(__file__).resolve().parent

# body -> (path, body, headers): signs the body when the platform wants that
Send = Callable[[bytes], tuple[str, bytes, dict[str, str]]]


@dataclass
class Level:
    clients: int
    requests: int


@dataclass
class Click:
    """One answer click: which row it writes (assessment, member's external id, question)."""

    aid: int
    member: str
    qid: str
    body: bytes


@dataclass
class Plan:
    """One level's channels (each with an open assessment), people and clicks."""

    channels: list[str]
    people: int  # per channel
    aids: list[int]
    warmups: list[Click]  # one answer per person before measuring
    clicks: list[Click]  # distinct (person, question) pairs in random order


@dataclass
class Applied:
    label: str
    level: Level
    plan: Plan
    acked: int  # measured clicks acknowledged (2xx)
    expected: int  # rows that must exist: acknowledged warm-ups and clicks
    found: int  # of those, in the database
    applied_s: float  # from the last answer of the load until all `expected` rows were there
    drained_s: float  # … until every send to the platform had gone out (inf: not in --wait)
    failures: int  # delivery_failures rows
    rss_mb: float  # the server's resident memory after the level
    visible: list[float]  # per shown click: from sending it to the platform showing it
    unseen: int  # acknowledged clicks whose effect the platform was never shown (in --wait)
    shown_s: float  # from the last answer of the load until the last click was shown


def layout(level: Level, per_channel: int, questions: int) -> tuple[int, int]:
    """(channels, people per channel): about `per_channel` clients per channel, and enough
    people that every click is a new (person, question) pair."""
    channels = math.ceil(level.clients / max(1, per_channel))
    pairs = math.ceil(level.requests / channels)
    return channels, max(math.ceil(level.clients / channels), math.ceil(pairs / questions))


async def post(session: aiohttp.ClientSession, base: str, body: bytes, send: Send) -> int:
    """Send one request as the platform would (`send` signs it when the platform does)."""
    path, data, headers = send(body)
    async with session.post(base + path, data=data, headers=headers) as r:
        await r.read()
        return r.status


async def get_json(session: aiohttp.ClientSession, url: str) -> Any:
    async with session.get(url) as r:
        return await r.json()


async def post_json(session: aiohttp.ClientSession, url: str, data: object) -> Any:
    async with session.post(url, json=data) as r:
        return await r.json()


T = TypeVar("T")


async def settle(session: aiohttp.ClientSession, server: Child, limit: float = 120) -> None:
    """Wait (at most `limit` seconds) until the server has nothing in progress."""
    await get_json(session, f"{server.info['control']}/idle?timeout={limit}")


async def until_found(
    session: aiohttp.ClientSession,
    server: Child,
    find: Callable[[], Awaitable[T | None]],
    attempt: Callable[[], Awaitable[int]],
    what: str,
) -> T:
    """Setting up: `attempt` (a request) until `find` sees its effect; an overloaded server may
    have answered an error (and done it anyway) — that is what the measurements are for."""
    for _ in range(3):
        found = await find()
        if found is not None:
            return found
        await attempt()
        await settle(session, server)
    found = await find()
    if found is None:
        raise RuntimeError(f"setting up: {what} did not happen")
    return found


# ---- setting a level up: the same steps on every platform ----
VALUES = ("ja", "delvist", "nej", "ved_ikke")
WARMUP_QUESTION = "1.1"  # every person answers it once before the measured clicks


def measured_questions() -> list[str]:
    """The scale questions of the measured clicks: all but the warm-up's."""
    from scoring.catalogue import load_catalogue

    scale = [q.id for q in load_catalogue().questions if q.type == "scale"]
    return [q for q in scale if q != WARMUP_QUESTION]


def answer(aid: int, qid: str, value: str) -> str:
    """The action of an answer button, as the bot writes it."""
    return f"lp:ans:{aid}:{qid}:{value}"


class ClickPlatform(ABC):
    """What a platform's click benchmark says of itself: its ids, what the bot posted there,
    and the requests a person's message or button press makes. `prepare` sets a level up the
    same way on every platform."""

    # the fake's filter for what the bot posted in a channel: "channel", or "conversation"
    # (a Teams channel's threads are conversations of their own)
    posted_in: str

    @abstractmethod
    def send(self, body: bytes) -> tuple[str, bytes, dict[str, str]]:
        """The request that carries `body` (signed when the platform signs)."""

    @abstractmethod
    def channel_id(self, tag: str, k: int) -> str:
        """The `k`-th channel of a level (`tag` keeps the levels apart)."""

    @abstractmethod
    def user_id(self, tag: str, k: int, j: int) -> str:
        """The `j`-th person of the `k`-th channel."""

    @abstractmethod
    def posted_at(self, message: dict[str, Any]) -> float:
        """When a posted message was first posted, in the platform's own order."""

    async def posted(
        self, session: aiohttp.ClientSession, fake: str, channel: str
    ) -> list[dict[str, Any]]:
        """What the bot posted in `channel` (the newest version of each message), newest
        first, as the fake platform at `fake` saw it."""
        url = f"{fake}bench/messages?{self.posted_in}={channel}"
        found: list[dict[str, Any]] = await get_json(session, url)
        return sorted(found, key=self.posted_at, reverse=True)

    @abstractmethod
    def actions(self, message: dict[str, Any]) -> list[str]:
        """The actions of the buttons on a posted message."""

    @abstractmethod
    def command(self, user: str, text: str, channel: str, fake: str) -> bytes:
        """`user` tells the bot `text` in `channel`."""

    @abstractmethod
    def press(
        self, user: str, action: str, posted: list[dict[str, Any]], channel: str, fake: str
    ) -> bytes:
        """`user` presses the button `action` on the newest of the `posted` messages that
        has it."""

    def joined(self, user: str, channel: str, fake: str) -> list[bytes]:
        """What the platform sends when `user` adds the bot to `channel`: nothing, where the
        bot does not hear of it."""
        return []

    def member(self, user: str) -> str:
        """The id the bot stores the person by (the answers' rows are counted by it)."""
        return user

    def fast_measuring(self, args: argparse.Namespace) -> bool:
        """Whether the measured runs skip the pacer's waits (setting up always does)."""
        return False

    async def prepare(
        self,
        session: aiohttp.ClientSession,
        server: Child,
        fake: str,
        level: Level,
        tag: str,
        args: argparse.Namespace,
    ) -> Plan:
        """Channels with a round started and paced "all elements" (posted with the pacer's
        sleeps skipped); then the clicks, each on its button as the bot posted it: every
        person answers the warm-up question, and the measured clicks are distinct (person,
        question) pairs in random order."""
        questions = measured_questions()
        n, people = layout(level, args.per_channel, len(questions))
        channels = [self.channel_id(tag, k) for k in range(n)]
        users = {
            c: [self.user_id(tag, k, j) for j in range(people)] for k, c in enumerate(channels)
        }
        await settle(session, server)  # what the last level left behind
        control = server.info["control"]
        await post_json(session, control + "/pacing", {"fast": True})
        aids = []
        for c in channels:
            first = users[c][0]
            aids.append(await self.open_round(session, server, fake, c, first, tag, questions[-1]))
        await post_json(session, control + "/pacing", {"fast": self.fast_measuring(args)})
        warmups: list[Click] = []
        clicks: list[Click] = []
        for c, aid in zip(channels, aids, strict=True):
            posted = await self.posted(session, fake, c)
            for j, user in enumerate(users[c]):
                warmups.append(self.answer_click(user, aid, WARMUP_QUESTION, "ja", posted, c, fake))
                for i, q in enumerate(questions):
                    value = VALUES[(i + j) % len(VALUES)]
                    clicks.append(self.answer_click(user, aid, q, value, posted, c, fake))
        random.Random(7).shuffle(clicks)
        return Plan(channels, people, aids, warmups, clicks[: level.requests])

    def answer_click(
        self,
        user: str,
        aid: int,
        qid: str,
        value: str,
        posted: list[dict[str, Any]],
        channel: str,
        fake: str,
    ) -> Click:
        """`user` answers `qid` with `value` on its button as the bot `posted` it."""
        body = self.press(user, answer(aid, qid, value), posted, channel, fake)
        return Click(aid, self.member(user), qid, body)

    async def open_round(
        self,
        session: aiohttp.ClientSession,
        server: Child,
        fake: str,
        channel: str,
        first: str,
        tag: str,
        last: str,
    ) -> int:
        """`first` adds the bot to `channel`, starts a round there and presses "all elements";
        the round's id, once the buttons of the `last` question are posted."""
        url = server.info["url"]
        for body in self.joined(first, channel, fake):
            await post(session, url, body, self.send)

        async def buttons() -> list[str]:
            return [a for m in await self.posted(session, fake, channel) for a in self.actions(m)]

        async def pace_all() -> str | None:
            found = (a for a in await buttons() if a.startswith("lp:pace:") and a.endswith(":all"))
            return next(found, None)

        async def start() -> int:
            body = self.command(first, f"start Bench {tag}", channel, fake)
            return await post(session, url, body, self.send)

        pace = await until_found(session, server, pace_all, start, f"start in {channel}")
        aid = int(pace.split(":")[2])
        last_answer = answer(aid, last, "ja")

        async def all_posted() -> bool | None:
            return True if last_answer in await buttons() else None

        async def press_pace() -> int:
            posted = await self.posted(session, fake, channel)
            body = self.press(first, pace, posted, channel, fake)
            return await post(session, url, body, self.send)

        await until_found(session, server, all_posted, press_pace, f"pacing in {channel}")
        return aid


def visible(
    plan: Plan, result: LoadResult, shown: list[list[Any]], ended: float
) -> tuple[list[float], int, float]:
    """When the platform first showed each acknowledged click: (latencies, clicks never shown,
    the last one shown after `ended`). A question's card shows how many have answered it
    (bench/fakes.py notes each message that does, with the time it came); every measured click
    is a new person on its question, so the k-th click on a question (in the order they were
    sent) is shown by the first message of that card, received after the click was sent, that
    counts k (or more). The tally says how many, not who: if turns applied two clicks on one
    question out of order, the earlier click's time is the later one's. All times are
    time.monotonic(), the machine's clock, in both processes."""
    where = dict(zip(plan.aids, plan.channels, strict=True))
    base = Counter((c.aid, c.qid) for c in plan.warmups)  # answers there before the load
    order: dict[tuple[int, str], list[float]] = {}
    for i in sorted(result.answered, key=lambda i: result.sent[i]):
        click = plan.clicks[i]
        order.setdefault((click.aid, click.qid), []).append(result.sent[i])
    rows: dict[tuple[str, str], list[tuple[float, int]]] = {}
    for at, conversation, qid, n in shown:
        rows.setdefault((str(conversation), str(qid)), []).append((float(at), int(n)))
    latencies: list[float] = []
    unseen, last = 0, float("-inf")
    for (aid, qid), sent in order.items():
        # (Teams: a channel's threads are conversations whose ids begin with the channel's)
        seen = sorted(
            r
            for (c, q), found in rows.items()
            if q == qid and c.startswith(where[aid])
            for r in found
        )
        for k, at_sent in enumerate(sent, start=base[(aid, qid)] + 1):
            at = next((t for t, n in seen if n >= k and t >= at_sent), None)
            if at is None:
                unseen += 1
                continue
            latencies.append(at - at_sent)
            last = max(last, at)
    # (0: the last was shown before the load ended, as when clients pause between clicks)
    return latencies, unseen, (max(0.0, last - ended) if latencies else float("nan"))


async def measure(
    session: aiohttp.ClientSession,
    server: Child,
    fake: str,
    plan: Plan,
    level: Level,
    send: Send,
    label: str,
    *,
    seconds: float,
    wait: float,
    think: float = 0.0,
) -> tuple[LoadResult, Applied]:
    url, control = server.info["url"], server.info["control"]
    began = time.perf_counter()
    warm = await closed_loop(
        url,
        lambda i: send(plan.warmups[i].body),
        len(plan.warmups),
        min(level.clients, 10),
        "warm-up",
    )
    await get_json(session, f"{control}/idle?timeout={wait}")
    result = await closed_loop(
        url,
        lambda i: send(plan.clicks[i].body),
        len(plan.clicks),
        level.clients,
        label,
        seconds=seconds,
        think=think,
    )
    ended, ended_at = time.perf_counter(), time.monotonic()
    acked = [plan.warmups[i] for i in warm.answered] + [plan.clicks[i] for i in result.answered]
    pairs = [[c.aid, c.member, c.qid] for c in acked]
    got = await post_json(
        session, control + "/applied", {"aids": plan.aids, "pairs": pairs, "timeout": wait}
    )
    applied_s = time.perf_counter() - ended if got["found"] == len(acked) else float("inf")
    drained_s = float("inf")
    if applied_s < float("inf"):  # else the sends cannot be done either: do not wait again
        drained = await get_json(session, f"{control}/idle?timeout={wait}")
        drained_s = time.perf_counter() - ended if drained["done"] else float("inf")
    stats = await get_json(session, control + "/stats")
    shown = await get_json(session, fake + "bench/shown")
    latencies, unseen, shown_s = visible(plan, result, shown, ended_at)
    took = time.perf_counter() - began
    print(f"  {label}: {level.clients} clients done in {took:.0f} s", file=sys.stderr)
    return result, Applied(
        label,
        level,
        plan,
        result.ok,
        len(acked),
        got["found"],
        applied_s,
        drained_s,
        stats["delivery_failures"],
        stats["rss_mb"],
        latencies,
        unseen,
        shown_s,
    )


async def measure_floor(
    server: Child,
    bodies: list[bytes],
    levels: list[Level],
    send: Send,
    label: str,
    seconds: float,
    think: float = 0.0,
) -> list[LoadResult]:
    url = server.info["url"]
    await closed_loop(url, lambda i: send(bodies[i % len(bodies)]), 50, 5, "warm-up")
    results = []
    for level in levels:
        results.append(
            await closed_loop(
                url,
                lambda i: send(bodies[i % len(bodies)]),
                level.requests,
                level.clients,
                label,
                seconds=seconds,
                think=think,
            )
        )
        print(f"  {label}: {level.clients} clients done", file=sys.stderr)
    return results


def report(
    title: str,
    loads: Sequence[LoadResult],
    floors: Sequence[LoadResult],
    applied: Sequence[Applied],
    counts: dict[str, int],
    notes: Sequence[str],
) -> None:
    print(f"### {title}\n")
    print("Acknowledgement latency at the client (closed loop; ms):\n")
    print(table(LOAD_HEADERS, [r.row() for r in (*loads, *floors)]))
    if any(r.stopped_early for r in (*loads, *floors)):
        print("\n(fewer requests than planned: a level stops starting requests after --seconds)")
    print("\nOurs ÷ floor (p50 and p99: lower is better; req/s: higher is better):\n")
    rows = []
    for r in loads:
        floor = next((f for f in floors if f.concurrency == r.concurrency), None)
        if floor is not None:
            rows.append(
                [
                    r.label,
                    r.concurrency,
                    ratio(r.p50, floor.p50),
                    ratio(r.p99, floor.p99),
                    ratio(r.throughput, floor.throughput),
                ]
            )
    print(table(("server", "clients", "p50", "p99", "req/s"), rows))
    print(
        "\nAnswers in the database: 'rows' = acknowledged answers found / acknowledged "
        "(warm-ups included); 'applied' = from the end of the load until all of them were "
        "there (polled every 20 ms); 'sends done' = until every message update had gone out "
        "(both waited for at most --wait seconds):\n"
    )
    rows = [
        [
            a.label,
            a.level.clients,
            f"{len(a.plan.channels)} × {a.plan.people}",
            a.acked,
            f"{a.found}/{a.expected}",
            ms(a.applied_s),
            ms(a.drained_s),
            a.failures,
            f"{a.rss_mb:.0f}",
        ]
        for a in applied
    ]
    print(
        table(
            (
                "server",
                "clients",
                "channels × people",
                "clicks acked",
                "rows",
                "applied ms",
                "sends done ms",
                "delivery failures",
                "server RSS MB",
            ),
            rows,
        )
    )
    print(
        "\nVisible latency: from sending a click to the fake platform API receiving the first "
        "message update that shows it (the question's card counting its answer; see "
        "bench/clicklib.visible). 'all shown' = from the end of the load until the last click "
        "was shown; 'not shown' = acknowledged clicks never shown within --wait:\n"
    )
    rows = [
        [
            a.label,
            a.level.clients,
            len(a.visible),
            ms(percentile(a.visible, 0.50)),
            ms(percentile(a.visible, 0.99)),
            ms(max(a.visible) if a.visible else float("nan")),
            ms(a.shown_s),
            a.unseen,
        ]
        for a in applied
    ]
    headers = (
        "server",
        "clients",
        "shown",
        "p50 ms",
        "p99 ms",
        "max ms",
        "all shown ms",
        "not shown",
    )
    print(table(headers, rows))
    calls = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    print(f"\nCalls to the fake platform API (setup included): {calls}")
    for note in notes:
        print(note)


# ---- the whole benchmark: fake platform, our server per database, the floor, the report ----
@dataclass
class ClickBenchmark:
    """What differs between the platforms; `run` does the rest."""

    script: Path  # the benchmark script: `--serve ours|floor --fake URL [--db URL]`
    fake_kind: str  # bench/fakes.py's argument
    platform: ClickPlatform
    title: str
    floor_label: str
    notes: list[str]


async def run(bench: ClickBenchmark, args: argparse.Namespace, folder: Path) -> None:
    levels = [Level(c, r) for c, r in zip(args.clients, args.requests, strict=True)]
    fake = Child.start(HERE / "fakes.py", bench.fake_kind, log=folder / "fake.log")
    fake_url = str(fake.info["url"])
    databases = [sqlite_url(folder, "bench.db")]
    pg = postgres_url(args.postgres)
    pg_db = PgDatabase(pg) if pg else None
    loads: list[LoadResult] = []
    applied: list[Applied] = []
    floors: list[LoadResult] = []
    try:
        if pg_db is not None:
            databases.append(await pg_db.create())
        async with aiohttp.ClientSession() as session:
            plan: Plan | None = None
            for db in databases:
                name = describe(db)
                began = time.perf_counter()
                server = Child.start(
                    bench.script,
                    "--serve",
                    "ours",
                    "--db",
                    db,
                    "--fake",
                    fake_url,
                    log=folder / f"server-{name}.log",
                )
                took = time.perf_counter() - began
                print(f"  {name}: our server started in {took:.0f} s", file=sys.stderr)
                try:
                    for n, level in enumerate(levels):
                        tag = f"{name[0]}{n}"
                        began = time.perf_counter()
                        plan = await bench.platform.prepare(
                            session, server, fake_url, level, tag, args
                        )
                        took = time.perf_counter() - began
                        print(
                            f"  {name}: {level.clients} clients set up in {took:.0f} s",
                            file=sys.stderr,
                        )
                        result, done = await measure(
                            session,
                            server,
                            fake_url,
                            plan,
                            level,
                            bench.platform.send,
                            f"ours, {name}",
                            seconds=args.seconds,
                            wait=args.wait,
                            think=args.think,
                        )
                        loads.append(result)
                        applied.append(done)
                finally:
                    server.stop()
            assert plan is not None
            floor = Child.start(
                bench.script,
                "--serve",
                "floor",
                "--fake",
                fake_url,
                log=folder / "server-floor.log",
            )
            try:
                bodies = [c.body for c in plan.warmups + plan.clicks]
                floors = await measure_floor(
                    floor,
                    bodies,
                    levels,
                    bench.platform.send,
                    bench.floor_label,
                    args.seconds,
                    args.think,
                )
            finally:
                floor.stop()
            counts = await get_json(session, fake_url + "bench/counts")
    finally:
        fake.stop()
        if pg_db is not None:
            await pg_db.drop()
    notes = list(bench.notes)
    title = bench.title
    if args.think > 0:
        title += f", clients pausing {args.think:g} s on average between clicks"
        notes.append(
            f"Each client paused a random time between clicks (exponential, mean {args.think:g} s"
            "): people reading the next question, not a flood. Latencies are still from sending "
            "to the answer."
        )
    if pg is None:
        notes.append("PostgreSQL: not measured (set TEST_POSTGRES_URL or pass --postgres).")
    report(title, loads, floors, applied, counts, notes)


def arguments(description: str | None) -> argparse.ArgumentParser:
    def numbers(text: str) -> list[int]:
        return [int(x) for x in text.split(",")]

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--clients", type=numbers, default=[1, 10, 50], help="concurrency levels (default 1,10,50)"
    )
    parser.add_argument(
        "--requests",
        type=numbers,
        default=[200, 800, 1500],
        help="measured clicks per level (default 200,800,1500)",
    )
    parser.add_argument(
        "--per-channel",
        type=int,
        default=10,
        help="concurrent clients per channel (default 10: a team)",
    )
    parser.add_argument("--postgres", help="PostgreSQL server URL (else TEST_POSTGRES_URL)")
    parser.add_argument(
        "--seconds",
        type=float,
        default=10.0,
        help="per level: no new request after this (default 10)",
    )
    parser.add_argument(
        "--wait",
        type=float,
        default=20.0,
        help="how long to wait for all answers to be applied (default 20)",
    )
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="mean pause of each client between clicks, in seconds (default 0: a closed loop)",
    )
    parser.add_argument("--quick", action="store_true", help="a smoke run: 1 and 5 clients")
    parser.add_argument("--keep", action="store_true", help="keep the database and logs")
    parser.add_argument("--serve", choices=("ours", "floor"), help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--fake", help=argparse.SUPPRESS)
    return parser


def main(bench: ClickBenchmark, args: argparse.Namespace) -> int:
    """Run the benchmark as `args` say (not the server roles: the script handles those)."""
    if args.quick:
        args.clients, args.requests = [1, 5], [20, 40]
    if len(args.clients) != len(args.requests):
        raise SystemExit("--clients and --requests need as many values each")
    print("Machine: " + "; ".join(machine()), file=sys.stderr)
    if args.keep:
        folder = Path(tempfile.mkdtemp(prefix="lovende-bench-"))
        print(f"database and logs kept in {folder}", file=sys.stderr)
        asyncio.run(run(bench, args, folder))
        return 0
    with tempfile.TemporaryDirectory(prefix="lovende-bench-") as tmp:
        asyncio.run(run(bench, args, Path(tmp)))
    return 0
