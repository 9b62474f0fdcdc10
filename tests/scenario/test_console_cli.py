"""`lovende console` from a pipe, across a restart, and `lovende demo` — as a user runs them."""

from __future__ import annotations

import subprocess
from pathlib import Path

from console_helpers import lovende

from bot.demo import TEAM_ANSWERS


def run(args: list[str], stdin: str, db: Path) -> subprocess.CompletedProcess[str]:
    return lovende(args, stdin, db, LOVENDE_LOG_LEVEL="WARNING")


def answers(person: str) -> list[str]:
    lines = [f"/som {person}"]
    for element, values in TEAM_ANSWERS.items():
        for i, value in enumerate(values, 1):
            why = ": ikke aktuelt for os" if value == "ikke relevant" else ""
            lines.append(f"svar {element}.{i} {value}{why}")
    return [*lines, "svar 2.3 universitet"]


def test_a_piped_console_completes_an_assessment_across_a_restart(tmp_path: Path) -> None:
    db = tmp_path / "console.db"
    first = ["/som Anna", "start Recovery", "3", *answers("Anna"), "/som Bo", "svar 1.1 nej"]
    result = run(["console"], "\n".join(first) + "\n", db)
    assert result.returncode == 0, result.stderr
    assert "== Element 11: Opfølgning ==" in result.stdout

    second = ["/som Bo", "status", *answers("Bo")[1:], "/som Anna", "luk", "luk"]
    result = run(["console"], "\n".join(second) + "\n", db)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Deltagere               2" in out  # Anna's answers from the first process are there
    assert "59/59" in out
    for line in (
        "1. Teori og viden               0,50",
        "2. Virkning                     0,88",
        "5. Overførbarhed                1,00",
        "6. Økonomi                      0,17",
    ):
        assert line in out


def test_console_rejects_unknown_buttons_and_keeps_going(tmp_path: Path) -> None:
    result = run(["console"], "99\nhjælp\n/afslut\n", tmp_path / "c.db")
    assert result.returncode == 0
    assert "Der er ingen knap med nummer 99." in result.stdout
    assert "start «praksis»" in result.stdout
