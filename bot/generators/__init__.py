"""Each feature's generators for `Generate` blocks (charts, reports, exports): they load what
they need after the turn's commit, render in a worker thread and write the files."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from dialogs.messages import File, Generate, Image

# Produces the file for a `Generate` block: (the block, the channel's database id) -> block.
Generator = Callable[[Generate, int], Awaitable[Image | File]]
