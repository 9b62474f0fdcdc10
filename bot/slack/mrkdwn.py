"""Text both ways: our markdown subset to Slack mrkdwn, and Slack's markup back to plain words.

Our messages use *bold*, _italic_ and `code`, which mean the same in Slack's mrkdwn. What must
change is `&`, `<` and `>`: unescaped, a comment containing `<!channel>` would notify everyone.
"""

from __future__ import annotations

import re

_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_CHANNEL = re.compile(r"<#([CGD][A-Z0-9]+)(?:\|([^>]*))?>")
_LINK = re.compile(r"<((?:https?|mailto):[^|>]+)(?:\|([^>]*))?>")
_SPECIAL = re.compile(r"<!([a-z]+)(?:\^[^|>]*)?(?:\|([^>]*))?>")


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def mrkdwn(text: str) -> str:
    """Our markdown subset as Slack mrkdwn (the subset already matches; only escape)."""
    return escape(text)


def truncate(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word boundary when one is near, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit * 2 // 3:
        cut = cut[:space]
    return cut.rstrip() + "…"


def split_text(text: str, limit: int) -> list[str]:
    """Pieces of at most `limit` characters, split at line ends (then spaces) where possible."""
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit)
        if cut <= 0:
            cut = rest.rfind(" ", 0, limit)
        if cut <= 0:
            cut = _entity_safe(rest, limit)
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip("\n ")
    if rest or not pieces:
        pieces.append(rest)
    return pieces


def _entity_safe(text: str, cut: int) -> int:
    """Move a hard cut back so that it does not split an entity such as `&amp;`."""
    amp = text.rfind("&", max(0, cut - 5), cut)
    return amp if amp > 0 and ";" not in text[amp:cut] else cut


def command_text(text: str, bot_user_id: str | None = None) -> str:
    """What a user typed, as plain words: the bot's own mention removed, `<@U1>` → `U1`
    (members are matched by id or name), channels by name, links by their label."""
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(?:\|[^>]*)?>", " ", text)
    text = _MENTION.sub(lambda m: m.group(1), text)
    text = _CHANNEL.sub(lambda m: "#" + (m.group(2) or m.group(1)), text)
    text = _LINK.sub(lambda m: m.group(2) or m.group(1), text)
    text = _SPECIAL.sub(lambda m: "@" + (m.group(2) or m.group(1)), text)
    lines = (" ".join(line.split()) for line in unescape(text).splitlines())
    return "\n".join(lines).strip()
