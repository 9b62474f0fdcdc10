"""`lovende teams-package` builds an uploadable Teams app package from deploy/teams."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from bot.cli import main
from bot.teams.package import SOURCE, png_size

APP_ID = "4b1c5e2a-0000-4000-8000-00000000b07a"


def test_the_package_is_built_with_the_ids_filled_in(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TEAMS_APP_ID", raising=False)
    out = tmp_path / "pakke" / "lovende.zip"
    code = main(
        [
            "teams-package",
            "--out",
            str(out),
            "--app-id",
            APP_ID,
            "--public-url",
            "https://bot.example.dk/",
        ]
    )
    assert code == 0
    assert capsys.readouterr().out.strip() == str(out.resolve())
    with zipfile.ZipFile(out) as package:
        names = sorted(package.namelist())
        assert names == ["color.png", "en-us.json", "manifest.json", "outline.png"]
        manifest = json.loads(package.read("manifest.json"))
        assert png_size(package.read("color.png")) == (192, 192)
        assert png_size(package.read("outline.png")) == (32, 32)
        localized = json.loads(package.read("en-us.json"))
    assert "${{" not in json.dumps(manifest)
    assert manifest["manifestVersion"] == "1.17"
    bot = manifest["bots"][0]
    assert bot["botId"] == APP_ID and sorted(bot["scopes"]) == ["groupChat", "personal", "team"]
    assert manifest["validDomains"] == ["bot.example.dk"]
    assert manifest["developer"]["privacyUrl"] == "https://bot.example.dk/privacy"
    commands = bot["commandLists"][0]["commands"]
    assert len(commands) <= 10 and all(len(c["title"]) <= 32 for c in commands)
    assert all(len(c["description"]) <= 128 for c in commands)
    assert len(manifest["name"]["short"]) <= 30 and len(manifest["description"]["short"]) <= 80
    assert len(manifest["description"]["full"]) <= 4000
    for i in range(len(commands)):
        assert localized[f"bots[0].commandLists[0].commands[{i}].title"]  # an English twin
    # the same bot id always gives the same Teams app id (an upload updates the app)
    again = tmp_path / "again.zip"
    main(["teams-package", "--out", str(again), "--app-id", APP_ID, "--public-url", "https://x.dk"])
    with zipfile.ZipFile(again) as package:
        assert json.loads(package.read("manifest.json"))["id"] == manifest["id"]


def test_the_commands_in_the_manifest_are_commands_the_bot_knows() -> None:
    from dialogs.assessment import AssessmentDialog

    ALIASES = AssessmentDialog.words

    manifest = json.loads((SOURCE / "manifest.json").read_text(encoding="utf-8"))
    for command in manifest["bots"][0]["commandLists"][0]["commands"]:
        assert command["title"] in ALIASES
    english = json.loads((SOURCE / "en-us.json").read_text(encoding="utf-8"))
    for key, value in english.items():
        if key.endswith(".title"):
            assert value in ALIASES


@pytest.mark.parametrize(
    ("args", "variable"),
    [
        (["--public-url", "https://bot.example.dk"], "MICROSOFT_APP_ID"),
        (["--app-id", "not-a-guid", "--public-url", "https://bot.example.dk"], "MICROSOFT_APP_ID"),
        (["--app-id", APP_ID, "--public-url", "http://bot.example.dk"], "TEAMS_PUBLIC_URL"),
    ],
)
def test_missing_or_bad_values_are_named(
    args: list[str],
    variable: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("MICROSOFT_APP_ID", "MicrosoftAppId", "TEAMS_PUBLIC_URL"):
        monkeypatch.delenv(name, raising=False)
    assert main(["teams-package", "--out", str(tmp_path / "x.zip"), *args]) == 2
    error = capsys.readouterr().err
    assert error.startswith(f"Fejl: {variable}: ") and error.count("\n") == 1
    assert not (tmp_path / "x.zip").exists()
