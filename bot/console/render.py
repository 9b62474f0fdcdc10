"""Plain-text rendering of the neutral model for the terminal, with numbered buttons."""

from __future__ import annotations

import re
from collections.abc import Callable

from dialogs.messages import (
    Buttons,
    Fields,
    File,
    Image,
    Message,
    MultiSelect,
    Progress,
    Text,
)

BAR_WIDTH = 20


def strip_markup(text: str) -> str:
    """Our messages use a tiny markdown subset (*bold*, _italic_, `code`)."""
    return re.sub(r"(?<!\w)[*_](\S(?:.*?\S)?)[*_](?!\w)", r"\1", text)


def bar(done: int, total: int) -> str:
    filled = round(BAR_WIDTH * done / total) if total else 0
    return "█" * filled + "░" * (BAR_WIDTH - filled)


def render(message: Message, number: Callable[[str, str], int]) -> list[str]:
    """Lines for a message; `number(kind, action)` assigns the next button number."""
    lines: list[str] = []
    for block in message.blocks:
        match block:
            case Text(text, "header"):
                lines.append("== " + strip_markup(text) + " ==")
            case Text(text, "muted"):
                lines.extend("  " + line for line in strip_markup(text).splitlines())
            case Text(text, _):
                lines.extend(strip_markup(text).splitlines())
            case Buttons(buttons):
                lines.append(
                    "  ".join(f"[{number('button', b.action)}] {b.label}" for b in buttons)
                )
            case MultiSelect(action, label, options, _sel, submit):
                lines.append(label + ":")
                lines.extend(f"    {o.label}" for o in options)
                lines.append(f"[{number('multi', action)}] {submit}")
            case Fields(rows):
                width = max(len(a) for a, _ in rows) if rows else 0
                lines.extend(f"  {a.ljust(width)}  {b}" for a, b in rows)
            case Progress(label, done, total):
                lines.append(f"  {label}: {bar(done, total)} {done}/{total}")
            case Image(alt=alt, path=path):
                # A long alternative text (the history table) follows on its own lines. The
                # path is the copy on disk (LOVENDE_OUTPUT_DIR; the console keeps one in `out`).
                first, *more = alt.splitlines() or [""]
                lines.append(f"  [{first}] {path or ''}".rstrip())
                lines.extend("  " + line for line in more)
            case File(filename=filename, title=title, path=path):
                lines.append(f"  [{title}] {path or filename}")
    return lines
