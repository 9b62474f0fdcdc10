"""Charts, reports and exports go to a temporary output folder in these tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def output_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    out = tmp_path / "out"
    monkeypatch.setenv("LOVENDE_OUTPUT_DIR", str(out))
    return out
