"""Microsoft's token signing keys, fetched without ever holding up the server.

botbuilder 4.17.1 validates each inbound token against the keys published behind an OpenID
metadata URL (login.botframework.com), fetched by `_OpenIdMetadata` with a blocking
`requests.get` without timeout, on the event loop, and with no memory of a failure: while that
endpoint hung, one request carrying a token that names the Bot Framework issuer froze the
whole server (Slack included) and was then answered 500.

`OpenIdKeys` replaces that piece (botbuilder finds it through
`JwtTokenExtractor.get_open_id_metadata`, which `KeyRegistry.install` points at us) and keeps
botbuilder's validation itself unchanged:
- keys are fetched with aiohttp, off nothing and blocking nothing, bounded by `deadline`
  (`timeout` seconds); one fetch at a time per URL (every request waiting for keys shares it);
- they are kept `MAX_AGE` and refreshed in the background from `REFRESH_AFTER` on, while the
  ones in hand still serve;
- a failed fetch is remembered for `FAILURE_TTL`: requests in that time are refused at once
  (`KeysUnavailable`, answered 503) instead of each trying again;
- a token whose key id is not published (or has none) is refused (PermissionError, 401); an
  unknown key id makes at most one new fetch per `KID_REFETCH` (Microsoft rolled its keys).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from botframework.connector.auth import JwtTokenExtractor  # type: ignore[import-untyped]
from jwt.algorithms import RSAAlgorithm

from bot.teams.deadline import within

log = logging.getLogger(__name__)

TIMEOUT = 10.0  # one fetch (metadata and keys) may take this long
MAX_AGE = 24 * 3600.0  # botbuilder's rule: keys older than a day are fetched again
REFRESH_AFTER = 20 * 3600.0  # from then on, fetched again in the background
FAILURE_TTL = 30.0  # a failed fetch is not tried again for this long
KID_REFETCH = 300.0  # an unknown key id fetches again at most this often

FetchJson = Callable[[str], Awaitable[Any]]


class KeysUnavailable(Exception):
    """Microsoft's signing keys cannot be had right now: answered 503, never 500."""


@dataclass(frozen=True)
class SigningKey:
    """What botbuilder's JwtTokenExtractor reads from `get(key_id)` (its `_OpenIdConfig`)."""

    public_key: Any
    endorsements: list[str]


async def fetch_json(url: str) -> Any:
    """GET a JSON document (bounded by the caller's deadline, which cancels it)."""
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        response.raise_for_status()
        return await response.json(content_type=None)


def parse_keys(jwks: Any) -> dict[str, SigningKey]:
    """The RSA keys of a JWKS document by key id; others (and malformed ones) are left out."""
    keys: dict[str, SigningKey] = {}
    for jwk in jwks.get("keys") or [] if isinstance(jwks, dict) else []:
        if not isinstance(jwk, dict) or not isinstance(jwk.get("kid"), str):
            continue
        try:
            public_key = RSAAlgorithm.from_jwk(json.dumps(jwk))
        except (ValueError, TypeError, KeyError) as exc:  # PyJWT's InvalidKeyError is a ValueError
            log.warning("a published signing key was skipped: %s", type(exc).__name__)
            continue
        endorsements = [str(e) for e in jwk.get("endorsements") or []]
        keys[jwk["kid"]] = SigningKey(public_key, endorsements)
    return keys


@dataclass
class OpenIdKeys:
    """The signing keys published behind one OpenID metadata URL (see the module doc)."""

    url: str
    fetch: FetchJson = fetch_json
    now: Callable[[], float] = time.monotonic
    timeout: float = TIMEOUT
    deadline: Callable[[], Awaitable[None]] | None = None  # None: sleep `timeout`
    keys: dict[str, SigningKey] = field(default_factory=dict)
    fetched_at: float | None = None
    failed_at: float | None = None
    fetches: int = 0  # fetches started (for tests and logs)
    _inflight: asyncio.Task[None] | None = None

    async def get(self, key_id: str | None) -> SigningKey:
        now = self.now()
        if self.fetched_at is None or now - self.fetched_at >= MAX_AGE:
            await self._refresh()
        elif now - self.fetched_at >= REFRESH_AFTER and not self._failed_recently():
            self._start()  # in the background: the keys in hand still serve this request
        key = self.keys.get(key_id) if key_id else None
        if key is None and key_id and self.now() - (self.fetched_at or 0.0) >= KID_REFETCH:
            await self._refresh()  # Microsoft may have rolled its keys
            key = self.keys.get(key_id)
        if key is None:
            raise PermissionError("Unauthorized. No published key has the token's key id.")
        return key

    def _failed_recently(self) -> bool:
        return self.failed_at is not None and self.now() - self.failed_at < FAILURE_TTL

    async def _refresh(self) -> None:
        """Wait for the fetch in flight (or a new one); KeysUnavailable when it failed — at
        once while a recent failure is remembered."""
        if not self._failed_recently():
            # Shielded: a request that gives up (its client went away) leaves the fetch to
            # the others waiting for it.
            await asyncio.shield(self._start())
        if self.failed_at is not None:  # the last fetch failed, just now or moments ago
            raise KeysUnavailable("Microsoft's signing keys could not be fetched")

    def _start(self) -> asyncio.Task[None]:
        if self._inflight is None or self._inflight.done():
            self.fetches += 1
            self._inflight = asyncio.ensure_future(self._fetch())
        return self._inflight

    async def _fetch(self) -> None:
        """One fetch; its outcome is recorded, never raised (it may run with no one waiting)."""
        try:
            keys = await self._in_time(self._download())
        except Exception as exc:  # any failure: nothing usable came back
            self.failed_at = self.now()
            log.warning(
                "Teams: Microsoft's signing keys could not be fetched: %s", type(exc).__name__
            )
            return
        self.keys, self.fetched_at, self.failed_at = keys, self.now(), None

    async def _download(self) -> dict[str, SigningKey]:
        metadata = await self.fetch(self.url)
        jwks_uri = metadata.get("jwks_uri") if isinstance(metadata, dict) else None
        if not isinstance(jwks_uri, str) or not jwks_uri:
            raise ValueError("OpenID metadata without jwks_uri")
        keys = parse_keys(await self.fetch(jwks_uri))
        if not keys:
            raise ValueError("no usable signing key was published")
        return keys

    async def _in_time(self, work: Awaitable[dict[str, SigningKey]]) -> dict[str, SigningKey]:
        if self.deadline is None:
            return await asyncio.wait_for(work, self.timeout)
        try:
            return await within(work, self.deadline)
        except TimeoutError:
            raise TimeoutError(f"no keys within the deadline ({self.timeout:g} s)") from None


@dataclass
class KeyRegistry:
    """An `OpenIdKeys` per metadata URL, handed to botbuilder's JwtTokenExtractor."""

    fetch: FetchJson = fetch_json
    now: Callable[[], float] = time.monotonic
    timeout: float = TIMEOUT
    deadline: Callable[[], Awaitable[None]] | None = None
    sources: dict[str, OpenIdKeys] = field(default_factory=dict)
    _botbuilders: Any = None  # botbuilder's own lookup, while ours is installed

    def for_url(self, url: str) -> OpenIdKeys:
        source = self.sources.get(url)
        if source is None:
            source = OpenIdKeys(url, self.fetch, self.now, self.timeout, self.deadline)
            self.sources[url] = source
        return source

    def install(self) -> None:
        """Make botbuilder's token validation take its keys from here. botbuilder looks its
        key source up through a static method (there is no per-adapter seam), so this is
        process-wide: the Teams adapter mounted last serves every validation."""
        self._botbuilders = JwtTokenExtractor.__dict__["get_open_id_metadata"]
        JwtTokenExtractor.get_open_id_metadata = staticmethod(self.for_url)

    def uninstall(self) -> None:
        """Give botbuilder back its own lookup (at the app's cleanup), unless another
        registry has been installed since."""
        current = JwtTokenExtractor.__dict__["get_open_id_metadata"]
        if getattr(current, "__func__", None) == self.for_url and self._botbuilders is not None:
            JwtTokenExtractor.get_open_id_metadata = self._botbuilders
