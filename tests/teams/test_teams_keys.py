"""The key source behind Teams' token checks (bot/teams/keys.py), on its own: one fetch at a
time, keys kept and refreshed ahead of expiry, failures remembered briefly, unknown key ids.
The HTTP side (503 while keys are out of reach, nothing else held up) is in test_teams_jwt.py.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from bot.teams.keys import (
    FAILURE_TTL,
    KID_REFETCH,
    MAX_AGE,
    REFRESH_AFTER,
    KeysUnavailable,
    OpenIdKeys,
    parse_keys,
)
from bot.teams.testing import FakeTime

METADATA = "https://login.example/metadata"
JWKS = "https://login.example/keys"


def jwk(kid: str) -> dict[str, Any]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public: dict[str, Any] = RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
    return {**public, "kid": kid, "endorsements": ["msteams"]}


@dataclass
class Published:
    """Microsoft's two documents; `gate` holds the key answer back, `down` fails it."""

    keys: list[dict[str, Any]]
    gate: asyncio.Event | None = None
    down: bool = False
    asked: list[str] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)  # the keys were asked for

    async def fetch(self, url: str) -> Any:
        self.asked.append(url)
        if url == METADATA:
            return {"jwks_uri": JWKS}
        self.arrived.set()
        if self.gate is not None:
            await self.gate.wait()
        if self.down:
            raise aiohttp.ClientConnectionError("connection refused")
        return {"keys": self.keys}

    def fetches(self) -> int:
        return self.asked.count(JWKS)


@pytest.fixture(scope="module")
def keys() -> dict[str, dict[str, Any]]:
    return {kid: jwk(kid) for kid in ("a", "b")}


@pytest.fixture
def published(keys: dict[str, dict[str, Any]]) -> Published:
    """Microsoft publishes key "a" (a test changes what it publishes, or makes it fail)."""
    return Published([keys["a"]])


@pytest.fixture
def time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def openid(published: Published, time: FakeTime) -> OpenIdKeys:
    """The key source under test, fetching from `published` on the fake clock `time`."""
    return OpenIdKeys(METADATA, published.fetch, time.now)


async def test_concurrent_requests_share_one_fetch(
    published: Published, openid: OpenIdKeys
) -> None:
    published.gate = gate = asyncio.Event()
    waiting = [asyncio.ensure_future(openid.get("a")) for _ in range(20)]
    await asyncio.wait_for(published.arrived.wait(), 30)  # all 20 are waiting by now
    assert not any(w.done() for w in waiting)
    gate.set()
    found = await asyncio.gather(*waiting)
    assert published.fetches() == 1 and openid.fetches == 1
    assert {k.endorsements[0] for k in found} == {"msteams"}


async def test_keys_are_kept_and_refreshed_ahead_of_expiry_in_the_background(
    keys: dict[str, dict[str, Any]], published: Published, time: FakeTime, openid: OpenIdKeys
) -> None:
    first = await openid.get("a")
    time.t += REFRESH_AFTER - 1
    assert await openid.get("a") is first and published.fetches() == 1  # kept
    published.keys = [keys["a"], keys["b"]]
    published.gate = asyncio.Event()  # the refresh will hang…
    time.t += 2
    assert await openid.get("a") is first  # …and the request is answered with the old keys
    assert openid.fetches == 2
    published.gate.set()
    await asyncio.wait_for(openid._inflight, 30)  # type: ignore[arg-type]
    assert (await openid.get("b")).endorsements == ["msteams"]  # the refreshed keys
    assert published.fetches() == 2


async def test_a_failure_is_remembered_briefly_then_tried_again(
    published: Published, time: FakeTime, openid: OpenIdKeys
) -> None:
    published.down = True
    with pytest.raises(KeysUnavailable):
        await openid.get("a")
    time.t += FAILURE_TTL - 1
    with pytest.raises(KeysUnavailable):
        await openid.get("a")
    assert published.fetches() == 1  # refused at once, no second fetch
    published.down = False
    time.t += 2
    assert (await openid.get("a")).endorsements == ["msteams"]
    assert published.fetches() == 2


async def test_expired_keys_are_not_used_when_they_cannot_be_fetched_again(
    published: Published, time: FakeTime, openid: OpenIdKeys
) -> None:
    await openid.get("a")
    published.down = True
    time.t += MAX_AGE
    with pytest.raises(KeysUnavailable):
        await openid.get("a")


async def test_an_unknown_key_id_is_refused_and_fetches_again_at_most_every_few_minutes(
    keys: dict[str, dict[str, Any]], published: Published, time: FakeTime, openid: OpenIdKeys
) -> None:
    await openid.get("a")
    for kid in ("attacker", "other", None, ""):
        with pytest.raises(PermissionError):
            await openid.get(kid)
    assert published.fetches() == 1
    # Later, Microsoft has rolled its keys: an unknown key id fetches them once more.
    published.keys = [keys["a"], keys["b"]]
    time.t += KID_REFETCH
    assert (await openid.get("b")).endorsements == ["msteams"]
    assert published.fetches() == 2


def test_malformed_published_keys_are_left_out(keys: dict[str, dict[str, Any]]) -> None:
    broken = {"kty": "RSA", "kid": "broken", "n": "!!", "e": "AQAB"}
    parsed = parse_keys({"keys": [keys["a"], broken, {"kid": 7}, "x", {"kty": "RSA"}]})
    assert list(parsed) == ["a"]
    assert parse_keys({"keys": "nope"}) == {} and parse_keys([]) == {}
