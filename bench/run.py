"""Run every benchmark, print what each prints, and (with --markdown) write it all down.

    .venv/bin/python bench/run.py                       # everything (a few minutes each)
    .venv/bin/python bench/run.py --quick               # a smoke run of each
    .venv/bin/python bench/run.py --only slack,scale    # some of them
    .venv/bin/python bench/run.py --markdown figures.md # also write the figures as Markdown

PostgreSQL is measured too when TEST_POSTGRES_URL (or --postgres URL) names a server
(`scripts/bench.sh` starts a throwaway one, as `scripts/test.sh` does); --no-postgres skips it.
Each benchmark runs in its own process; a failing one is reported and the others still run.
Benchmarks print figures and assert nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from benchlib import PgDatabase, machine  # noqa: E402


@dataclass(frozen=True)
class Benchmark:
    name: str
    title: str
    script: str
    quick: tuple[str, ...]  # the arguments of a smoke run
    markdown: bool  # prints Markdown itself (else its output goes in a code block)
    postgres: str  # "itself": reads TEST_POSTGRES_URL; "fresh": run again with --db <new db>
    args: tuple[str, ...] = ()  # the arguments of a full run


BENCHMARKS = (
    Benchmark("turn", "Turn cost: one answer click", "turn_cost.py", ("--quick",), True, ""),
    Benchmark("slack", "Slack answer clicks", "slack_clicks.py", ("--quick",), True, "itself"),
    Benchmark(
        "slack-people",
        "Slack answer clicks, people pausing between clicks",
        "slack_clicks.py",
        ("--quick", "--think", "0.05"),
        True,
        "itself",
        ("--think", "3", "--clients", "10,50", "--requests", "150,600", "--seconds", "30"),
    ),
    Benchmark("teams", "Teams answer submits", "teams_submits.py", ("--quick",), True, "itself"),
    Benchmark(
        "teams-people",
        "Teams answer submits, people pausing between clicks",
        "teams_submits.py",
        ("--quick", "--think", "0.05"),
        True,
        "itself",
        ("--think", "3", "--clients", "1,10,50", "--requests", "20,150,600", "--seconds", "30"),
    ),
    Benchmark("scale", "Scale: start-up and memory", "scale.py", ("--quick",), True, "itself"),
    Benchmark(
        "reminders",
        "Reminders: start, claim-and-send, lateness, memory",
        "reminder_bench.py",
        (
            "--pending",
            "2000",
            "--channels",
            "20",
            "--members",
            "5",
            "--burst",
            "200",
            "--timed",
            "50",
            "--spread",
            "2",
        ),
        False,
        "fresh",
    ),
    Benchmark(
        "charts",
        "Charts: rendering and the event loop",
        "chart_bench.py",
        ("--runs", "3", "--summaries", "1"),
        False,
        "",
    ),
    Benchmark(
        "board", "Tavlen: the overview and live pages", "board_bench.py", ("--quick",), True, ""
    ),
)


@dataclass
class Outcome:
    benchmark: Benchmark
    label: str
    command: list[str]
    output: str
    seconds: float
    status: int


def run_one(benchmark: Benchmark, label: str, extra: list[str], env: dict[str, str]) -> Outcome:
    command = [sys.executable, str(HERE / benchmark.script), *extra]
    shown = " ".join(["bench/" + benchmark.script, *extra])
    print(f"\n## {label}\n\n`{shown}`\n", flush=True)
    started = time.perf_counter()
    lines: list[str] = []
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            print(line, end="", flush=True)
            lines.append(line)
    took = time.perf_counter() - started
    if proc.returncode:
        print(f"\n**{label} failed (exit status {proc.returncode})**", flush=True)
    return Outcome(benchmark, label, [shown], "".join(lines), took, proc.returncode)


def run_all(args: argparse.Namespace) -> list[Outcome]:
    chosen = [b for b in BENCHMARKS if not args.only or b.name in args.only]
    env = dict(os.environ)
    if args.postgres:
        env["TEST_POSTGRES_URL"] = args.postgres
    if args.no_postgres:
        env.pop("TEST_POSTGRES_URL", None)
    pg = env.get("TEST_POSTGRES_URL")
    outcomes = []
    for b in chosen:
        extra = list(b.quick) if args.quick else list(b.args)
        outcomes.append(run_one(b, b.title, extra, env))
        if b.postgres == "fresh" and pg:
            db = PgDatabase(pg)
            url = asyncio.run(db.create())
            try:
                label = f"{b.title} (PostgreSQL)"
                outcomes.append(run_one(b, label, [*extra, "--db", url], env))
            finally:
                asyncio.run(db.drop())
    return outcomes


def markdown(
    outcomes: list[Outcome], args: argparse.Namespace, started: datetime, where: list[str]
) -> str:
    parts = [
        "# Benchmark figures",
        "",
        f"Run {started:%Y-%m-%d %H:%M} UTC with `bench/run.py{' --quick' if args.quick else ''}`"
        f"{' (a smoke run: not representative)' if args.quick else ''}.",
        "",
        "## Machine",
        "",
        *(f"- {line}" for line in where),
        "",
    ]
    for o in outcomes:
        parts += [f"## {o.label}", "", f"`{o.command[0]}` — {o.seconds:.0f} s", ""]
        if o.status:
            parts += [f"**Failed (exit status {o.status}).**", ""]
        if o.benchmark.markdown:
            parts += [o.output.rstrip(), ""]
        else:
            parts += ["```", o.output.rstrip(), "```", ""]
    return "\n".join(parts) + "\n"


def machine_lines() -> list[str]:
    lines = machine()
    try:
        free = subprocess.run(["free", "-m"], capture_output=True, text=True, check=True)
        lines.append(
            "free -m: " + " / ".join(" ".join(r.split()) for r in free.stdout.splitlines())
        )
    except (OSError, subprocess.CalledProcessError):
        pass
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="a smoke run of each benchmark")
    parser.add_argument(
        "--only",
        type=lambda s: set(s.split(",")),
        help="comma-separated: " + ",".join(b.name for b in BENCHMARKS),
    )
    parser.add_argument("--markdown", type=Path, help="also write the figures to this file")
    parser.add_argument("--postgres", help="PostgreSQL server URL (else TEST_POSTGRES_URL)")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    args = parser.parse_args()
    unknown = (args.only or set()) - {b.name for b in BENCHMARKS}
    if unknown:
        parser.error(f"unknown benchmark: {', '.join(sorted(unknown))}")
    started = datetime.now(UTC)
    where = machine_lines()
    print("# Benchmarks\n")
    for line in where:
        print(f"- {line}")
    outcomes = run_all(args)
    failed = [o.label for o in outcomes if o.status]
    total = sum(o.seconds for o in outcomes)
    print(
        f"\n{len(outcomes)} runs in {total:.0f} s"
        + (f"; failed: {', '.join(failed)}" if failed else "")
    )
    if args.markdown:
        args.markdown.write_text(markdown(outcomes, args, started, where), encoding="utf-8")
        print(f"figures written to {args.markdown}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
