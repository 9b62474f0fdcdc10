"""The board's links: their operations and how a token is kept (hashed), pure.

A link is `<public url>/tavle/<token>`: the token is long and random and only its SHA-256 is
stored, so a copy of the database opens no board. Each link belongs to one channel and expires
after the channel's `board_link_hours` (a setting, `indstillinger tavle 12`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from dialogs import actions
from dialogs.i18n import t
from dialogs.messages import Button

OWNER = "board"  # the feature's (and its store's) name
TOKEN_BYTES = 32  # secrets.token_urlsafe(32): 43 characters
# What a token from a link may look like before it is even hashed (anything else is a 404).
TOKEN_MIN, TOKEN_MAX = 32, 64
# The verb of the "Åbn tavlen" buttons (under the score summary; on Slack's App Home, signed
# for its channel): the same private link as a typed `tavle`, for whoever pressed.
OPEN_VERB = "board"
# A Teams channel tab's code (`tavle fane`) works this long unless closed before: a year, the
# method's own rhythm (measure again after about a year), after which a forgotten tab stops
# showing the channel's data.
TAB_DAYS = 365


def open_button(lang: str) -> Button:
    """It carries nothing but its verb: the channel is the one the click comes from."""
    return Button(t(lang, "board.open_button"), actions.encode(OPEN_VERB))


def token_hash(token: str) -> str:
    """The stored form of a token (hex SHA-256): a token is random enough that no salt or slow
    hash is needed, and the lookup must be one indexed equality."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def plausible(token: str) -> bool:
    """A token as `secrets.token_urlsafe` makes them (URL-safe base64, sane length)."""
    return TOKEN_MIN <= len(token) <= TOKEN_MAX and all(
        c.isascii() and (c.isalnum() or c in "-_") for c in token
    )


@dataclass(frozen=True)
class CreateBoardLink:
    """Keep a new link of the turn's channel: only the token's hash. `workspace`: a workspace
    admin's link to the organisation overview (every channel of the turn's workspace); `tab`: a
    Teams channel tab's code (long-lived, its pages may be framed by Teams)."""

    token_hash: str
    expires_at: datetime
    workspace: bool = False
    tab: bool = False


@dataclass(frozen=True)
class RevokeBoardLinks:
    """Every link of the turn's channel stops working now."""
