"""The lock files: every dependency pyproject.toml names is pinned there, at a version that
satisfies it, with hashes; the image's lock is the dev lock's runtime part at the same
versions; and setup.sh (so CI) and the Dockerfile install from them with --require-hashes,
pip and setuptools first."""

from __future__ import annotations

import re
import subprocess
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
RUNTIME_LOCK = ROOT / "requirements.lock"
DEV_LOCK = ROOT / "requirements-dev.lock"
BOOTSTRAP = {"pip", "setuptools"}


@dataclass(frozen=True)
class Pin:
    version: Version
    marker: Marker | None
    hashes: tuple[str, ...]


def entries(text: str) -> list[str]:
    """The lock's requirement lines, continuations joined, comments dropped."""
    lines = [line.split(" #")[0] for line in text.splitlines() if not line.lstrip().startswith("#")]
    return [e.strip() for e in "\n".join(lines).replace("\\\n", " ").splitlines() if e.strip()]


def pins(path: Path) -> dict[str, Pin]:
    found: dict[str, Pin] = {}
    for entry in entries(path.read_text("utf-8")):
        spec, *options = entry.split(" --hash=")
        requirement = Requirement(spec)
        (specifier,) = requirement.specifier  # exactly one, ==
        assert specifier.operator == "==", entry
        name = canonicalize_name(requirement.name)
        assert name not in found, f"{name} twice in {path.name}"
        hashes = tuple(o.strip() for o in options)
        found[name] = Pin(Version(specifier.version), requirement.marker, hashes)
    return found


def project() -> dict[str, list[Requirement]]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    return {
        "runtime": [Requirement(r) for r in data["dependencies"]],
        "dev": [Requirement(r) for r in data["optional-dependencies"]["dev"]],
    }


@pytest.mark.parametrize(
    ("lock", "groups"), [(RUNTIME_LOCK, ("runtime",)), (DEV_LOCK, ("runtime", "dev"))]
)
def test_every_dependency_is_pinned_with_hashes(lock: Path, groups: tuple[str, ...]) -> None:
    locked = pins(lock)
    for group in groups:
        for requirement in project()[group]:
            pin = locked.get(canonicalize_name(requirement.name))
            assert pin is not None, f"{requirement.name} is not in {lock.name}: scripts/lock.sh"
            assert requirement.specifier.contains(pin.version, prereleases=True), (
                f"{requirement} but {lock.name} pins {pin.version}: scripts/lock.sh"
            )
    for name, pin in locked.items():
        assert pin.hashes and all(h.startswith("sha256:") for h in pin.hashes), name
    assert BOOTSTRAP <= locked.keys()


def test_the_image_gets_the_versions_ci_tested() -> None:
    runtime, dev = pins(RUNTIME_LOCK), pins(DEV_LOCK)
    assert runtime.keys() <= dev.keys()
    assert {n: p.version for n, p in runtime.items()} == {n: dev[n].version for n in runtime}
    tools = {canonicalize_name(r.name) for r in project()["dev"]}
    assert not tools & runtime.keys(), "a dev tool landed in the image's lock"


def install_lines(path: Path) -> str:
    return " ".join(path.read_text("utf-8").replace("\\\n", " ").split())


@pytest.mark.parametrize(
    ("script", "lock", "bootstrap"),
    [
        (ROOT / "scripts" / "setup.sh", DEV_LOCK, ".venv/bootstrap.lock"),
        (ROOT / "deploy" / "Dockerfile", RUNTIME_LOCK, "/tmp/bootstrap.lock"),
    ],
)
def test_installs_come_from_the_lock_pip_and_setuptools_first(
    script: Path, lock: Path, bootstrap: str, tmp_path: Path
) -> None:
    text = install_lines(script)
    program = re.search(r"awk '([^']+)' (\S+) ?>(\S+)", text)
    assert program is not None and (program[2], program[3]) == (lock.name, bootstrap)
    picked = tmp_path / "bootstrap.lock"
    with picked.open("w") as out:
        subprocess.run(["awk", program[1], str(lock)], stdout=out, check=True)
    assert pins(picked) == {name: pins(lock)[name] for name in BOOTSTRAP}
    steps = [
        text.index(f"--require-hashes -r {bootstrap}"),  # pip and setuptools
        text.index(f"--require-hashes -r {lock.name}"),  # then everything else
        text.index("--no-deps --no-build-isolation"),  # then the project alone
    ]
    assert steps == sorted(steps)
    assert "pip install . " not in text and "'.[dev]'" not in text
