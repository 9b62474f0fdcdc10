"""The console set-up, as a user runs it: `tavle` in `lovende console` gives a link that the
console itself serves while it runs (a page there follows the console's clicks live), and that
`lovende serve` on the same SQLite file opens too."""

from __future__ import annotations

import os
import queue
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO, Any

LINK = re.compile(r"http://127\.0\.0\.1:3978(/tavle/[A-Za-z0-9_-]{43})")


def environment(db: Path) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if k not in ("LOVENDE_PUBLIC_URL", "TEAMS_PUBLIC_URL")
    }
    return {**env, "DATABASE_URL": f"sqlite+aiosqlite:///{db}", "LOVENDE_LOG_FORMAT": "text"}


def run_console(env: dict[str, str], folder: Path, *lines: str) -> subprocess.CompletedProcess[str]:
    """`lovende console` in `folder` with `lines` typed in, to its end (it must end well)."""
    console = subprocess.run(
        [sys.executable, "-m", "bot.cli", "console"],
        input="".join(line + "\n" for line in lines),
        text=True,
        capture_output=True,
        env={**env, "LOVENDE_LOG_LEVEL": "WARNING"},
        cwd=folder,
        timeout=120,
        check=False,
    )
    assert console.returncode == 0, console.stderr
    return console


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def status(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, ""


def test_a_console_link_opens_on_lovende_serve(tmp_path: Path) -> None:
    env = environment(tmp_path / "console.db")
    console = run_console(
        env, tmp_path, "/som Anna", "start Recovery", "tempo alle", "svar 1.1 ja", "tavle"
    )
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
        assert serve.stderr is not None
        Lines(serve.stderr).with_("listening on http://")
        code, page = status(f"http://127.0.0.1:{port}{found.group(1)}")
        assert code == 200 and "Recovery" in page and "Anna" in page
        assert status(f"http://127.0.0.1:{port}{found.group(1)[:-2]}zz")[0] == 404
    finally:
        serve.terminate()
        serve.wait(timeout=30)


def test_the_console_serves_its_board_and_an_open_page_follows_its_clicks(
    tmp_path: Path,
) -> None:
    port = free_port()
    env = {
        **environment(tmp_path / "console.db"),
        "LOVENDE_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "LOVENDE_LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",  # its lines as they are printed: the test reads them
    }
    console = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "console"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert console.stdin is not None and console.stdout is not None
    try:
        lines = Lines(console.stdout)
        assert f"Tavlen: http://127.0.0.1:{port} (links fra `tavle` åbner her" in lines.with_(
            "Tavlen:"
        )
        say(console, "/som Anna", "start Recovery", "tempo alle", "svar 1.1 ja", "tavle")
        found = re.search(
            rf"http://127\.0\.0\.1:{port}(/tavle/[A-Za-z0-9_-]{{43}})",
            lines.with_("/tavle/"),
        )
        assert found
        url = f"http://127.0.0.1:{port}{found.group(1)}"
        code, page = status(url)
        assert code == 200 and "Recovery" in page and "Anna" in page
        with urllib.request.urlopen(url + "/events", timeout=60) as stream:
            assert stream.readline().startswith(b"retry:")
            say(console, "svar 1.2 nej")
            assert next_event(stream) == "changed"  # no reload: the page fetches anew
        assert "1.2" in status(url + "/indhold")[1]
        console.stdin.close()  # the console ends, and its board with it
        assert console.wait(timeout=60) == 0
        assert status_or_refused(url)
    finally:
        console.kill()
        console.wait(timeout=30)


def say(console: subprocess.Popen[str], *lines: str) -> None:
    assert console.stdin is not None
    console.stdin.write("".join(line + "\n" for line in lines))
    console.stdin.flush()


class Lines:
    """A child's output lines as they come, read by a thread of their own: a selector on the
    pipe would miss lines the text layer has already buffered."""

    def __init__(self, stream: IO[str]) -> None:
        self.queue: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            self.queue.put(line)
        self.queue.put("")  # the end

    def with_(self, needle: str, seconds: float = 120) -> str:
        """The first line holding `needle` (bounded)."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self.queue.get(timeout=left)
            except queue.Empty:
                break
            if not line:
                break
            if needle in line:
                return line
        raise AssertionError(f"the console never printed {needle!r}")


def next_event(stream: Any) -> str:
    while line := stream.readline():
        if line.startswith(b"event: "):
            return str(line.removeprefix(b"event: ").decode().strip())
    raise AssertionError("the stream ended")


def status_or_refused(url: str) -> bool:
    """Nothing answers at the console's address once it has ended."""
    try:
        urllib.request.urlopen(url, timeout=10)
    except (urllib.error.URLError, ConnectionError):
        return True
    return False


def test_with_its_port_taken_the_console_says_where_the_links_open(tmp_path: Path) -> None:
    with socket.socket() as taken:  # as a `lovende serve` already running there
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        url = f"http://127.0.0.1:{taken.getsockname()[1]}"
        env = {**environment(tmp_path / "console.db"), "LOVENDE_PUBLIC_URL": url}
        console = run_console(env, tmp_path, "/som Anna", "start Recovery", "tavle")
    assert f"Tavlen: links fra `tavle` peger på {url} – start `lovende serve` dér" in (
        console.stdout
    )
    assert f"{url}/tavle/" in console.stdout
