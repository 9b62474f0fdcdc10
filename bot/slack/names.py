"""Display names for member ids (`users.info`), remembered for a while.

Slack sends ids only; the bot shows names ("Bo: Ja") and matches `mødeleder Bo`. A name that
cannot be looked up is None: the engine then keeps the name it knows (or the id).
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import dataclass, field

from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.pacing import Timing

log = logging.getLogger(__name__)


@dataclass
class Names:
    timing: Timing = field(default_factory=Timing)
    ttl: float = 3600.0
    retry_after: float = 60.0  # after a failed lookup (e.g. a missing users:read scope)
    size: int = 5000
    _cache: OrderedDict[tuple[str, str], tuple[str, float]] = field(default_factory=OrderedDict)
    _failed: dict[tuple[str, str], float] = field(default_factory=dict)

    async def name(self, client: AsyncWebClient, workspace: str, user: str) -> str | None:
        key, now = (workspace, user), self.timing.monotonic()
        hit = self._cache.get(key)
        if hit is not None and now - hit[1] < self.ttl:
            return hit[0]
        if now - self._failed.get(key, now - self.retry_after) < self.retry_after:
            return hit[0] if hit else None
        try:
            resp = await client.users_info(user=user)
        except Exception as exc:  # a name is a nicety: never fail a turn for it
            log.warning("users.info failed: %s", type(exc).__name__)
            if len(self._failed) > self.size:
                self._failed.clear()
            self._failed[key] = now
            return hit[0] if hit else None
        info = resp.get("user") or {}
        profile = info.get("profile") or {}
        found = profile.get("display_name") or profile.get("real_name") or info.get("name")
        if not found:
            return None
        self._cache[key] = (str(found), now)
        self._cache.move_to_end(key)
        while len(self._cache) > self.size:
            self._cache.popitem(last=False)
        return str(found)
