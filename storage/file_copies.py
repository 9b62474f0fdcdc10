"""Copies of generated files on disk, for the console and a developer (LOVENDE_OUTPUT_DIR).

The files themselves are in the database (storage/files.py): this folder is only a
convenience, on by default for `lovende console` (which shows a path) and off for `lovende
serve` unless LOVENDE_OUTPUT_DIR is set. One folder per channel:

    <LOVENDE_OUTPUT_DIR>/channel-<channel id>/<what>-<unguessable>/<file>

`<what>` says what the file belongs to: `round-<assessment id>` (charts and reports of an
assessment round), `selfeval-<id>`, `export` (a privacy data export). Keeping a channel's copies
in one folder is what makes them removable with its data (`slet-data`), a round's prefix what
lets retention remove the copies of the rounds it deletes, and the unguessable part what keeps
one file's name from giving away another's. The daily sweep removes copies older than
`LOVENDE_FILE_RETENTION_DAYS`, as it removes the stored files.

Everything here blocks on the file system: call it through `asyncio.to_thread`.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import shutil
from collections.abc import Iterable
from pathlib import Path

log = logging.getLogger(__name__)

CHANNEL_PREFIX = "channel-"
_CHANNEL = re.compile(r"channel-(\d+)")
# A folder of a channel that is no longer in the database is left alone this long: a turn
# may have created it inside a transaction that has not committed yet (an export).
ORPHAN_GRACE_SECONDS = 3600.0


def channel_dir(output_dir: Path, channel_id: int) -> Path:
    return output_dir / f"{CHANNEL_PREFIX}{channel_id}"


def round_tag(assessment_id: int) -> str:
    return f"round-{assessment_id}"


def new_folder(output_dir: Path, channel_id: int, tag: str) -> Path:
    """A new folder for one generated file (and its companions), readable by us only."""
    parent = channel_dir(output_dir, channel_id)
    parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder = parent / f"{tag}-{secrets.token_hex(16)}"
    folder.mkdir(mode=0o700)
    return folder


def write(output_dir: Path, channel_id: int, tag: str, filename: str, content: bytes) -> Path:
    """A copy of a generated file in a new folder of the channel, readable by us only."""
    path = new_folder(output_dir, channel_id, tag) / filename
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(content)
    return path


def _count_files(folder: Path) -> int:
    return sum(len(files) for _root, _dirs, files in os.walk(folder))


def remove_channel(output_dir: Path, channel_id: int) -> int:
    """Remove every file of the channel; the number of files removed."""
    folder = channel_dir(output_dir, channel_id)
    if not folder.is_dir():
        return 0
    count = _count_files(folder)
    shutil.rmtree(folder, ignore_errors=True)
    return count


def remove_rounds(output_dir: Path, rounds: Iterable[tuple[int, int]]) -> int:
    """Remove the files of these (channel id, assessment id) rounds; the number removed."""
    count = 0
    for channel_id, assessment_id in rounds:
        folder = channel_dir(output_dir, channel_id)
        for sub in folder.glob(f"{round_tag(assessment_id)}-*"):
            count += _count_files(sub)
            shutil.rmtree(sub, ignore_errors=True)
    return count


def remove_older_than(output_dir: Path, cutoff: float) -> int:
    """Remove generated files last written before `cutoff` (a POSIX timestamp), then the
    folders that this left empty and that are themselves that old (a folder made a moment ago
    is about to receive its file). The number of files removed."""
    if not output_dir.is_dir():
        return 0
    old_dirs: list[Path] = []
    removed = 0
    for root, _dirs, files in os.walk(output_dir):
        here = Path(root)
        if here != output_dir and _mtime(here) < cutoff:
            old_dirs.append(here)
        for name in files:
            path = here / name
            if _mtime(path) < cutoff:
                try:
                    path.unlink()
                    removed += 1
                except FileNotFoundError:
                    continue  # removed meanwhile (a deletion)
    for folder in sorted(old_dirs, key=lambda p: len(p.parts), reverse=True):
        try:
            folder.rmdir()  # only when empty
        except OSError:
            continue
    return removed


def remove_orphans(output_dir: Path, live: set[int], now: float) -> int:
    """Remove the folders of channels that are no longer in the database (`live`: the ids
    that are), older than a grace period: files a generator wrote just as its channel was
    deleted. The number of files removed."""
    if not output_dir.is_dir():
        return 0
    removed = 0
    for folder in output_dir.iterdir():
        match = _CHANNEL.fullmatch(folder.name)
        if match is None or int(match.group(1)) in live or not folder.is_dir():
            continue
        if _newest(folder) > now - ORPHAN_GRACE_SECONDS:
            continue
        removed += _count_files(folder)
        shutil.rmtree(folder, ignore_errors=True)
    return removed


def channel_ids(output_dir: Path) -> set[int]:
    """The channel ids that have a folder."""
    if not output_dir.is_dir():
        return set()
    return {
        int(m.group(1))
        for folder in output_dir.iterdir()
        if (m := _CHANNEL.fullmatch(folder.name)) is not None
    }


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return float("inf")  # gone meanwhile: nothing to remove


def _newest(folder: Path) -> float:
    newest = _mtime(folder)
    for root, dirs, files in os.walk(folder):
        for name in (*dirs, *files):
            newest = max(newest, _mtime(Path(root) / name))
    return newest
