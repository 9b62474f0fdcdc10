"""Settings: defaults, and one clear line naming the variable for bad values."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import ConfigError, load_settings


def test_defaults_use_the_embedded_sqlite(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    settings = load_settings()
    assert settings.database_url.startswith("sqlite+aiosqlite://")
    assert settings.language == "da" and settings.timezone == "Europe/Copenhagen"


@pytest.mark.parametrize(
    ("env", "value", "needle"),
    [
        ("DATABASE_URL", "mysql://x", "DATABASE_URL"),
        ("LOVENDE_TIMEZONE", "Mars/Olympus", "LOVENDE_TIMEZONE"),
        ("LOVENDE_LANGUAGE", "de", "LOVENDE_LANGUAGE"),
        ("LOVENDE_SCORING_TABLE", "/nope/table.csv", "LOVENDE_SCORING_TABLE"),
    ],
)
def test_bad_values_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, env: str, value: str, needle: str
) -> None:
    monkeypatch.setenv(env, value)
    with pytest.raises(ConfigError) as err:
        load_settings()
    assert str(err.value).startswith(needle) and "\n" not in str(err.value)


def test_the_cli_stops_with_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "demo"],
        capture_output=True,
        text=True,
        env={"LOVENDE_TIMEZONE": "Nowhere/Land", "PATH": "/usr/bin:/bin"},
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "LOVENDE_TIMEZONE" in result.stderr
