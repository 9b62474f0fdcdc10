"""Helper modules of another test folder, loaded by path (test folders are not packages, and
two folders may hold modules of the same name). Tests anywhere under tests/ import this (tests/
is on the path through its conftest)."""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path
from types import ModuleType

TESTS = Path(__file__).resolve().parent


@cache
def load(folder: str, name: str) -> ModuleType:
    """tests/<folder>/<name>.py, loaded once."""
    spec = importlib.util.spec_from_file_location(f"{folder}_{name}", TESTS / folder / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
