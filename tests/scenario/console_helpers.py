"""`lovende …` run as a user runs it, for the scenarios of the console's command line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def lovende(args: list[str], stdin: str, db: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """`lovende <args>` in a fresh interpreter, in the folder of the SQLite file `db` it keeps
    its data in, with `stdin` piped in; its environment is ours with `env` on top."""
    environ = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{db}", **env}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin,
        text=True,
        capture_output=True,
        env=environ,
        cwd=db.parent,
        timeout=120,
        check=False,
    )
