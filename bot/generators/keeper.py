"""Where the generators put what they make: the database, plus a copy on disk when asked.

A generator renders in a worker thread into a scratch folder of its own (the writers in
scoring/ write files; the folder is gone when the rendering is), then `Keeper.keep` stores the
bytes in the database (storage/files.py) — which is what the adapters hand out, on any replica
— and, with an output folder (LOVENDE_OUTPUT_DIR: on for the console, off for `serve` unless
set), writes a copy there for the console to show (storage/file_copies.py).
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.clock import Clock
from storage import file_copies
from storage.files import GeneratedFiles


@dataclass(frozen=True)
class Rendered:
    filename: str
    content: bytes


@dataclass(frozen=True)
class Kept:
    file_id: str
    filename: str
    path: str | None  # the copy on disk, if any


def render(draw: Callable[[Path], Path]) -> Rendered:
    """Run `draw(folder)` in a scratch folder and read the file it returns. Blocking: call it
    in a worker thread (with the rest of the rendering)."""
    with tempfile.TemporaryDirectory(prefix="lovende-") as scratch:
        path = draw(Path(scratch))
        return Rendered(path.name, path.read_bytes())


class Keeper:
    def __init__(self, files: GeneratedFiles, clock: Clock, output_dir: Path | None) -> None:
        self.files, self.clock = files, clock
        self.output_dir = output_dir.absolute() if output_dir is not None else None

    async def keep(
        self,
        channel_id: int,
        kind: str,
        rendered: Rendered,
        *,
        tag: str,
        assessment_id: int | None = None,
    ) -> Kept:
        """Store the file (storage.files.NoSuchChannel when the channel's data was deleted
        meanwhile), then copy it to disk if there is an output folder. `tag` names the copy's
        folder (storage/file_copies.py)."""
        stored = await self.files.keep(
            channel_id, kind, rendered.filename, rendered.content, self.clock.now(), assessment_id
        )
        path = None
        if self.output_dir is not None:
            copy = await asyncio.to_thread(
                file_copies.write,
                self.output_dir,
                channel_id,
                tag,
                rendered.filename,
                rendered.content,
            )
            path = str(copy)
        return Kept(stored.id, stored.filename, path)
