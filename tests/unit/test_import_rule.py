"""The dependency rule: platform SDKs and aiohttp only inside adapter folders."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("slack_bolt", "slack_sdk", "botbuilder", "aiohttp")
ADAPTER_DIRS = {"slack", "teams", "http"}  # bot/<these>/ may import them


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def core_files() -> list[Path]:
    files = [p for d in ("dialogs", "scoring", "storage") for p in (ROOT / d).rglob("*.py")]
    for p in (ROOT / "bot").rglob("*.py"):
        relative = p.relative_to(ROOT / "bot").parts
        if len(relative) == 1 or relative[0] not in ADAPTER_DIRS:
            files.append(p)
    return files


def test_core_never_imports_platform_sdks() -> None:
    offenders = [
        f"{p.relative_to(ROOT)}: {m}"
        for p in core_files()
        for m in imported_modules(p)
        if m.split(".")[0] in FORBIDDEN
    ]
    assert offenders == []


def test_the_check_sees_the_core() -> None:
    assert len(core_files()) > 20
    assert "aiohttp" in {m.split(".")[0] for m in imported_modules(ROOT / "bot/http/app.py")}
