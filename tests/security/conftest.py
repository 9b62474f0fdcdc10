"""Generated files (exports, charts, reports) go to a temporary folder in these tests."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# `security_helpers` is imported by name under either import mode (prepend or importlib).
HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)


@pytest.fixture(autouse=True)
def output_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    out = tmp_path / "out"
    monkeypatch.setenv("LOVENDE_OUTPUT_DIR", str(out))
    return out
