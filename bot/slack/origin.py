"""Where a private message comes from: buttons in the bot's DM that act on a channel.

Reminders, agreement status reminders and meeting preparation go to a member's DM, but their
buttons act on the channel the reminder is about. Slack sends such a click from the DM (channel
`D…`), so each button of a DM message about channel C carries C in its `value`, signed:

    <action>~<C>~<HMAC-SHA256("origin:v1:<team>:<member>:<C>:<action>"), 128 bits, base64url>

with a key derived from the signing secret. A click from a DM is run in C only when the
signature holds for the clicking user, the workspace and the action; otherwise it stays in the
DM, where it finds nothing to act on (an unsigned origin is never trusted). The engine's own
checks (member of the channel, role) apply after that as for any click.

The check runs as a bolt middleware before the listeners: it records the verified channel in
the request body under `ORIGIN_KEY` (removing any such key Slack could not have sent), and
`inbound.from_block_actions` reads it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

ORIGIN_KEY = "lovende_verified_origin"  # set only by `OriginKey.middleware`
VERSION = "v1"
_VALUE = re.compile(r"^(?P<action>.+)~(?P<channel>[A-Z0-9]{2,40})~(?P<sig>[A-Za-z0-9_-]{22})$")
Sign = Callable[[str], str]  # action -> button value
Body = dict[str, Any]


def is_dm(channel: str | None) -> bool:
    return bool(channel) and str(channel).startswith("D")


def split_value(value: str) -> tuple[str, str | None, str | None]:
    """(action, claimed channel, signature) of a button value; the value itself when unsigned."""
    match = _VALUE.match(value)
    if match is None:
        return value, None, None
    return match["action"], match["channel"], match["sig"]


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def clicked_in_dm(body: Body) -> bool:
    """A click on a message in the bot's DM with someone (`D…`, named `directmessage`), or on
    the person's App Home tab: their own place too, where a button about a channel is signed
    as in the DM (bot/slack/home.py) and what it answers goes to the DM."""
    channel, container = _dict(body.get("channel")), _dict(body.get("container"))
    where = channel.get("id") or container.get("channel_id")
    home = container.get("type") == "view" and _dict(body.get("view")).get("type") == "home"
    return is_dm(where) or channel.get("name") == "directmessage" or home


@dataclass(frozen=True)
class OriginKey:
    key: bytes

    @classmethod
    def from_secret(cls, secret: str) -> OriginKey:
        """A key of its own, derived from the app's secret (never the secret itself)."""
        derived = hmac.new(secret.encode(), b"lovende:dm-origin:" + VERSION.encode(), "sha256")
        return cls(derived.digest())

    def signature(self, team: str, member: str, channel: str, action: str) -> str:
        text = f"origin:{VERSION}:{team}:{member}:{channel}:{action}".encode()
        digest = hmac.new(self.key, text, hashlib.sha256).digest()[:16]
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def sign(self, team: str, member: str, channel: str, action: str) -> str:
        return f"{action}~{channel}~{self.signature(team, member, channel, action)}"

    def signer(self, team: str, member: str, channel: str) -> Sign:
        return partial(self.sign, team, member, channel)

    def verify(self, team: str, member: str, value: str) -> str | None:
        """The channel a button value was signed for, if it was, for this member and team."""
        action, channel, sig = split_value(value)
        if channel is None or sig is None or is_dm(channel):
            return None
        good = self.signature(team, member, channel, action)
        return channel if hmac.compare_digest(good, sig) else None

    def origin(self, body: Body) -> str | None:
        """The verified channel of a button clicked in a DM, else None."""
        if body.get("type") != "block_actions" or not clicked_in_dm(body):
            return None
        actions = body.get("actions")
        clicked = actions[0] if isinstance(actions, list) and actions else None
        if not isinstance(clicked, dict) or clicked.get("type") != "button":
            return None
        user, team = _dict(body.get("user")), _dict(body.get("team"))
        member = str(user.get("id") or "")
        workspace = str(body.get("team_id") or team.get("id") or user.get("team_id") or "")
        value = clicked.get("value")
        if not member or not workspace or not isinstance(value, str):
            return None
        return self.verify(workspace, member, value)

    async def middleware(self, body: Body, next: Callable[[], Awaitable[None]]) -> None:
        """Bolt global middleware: record the verified origin of a DM click in the body."""
        if isinstance(body, dict):
            body.pop(ORIGIN_KEY, None)
            channel = self.origin(body)
            if channel is not None:
                body[ORIGIN_KEY] = channel
        await next()
