"""Shared by the board's tests: a bot whose `tavle` links point somewhere, the token of the
link it answered with, and the code of a Teams tab (`tavle fane`)."""

from __future__ import annotations

import re

from bot.console.channel import Record
from bot.testing import texts
from dialogs.messages import ToActorOnly, ToMember

PUBLIC_URL = "https://tavle.example.dk"
LINK = re.compile(r"(https?://[^\s]+)/tavle/([A-Za-z0-9_-]+)")
CODE = re.compile(r"(?<![A-Za-z0-9_-])([A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])")  # a tab's code


def link_in(records: list[Record]) -> tuple[str, str]:
    """(base url, token) of the one link in the records; it was told to the actor only (in
    their own chat)."""
    private = [r for r in records if isinstance(r.target, ToMember | ToActorOnly) and r.message]
    found = [m for r in private for m in LINK.finditer(r.message.fallback if r.message else "")]
    assert len(found) == 1, texts(records)
    return found[0].group(1), found[0].group(2)


def code_in(records: list[Record]) -> str:
    """The one tab code (`tavle fane`) in the records, told to the actor alone."""
    private = [r for r in records if isinstance(r.target, ToMember | ToActorOnly) and r.message]
    found = {m for r in private for m in CODE.findall(r.message.fallback if r.message else "")}
    assert len(found) == 1, texts(records)
    return found.pop()
