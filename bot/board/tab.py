"""The board as a Teams channel tab (issue 20).

The app package's manifest (deploy/teams/manifest.json) declares a configurable tab whose
set-up page is served by the bot (`/tavle/fane`). The manifest is the same for every channel,
so the page cannot know by itself which board to show: the facilitator types `tavle fane` in
the channel and gets a code privately (a board link's token that lives a year, stored hashed,
ended by `tavle luk` and `slet-data` like every link: dialogs/board). The set-up page asks for
it, sends it with the channel and tenant the Teams client names (the Teams JavaScript library's
context) to `POST /tavle/fane/kode`, and saves as the tab's content the board's address with
that code. What the bot answers:

- the tab's settings, when the code is a live tab code of exactly that channel of that tenant;
- the same bare refusal for everything else (an unknown, ordinary, expired, revoked code, or
  another channel's), so that the answer tells nothing about a code that does not fit.

The channel check is not what keeps the board private — the code is, as a link's token is — it
keeps a facilitator from pinning one channel's board in another by mistake, where people who
may not see it would.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.board.page import channel_language
from dialogs.board.dialog import board_url
from dialogs.board.model import plausible, token_hash
from dialogs.i18n import t
from storage.board import tab_channel

PLATFORM = "teams"
MAX_ID = 300  # Teams' channel and chat ids are ~60 characters, tenant ids 36


@dataclass(frozen=True)
class Claim:
    """What the set-up page sends: the code typed, the channel (or group chat) and the tenant
    the Teams client says the tab is being added to."""

    code: str
    channel: str
    tenant: str


def claim_of(body: object) -> Claim | None:
    """The JSON body's three strings, trimmed; None for any other shape."""
    if not isinstance(body, dict):
        return None
    values = [body.get(k) for k in ("code", "channel", "tenant")]
    if not all(isinstance(v, str) for v in values):
        return None
    code, channel, tenant = (str(v).strip() for v in values)
    if not plausible(code) or not 0 < len(channel) <= MAX_ID or not 0 < len(tenant) <= MAX_ID:
        return None
    return Claim(code, channel, tenant)


@dataclass(frozen=True)
class TabSettings:
    """What the page gives Teams' `pages.config.setConfig`. No websiteUrl: the long-lived code
    stays in the tab; whoever wants the board in a browser types `tavle` for a link of their
    own."""

    content_url: str
    entity_id: str
    name: str

    def json(self) -> dict[str, str]:
        return {
            "contentUrl": self.content_url,
            "entityId": self.entity_id,
            "suggestedDisplayName": self.name,
        }


async def check_code(
    session: AsyncSession, claim: Claim, base_url: str, now: datetime
) -> TabSettings | None:
    channel = await tab_channel(session, claim.code, PLATFORM, claim.tenant, claim.channel, now)
    if channel is None:
        return None
    return TabSettings(
        board_url(base_url, claim.code),
        # The tab's own id in Teams: stable for the code, and telling nothing of it.
        "tavle-" + token_hash(claim.code)[:16],
        t(channel_language(channel), "board.tabpage.tab_name"),
    )
