"""Shared by the board's tests: a bot whose `tavle` links point somewhere, the token of the
link it answered with, and the code of a Teams tab (`tavle fane`)."""

from __future__ import annotations

import re

from bot.console.channel import Record
from bot.testing import BotHarness, Place, texts
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


async def script(place: BotHarness | Place, *lines: str) -> None:
    """Each line `Who: what they type`, said in turn."""
    for line in lines:
        who, _, text = line.partition(": ")
        await place.say(who, text)


async def started(place: BotHarness | Place, *lines: str) -> None:
    """Anna starts a round of Recovery with every element at once; then the lines."""
    await script(place, "Anna: start Recovery", "Anna: tempo alle", *lines)


def text_of(page: str) -> str:
    """A page's (or a part's) text, one space between words."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def part(page: str, opening: str, closing: str) -> str:
    """The text of the first element that starts with `opening` (a regular expression),
    up to its `closing` tag."""
    found = re.search(rf"{opening}.*?{closing}", page, re.S)
    assert found, opening
    return text_of(found.group(0))
