"""Without the seed files (they are not in the repository) the source-material checks skip —
and the test run says why and how to point them at the files (LOVENDE_SEEDS_DIR)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_run_without_the_seeds_says_why_its_checks_skip(tmp_path: Path) -> None:
    empty = tmp_path / "seeds"
    empty.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "tests/meetings/test_meeting_content.py"],
        cwd=ROOT,
        env={**os.environ, "LOVENDE_SEEDS_DIR": str(empty)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-2000:]
    assert "source-material checks were skipped" in result.stdout
    assert f"are not in {empty}" in result.stdout
    assert "LOVENDE_SEEDS_DIR=/path/to/seeds ./scripts/test.sh" in result.stdout
