"""The benchmarks keep working: each one's smallest configuration runs to the end, as a
subprocess, the way `bench/run.py` runs them. Benchmarks print their figures; nothing here
looks at a time. PostgreSQL is included only when TEST_POSTGRES_URL is set."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# name -> (command line, a line its output must contain)
SMOKE = {
    "turn": (["bench/turn_cost.py", "--quick"], "statements per click"),
    "slack": (["bench/slack_clicks.py", "--clients", "2", "--requests", "6"], "bare bolt"),
    "slack-people": (
        ["bench/slack_clicks.py", "--clients", "2", "--requests", "4", "--think", "0.01"],
        "pausing 0.01 s on average",
    ),
    "teams": (["bench/teams_submits.py", "--clients", "2", "--requests", "6"], "CloudAdapter"),
    "scale": (
        ["bench/scale.py", "--channels", "5", "--idle", "0", "--starts", "1", "--no-empty"],
        "5 channels, first start",
    ),
    "reminders": (
        [
            "bench/reminder_bench.py",
            "--pending",
            "200",
            "--channels",
            "4",
            "--members",
            "5",
            "--burst",
            "20",
            "--timed",
            "5",
            "--spread",
            "0.5",
        ],
        "claim-and-send",
    ),
    "board": (["bench/board_bench.py", "--quick"], "open pages: a click's event"),
    # through the runner, which also writes the Markdown
    "runner+charts": (["bench/run.py", "--quick", "--only", "charts"], "Radar chart"),
}


@pytest.mark.parametrize("name", SMOKE)
def test_benchmark_runs(name: str, tmp_path: Path) -> None:
    command, expected = SMOKE[name]
    if command[0] == "bench/run.py":
        command = [*command, "--markdown", str(tmp_path / "figures.md")]
    env = {**os.environ, "LOVENDE_OUTPUT_DIR": str(tmp_path / "out")}
    result = subprocess.run(
        [sys.executable, *command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    assert expected in result.stdout, result.stdout[-2000:]
    if command[0] == "bench/run.py":
        written = (tmp_path / "figures.md").read_text(encoding="utf-8")
        assert "## Machine" in written and expected in written
