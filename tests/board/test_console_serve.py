"""The console set-up: `tavle` in `lovende console` gives a link to `lovende serve` on this
machine, and `lovende serve` on the same SQLite file opens it — both as a user runs them."""

from __future__ import annotations

import os
import re
import selectors
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

LINK = re.compile(r"http://127\.0\.0\.1:3978(/tavle/[A-Za-z0-9_-]{43})")


def environment(db: Path) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if k not in ("LOVENDE_PUBLIC_URL", "TEAMS_PUBLIC_URL")
    }
    return {**env, "DATABASE_URL": f"sqlite+aiosqlite:///{db}", "LOVENDE_LOG_FORMAT": "text"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def listening(serve: subprocess.Popen[str], seconds: float = 60) -> None:
    """Read serve's log until it says it listens (bounded)."""
    assert serve.stderr is not None
    with selectors.DefaultSelector() as sel:
        sel.register(serve.stderr, selectors.EVENT_READ)
        seen = []
        while sel.select(timeout=seconds):
            line = serve.stderr.readline()
            if not line:
                break
            seen.append(line)
            if "listening on http://" in line:
                return
    raise AssertionError("serve did not start: " + "".join(seen)[-2000:])


def status(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, ""


def test_a_console_link_opens_on_lovende_serve(tmp_path: Path) -> None:
    db = tmp_path / "console.db"
    env = environment(db)
    lines = ["/som Anna", "start Recovery", "tempo alle", "svar 1.1 ja", "tavle"]
    console = subprocess.run(
        [sys.executable, "-m", "bot.cli", "console"],
        input="\n".join(lines) + "\n",
        text=True,
        capture_output=True,
        env={**env, "LOVENDE_LOG_LEVEL": "WARNING"},
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert console.returncode == 0, console.stderr
    found = LINK.search(console.stdout)
    assert found, console.stdout[-2000:]
    port = free_port()
    serve = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve", "--port", str(port)],
        env={**env, "LOVENDE_LOG_LEVEL": "INFO"},
        cwd=tmp_path,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    try:
        listening(serve)
        code, page = status(f"http://127.0.0.1:{port}{found.group(1)}")
        assert code == 200 and "Recovery" in page and "Anna" in page
        assert status(f"http://127.0.0.1:{port}{found.group(1)[:-2]}zz")[0] == 404
    finally:
        serve.terminate()
        serve.wait(timeout=30)
