"""Logging: readable lines in a terminal, one JSON object per line in production.

Log records carry ids and counts, never what users wrote: the bot's users are social-care
teams. As a second line of defence, anything that looks like a token or a CPR number is masked
before a line is written.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import Literal

_SECRET = re.compile(
    r"(xox[abposr]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+|eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9._-]+"
    r"|(?i:bearer)\s+[A-Za-z0-9._~+/=-]{8,})"
)
# CPR-like numbers in the shapes the input check refuses (dialogs/text_input.py): 0101901234,
# 010190-1234, 01-01-90-1234, 01.01.90 1234 (a date or not: masking too much is harmless here).
_CPR_LIKE = re.compile(r"(?<!\d)\d{2}([-./ ]?)\d{2}\1\d{2}[- ]?\d{4}(?!\d)")


def mask(text: str) -> str:
    return _CPR_LIKE.sub("***", _SECRET.sub("***", text))


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": mask(record.getMessage()),
        }
        if record.exc_info:
            entry["exc"] = mask(self.formatException(record.exc_info))
        for key in ("route", "outcome", "platform", "kind", "status"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        return json.dumps(entry, ensure_ascii=False)


class ReadableFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(name)s: %(message)s", "%H:%M:%S")

    def format(self, record: logging.LogRecord) -> str:
        return mask(super().format(record))


def at_least(level: str, floor: str) -> str:
    """The higher (quieter) of two level names: `at_least("INFO", "WARNING")` is WARNING."""
    return max(level, floor, key=logging.getLevelName)


def configure(level: str, fmt: Literal["auto", "json", "text"] = "auto") -> None:
    """Install one handler on the root logger (replacing earlier ones)."""
    if fmt == "auto":
        fmt = "text" if sys.stderr.isatty() else "json"
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else ReadableFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Third-party clients log request bodies at DEBUG; keep them quiet.
    # Database drivers log statements with their parameters (answers, comments) at DEBUG.
    # Alembic's migration context says which dialect it found at INFO on every /readyz.
    for noisy in (
        "slack_bolt",
        "slack_sdk",
        "botbuilder",
        "aiohttp.access",
        "apscheduler",
        "aiosqlite",
        "asyncpg",
        "sqlalchemy.engine",
        "alembic.runtime.migration",
        "alembic.runtime.plugins",
    ):
        logging.getLogger(noisy).setLevel(max(logging.getLevelName(level), logging.WARNING))
