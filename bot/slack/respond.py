"""A word to the person through a request's `response_url`: it reaches them even where the bot
cannot post (a private channel it is not in), which is when it is needed — "invite me first".

Only Slack's own hooks (and the Web API's origin, a fake in tests) are posted to: the URL
comes in a signed request, but a request's body is no place to take addresses from blindly.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import aiohttp

log = logging.getLogger(__name__)

HOOKS = "https://hooks.slack.com/"
TIMEOUT_SECONDS = 10.0


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


@dataclass(frozen=True)
class Responder:
    session: Callable[[], aiohttp.ClientSession | None]  # the bot's shared session, if open
    api_base_url: str

    def allowed(self, url: str) -> bool:
        return url.startswith(HOOKS) or url.startswith(origin(self.api_base_url))

    async def say(self, url: str, text: str) -> bool:
        """An ephemeral text to the person who made the request; False when it did not go."""
        return await self.send(url, {"response_type": "ephemeral", "text": text})

    async def replace(self, url: str, blocks: list[dict[str, object]], text: str) -> bool:
        """The ephemeral message the person clicked, replaced (Slack cannot update one by its
        ts; a click's `response_url` can); False when it did not go."""
        return await self.send(url, {"replace_original": True, "text": text, "blocks": blocks})

    async def send(self, url: str, body: dict[str, object]) -> bool:
        if not self.allowed(url):
            log.warning("response_url refused: not Slack's")
            return False
        timeout = aiohttp.ClientTimeout(total=TIMEOUT_SECONDS)
        shared = self.session()
        try:
            if shared is not None:
                async with shared.post(url, json=body, timeout=timeout) as response:
                    status = response.status
            else:
                async with (
                    aiohttp.ClientSession(timeout=timeout) as session,
                    session.post(url, json=body) as response,
                ):
                    status = response.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            log.warning("response_url unreachable: %s", type(exc).__name__)
            return False
        if status != 200:
            log.warning("response_url answered %d", status)
            return False
        return True
