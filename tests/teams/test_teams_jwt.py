"""Teams in production mode (an app id and password) with real, signature-valid JWTs.

The Bot Connector signs each request's token with a key published at
login.botframework.com (OpenID metadata → JWKS). Here the test holds the private key:
botbuilder's own validation (JwtTokenExtractor → PyJWT, then ChannelValidation's issuer,
audience and serviceurl checks) runs unchanged with its keys from our key source
(bot/teams/keys.py), and `Microsoft` below serves the metadata and our public key as a JWK
(kid, endorsements) from an aiohttp server on loopback — the key source's fetch sends
Microsoft's two URLs there. botbuilder's own blocking fetch (`requests`) must never run.

The bot's outbound token (MSAL against login.microsoftonline.com) is the other network path:
`MicrosoftAppCredentials.get_access_token` returns a fixed string, and the fake connector
records the Authorization header it is sent with. A guard on socket.getaddrinfo fails the test
should anything try to resolve a host that is not loopback.

Token times are real epoch seconds because PyJWT checks `exp`/`nbf` against the system clock
(with botbuilder's 5-minute leeway); every case keeps minutes of margin from the boundary.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

import jwt
import pytest
from aiohttp import web
from botframework.connector.auth import (  # type: ignore[import-untyped]
    AuthenticationConstants,
    MicrosoftAppCredentials,
)
from botframework.connector.auth import jwt_token_extractor as extractor
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from bot.clock import FakeClock
from bot.teams.keys import KeyRegistry, fetch_json
from bot.teams.settings import TeamsSettings
from bot.teams.testing import (
    CHANNEL,
    FakeConnector,
    FakeTime,
    TeamsBot,
    message,
    running_bot,
    teams_settings,
)

APP_ID = "4b1c5e2a-0000-4000-8000-00000000b07a"
OTHER_APP_ID = "9d0f3c7e-0000-4000-8000-0000000e71de"  # someone else's bot
ISSUER = AuthenticationConstants.TO_BOT_FROM_CHANNEL_TOKEN_ISSUER  # https://api.botframework.com
METADATA_URL = AuthenticationConstants.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL
JWKS_URL = "https://login.botframework.com/v1/.well-known/keys"
KID = "lovende-test-signing-key"
OUTBOUND_TOKEN = "outbound-token-for-tests"
SKEW = 5 * 60  # ChannelValidation's clock_tolerance
LOOPBACK = {None, "127.0.0.1", "::1", "localhost"}


@pytest.fixture(scope="module")
def microsoft_key() -> rsa.RSAPrivateKey:
    """The key the (fake) Bot Connector signs with; its public half is published as a JWK."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def attacker_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class Microsoft:
    """login.botframework.com's OpenID metadata and signing keys, on loopback.

    `fetch` is the key source's fetch: it records the URL asked for and gets it from the local
    server. `hang` makes the key endpoint hold its answer until the test ends; `fail` answers
    that many key requests with 500. `asked` is set when a key request arrives; `gives_up` is
    the key source's deadline, which runs out when the test sets it."""

    keys: list[dict[str, Any]]
    fetched: list[str] = field(default_factory=list)
    hang: bool = False
    fail: int = 0
    asked: asyncio.Event = field(default_factory=asyncio.Event)
    gives_up: asyncio.Event = field(default_factory=asyncio.Event)
    ends: asyncio.Event = field(default_factory=asyncio.Event)
    time: FakeTime = field(default_factory=FakeTime)
    url: str = ""
    _runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/metadata", self.metadata)
        app.router.add_get("/keys", self.published)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"

    async def stop(self) -> None:
        self.ends.set()  # a held answer goes now
        if self._runner is not None:
            await self._runner.cleanup()

    async def fetch(self, url: str) -> Any:
        self.fetched.append(url)
        local = {METADATA_URL: "/metadata", JWKS_URL: "/keys"}.get(url)
        if local is None:
            raise AssertionError(f"unexpected request to {url}")
        return await fetch_json(self.url + local)

    async def deadline(self) -> None:
        await self.gives_up.wait()

    def registry(self, **kw: Any) -> KeyRegistry:
        options: dict[str, Any] = {"deadline": self.deadline, **kw}
        return KeyRegistry(fetch=self.fetch, now=self.time.now, **options)

    async def metadata(self, _request: web.Request) -> web.Response:
        return web.json_response({"issuer": ISSUER, "jwks_uri": JWKS_URL})

    async def published(self, _request: web.Request) -> web.Response:
        self.asked.set()
        if self.hang:
            await self.ends.wait()
        if self.fail:
            self.fail -= 1
            return web.json_response({"error": "unavailable"}, status=500)
        return web.json_response({"keys": self.keys})


class NoRequests:
    """botbuilder's blocking fetch, refused: the key source must do all the fetching."""

    def get(self, url: str, *_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError(f"botbuilder fetched {url} itself, blocking the event loop")


def jwk(key: rsa.RSAPrivateKey, kid: str, endorsements: list[str]) -> dict[str, Any]:
    public: dict[str, Any] = RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
    return {**public, "kid": kid, "use": "sig", "endorsements": endorsements}


@pytest.fixture
async def microsoft(
    microsoft_key: rsa.RSAPrivateKey, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Microsoft]:
    published = Microsoft([jwk(microsoft_key, KID, ["msteams", "webchat"])])
    monkeypatch.setattr(extractor, "requests", NoRequests())
    await published.start()
    try:
        yield published
    finally:
        await published.stop()


@pytest.fixture
def outbound_tokens(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each time the bot asked for its own token (MSAL would ask login.microsoftonline.com)."""
    asked: list[str] = []

    def get_access_token(self: MicrosoftAppCredentials, force_refresh: bool = False) -> str:
        asked.append(self.microsoft_app_id)
        return OUTBOUND_TOKEN

    monkeypatch.setattr(MicrosoftAppCredentials, "get_access_token", get_access_token)
    return asked


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Fail any name lookup of a non-loopback host (what every outbound connection needs)."""
    refused: list[str] = []
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if name not in LOOPBACK:
            refused.append(str(name))
            raise OSError(f"no network in tests: {name}")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield refused
    assert refused == [], refused


@pytest.fixture
async def secured(
    database_url: str,
    clock: FakeClock,
    connector: FakeConnector,
    microsoft: Microsoft,
    outbound_tokens: list[str],
) -> AsyncIterator[TeamsBot]:
    settings = teams_settings(app_id=APP_ID, app_password="hemmelig-klient-nøgle")
    async with running_bot(database_url, clock, connector, settings, microsoft.registry()) as bot:
        yield bot


def token(
    key: rsa.RSAPrivateKey,
    service_url: str,
    *,
    audience: str = APP_ID,
    expires_in: int = 3600,
    not_before: int = -60,
    kid: str | None = KID,
    **claims: Any,
) -> str:
    """A token shaped like the Bot Connector's (iss, aud, serviceurl, nbf, exp), RS256."""
    now = int(time.time())
    payload = {
        "iss": ISSUER,
        "aud": audience,
        "serviceurl": service_url,
        "nbf": now + not_before,
        "exp": now + expires_in,
        **claims,
    }
    headers = {"kid": kid} if kid is not None else {}
    return jwt.encode(payload, key, algorithm="RS256", headers=headers)


async def send(bot: TeamsBot, activity: dict[str, Any], bearer: str) -> int:
    headers = {"Authorization": f"Bearer {bearer}"}
    response = await bot.client.post("/api/messages", json=activity, headers=headers)
    await response.read()
    await bot.teams.settle()  # the turn runs after the answer
    return response.status


# ---- accepted ----


@pytest.mark.parametrize(
    "expires_in", [3600, 60 - SKEW], ids=["valid", "expired-within-clock-skew"]
)
async def test_a_signature_valid_token_for_our_app_is_accepted_and_the_turn_runs(
    secured: TeamsBot,
    connector: FakeConnector,
    microsoft: Microsoft,
    microsoft_key: rsa.RSAPrivateKey,
    outbound_tokens: list[str],
    expires_in: int,
) -> None:
    activity = message("Anna", "start Recovery", connector.url)
    status = await send(
        secured, activity, token(microsoft_key, connector.url, expires_in=expires_in)
    )
    assert 200 <= status < 300
    posts = connector.posts()
    assert [p.conversation_id for p in posts] == [CHANNEL, CHANNEL]  # intro and progress
    assert "Recovery" in posts[0].text
    assert await secured.rows_kept() > 0
    # Microsoft's keys were fetched once (through the seam); the replies carried the bot's
    # own token for its own app id.
    assert microsoft.fetched == [METADATA_URL, JWKS_URL]
    assert set(outbound_tokens) == {APP_ID}
    assert connector.authorizations and set(connector.authorizations) == {
        f"Bearer {OUTBOUND_TOKEN}"
    }

    # A second request with a new token: the published keys are cached, not fetched again.
    again = message("Anna", "status", connector.url)
    assert 200 <= await send(secured, again, token(microsoft_key, connector.url)) < 300
    assert microsoft.fetched == [METADATA_URL, JWKS_URL]


# ---- refused: 401, nothing stored, nothing sent ----


@dataclass(frozen=True)
class Bad:
    """How a refused token differs from the accepted one."""

    audience: str = APP_ID
    expires_in: int = 3600
    not_before: int = -60
    signed_by_attacker: bool = False
    service_url: str | None = None  # None: the activity's own serviceUrl


REFUSED = {
    "another-app-id": Bad(audience=OTHER_APP_ID),
    "bot-framework-as-audience": Bad(audience=ISSUER),
    "expired-beyond-clock-skew": Bad(expires_in=-SKEW - 300),
    "not-yet-valid": Bad(not_before=SKEW + 300),
    "other-key-same-kid": Bad(signed_by_attacker=True),
    "serviceurl-claim-differs": Bad(service_url="https://smba.evil.example/emea/"),
}


@pytest.mark.parametrize("bad", REFUSED.values(), ids=REFUSED.keys())
async def test_a_token_that_fails_validation_gets_401_and_nothing_is_stored(
    secured: TeamsBot,
    connector: FakeConnector,
    microsoft_key: rsa.RSAPrivateKey,
    attacker_key: rsa.RSAPrivateKey,
    outbound_tokens: list[str],
    bad: Bad,
) -> None:
    activity = message("Anna", "start Recovery", connector.url)
    signer = attacker_key if bad.signed_by_attacker else microsoft_key
    bearer = token(
        signer,
        bad.service_url or connector.url,
        audience=bad.audience,
        expires_in=bad.expires_in,
        not_before=bad.not_before,
    )
    assert await send(secured, activity, bearer) == 401
    assert await secured.rows_kept() == 0
    assert connector.calls == [] and outbound_tokens == []


async def test_the_same_token_is_accepted_for_us_and_refused_for_another_app_id(
    secured: TeamsBot, connector: FakeConnector, microsoft_key: rsa.RSAPrivateKey
) -> None:
    """One token body, only `aud` changed: the signature is valid either way."""
    foreign = token(microsoft_key, connector.url, audience=OTHER_APP_ID)
    assert await send(secured, message("Anna", "hjælp", connector.url), foreign) == 401
    assert await secured.rows_kept() == 0 and connector.calls == []
    ours = token(microsoft_key, connector.url)
    assert 200 <= await send(secured, message("Anna", "hjælp", connector.url), ours) < 300
    assert await secured.rows_kept() > 0 and connector.posts()


async def test_the_serviceurl_claim_must_match_the_activity(
    secured: TeamsBot, connector: FakeConnector, microsoft_key: rsa.RSAPrivateKey
) -> None:
    """botbuilder compares the claim with the activity's serviceUrl as strings (exact match):
    a token issued for one Bot Connector region cannot direct replies to another URL, and a
    token without the claim is refused too (PermissionError → 401 from CloudAdapter)."""
    activity = message("Anna", "start Recovery", connector.url)
    without_slash = connector.url.rstrip("/")
    for bearer in (
        token(microsoft_key, without_slash),  # the same URL spelled differently
        token(microsoft_key, connector.url, serviceurl=None),  # the claim is empty
    ):
        assert await send(secured, activity, bearer) == 401
    assert await secured.rows_kept() == 0 and connector.calls == []


# ---- tokens no published key validates ----
# botbuilder raises PermissionError (→ 401 from CloudAdapter) or a PyJWT error (→ 401 in
# TeamsApp.messages) for the cases above; for these our key source raises PermissionError (no
# published key with the token's kid; botbuilder's own `_OpenIdMetadata._find` raised
# IndexError) or botbuilder a bare Exception ("Token signing algorithm not in allowed list",
# "Could not validate endorsement key"), which `TunedAuthentication` (bot/teams/client.py)
# turns into a 401 too.

UNMATCHED = ["unknown-kid", "no-kid", "hs256-shared-secret", "alg-none", "key-not-for-msteams"]


def unmatched_token(
    case: str,
    service_url: str,
    microsoft: Microsoft,
    microsoft_key: rsa.RSAPrivateKey,
    attacker_key: rsa.RSAPrivateKey,
) -> str:
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": APP_ID, "serviceurl": service_url, "exp": now + 3600}
    if case == "unknown-kid":
        return token(attacker_key, service_url, kid="attacker-key")
    if case == "no-kid":
        return token(microsoft_key, service_url, kid=None)
    if case == "hs256-shared-secret":
        return jwt.encode(claims, "delt-hemmelighed-" * 3, algorithm="HS256", headers={"kid": KID})
    if case == "alg-none":
        return jwt.encode(claims, "", algorithm="none", headers={"kid": KID})
    assert case == "key-not-for-msteams"  # Microsoft's key, endorsed for other channels only
    microsoft.keys[:] = [jwk(microsoft_key, KID, ["webchat", "slack"])]
    return token(microsoft_key, service_url)


@pytest.mark.parametrize("case", UNMATCHED)
async def test_a_token_no_published_key_validates_gets_401_and_nothing_is_stored(
    secured: TeamsBot,
    connector: FakeConnector,
    microsoft: Microsoft,
    microsoft_key: rsa.RSAPrivateKey,
    attacker_key: rsa.RSAPrivateKey,
    outbound_tokens: list[str],
    case: str,
) -> None:
    bearer = unmatched_token(case, connector.url, microsoft, microsoft_key, attacker_key)
    status = await send(secured, message("Anna", "start Recovery", connector.url), bearer)
    assert status == 401
    assert await secured.rows_kept() == 0
    assert connector.calls == [] and outbound_tokens == []


# ---- Microsoft's keys out of reach: no request is held up, none gets a 500 ----


async def test_a_hanging_key_endpoint_holds_up_no_other_request_and_is_answered_503(
    secured: TeamsBot,
    connector: FakeConnector,
    microsoft: Microsoft,
    microsoft_key: rsa.RSAPrivateKey,
) -> None:
    """botbuilder fetched the keys with a blocking `requests.get` without timeout: the whole
    server (Slack included) stood still while the key endpoint hung, then answered 500."""
    microsoft.hang = True
    bearer = token(microsoft_key, connector.url)
    waiting = [
        asyncio.ensure_future(
            send(secured, message("Anna", "start Recovery", connector.url), bearer)
        )
        for _ in range(3)
    ]
    await asyncio.wait_for(microsoft.asked.wait(), 30)  # the key request is out, unanswered
    health = await asyncio.wait_for(secured.client.get("/healthz"), 30)
    assert health.status == 200
    assert not any(w.done() for w in waiting)  # they wait for the keys; nothing else does
    microsoft.gives_up.set()  # the key source's deadline runs out
    assert await asyncio.gather(*waiting) == [503, 503, 503]
    assert microsoft.fetched == [METADATA_URL, JWKS_URL]  # one fetch for all of them
    assert await secured.rows_kept() == 0 and connector.calls == []


async def test_a_failing_key_endpoint_gets_503_and_the_bot_recovers_by_itself(
    secured: TeamsBot,
    connector: FakeConnector,
    microsoft: Microsoft,
    microsoft_key: rsa.RSAPrivateKey,
    attacker_key: rsa.RSAPrivateKey,
) -> None:
    microsoft.fail = 1
    bearer = token(microsoft_key, connector.url)
    headers = {"Authorization": f"Bearer {bearer}"}
    first = message("Anna", "start Recovery", connector.url)
    response = await secured.client.post("/api/messages", json=first, headers=headers)
    assert response.status == 503 and response.headers["Retry-After"] == "30"
    # Within the next 30 s the failure is remembered: refused at once, not fetched again.
    assert await send(secured, message("Anna", "start Recovery", connector.url), bearer) == 503
    assert microsoft.fetched == [METADATA_URL, JWKS_URL]
    assert await secured.rows_kept() == 0 and connector.calls == []

    microsoft.time.t += 31  # the failure is forgotten; the endpoint answers again
    assert await send(secured, message("Anna", "start Recovery", connector.url), bearer) == 201
    assert microsoft.fetched == [METADATA_URL, JWKS_URL] * 2
    assert "Recovery" in connector.posts()[0].text
    # A bad token is still a 401, with the keys in hand (no new fetch).
    forged = token(attacker_key, connector.url)
    assert await send(secured, message("Anna", "status", connector.url), forged) == 401
    assert microsoft.fetched == [METADATA_URL, JWKS_URL] * 2


async def test_a_key_fetch_is_given_up_after_its_timeout(
    database_url: str,
    clock: FakeClock,
    connector: FakeConnector,
    microsoft: Microsoft,
    microsoft_key: rsa.RSAPrivateKey,
    outbound_tokens: list[str],
) -> None:
    """The real timeout (not the test's deadline): a short one, against an endpoint that
    never answers."""
    microsoft.hang = True
    settings = teams_settings(app_id=APP_ID, app_password="hemmelig-klient-nøgle")
    keys = microsoft.registry(deadline=None, timeout=0.05)
    async with running_bot(database_url, clock, connector, settings, keys) as bot:
        bearer = token(microsoft_key, connector.url)
        assert await send(bot, message("Anna", "start Recovery", connector.url), bearer) == 503
        assert await bot.rows_kept() == 0 and connector.calls == []


class FakeMsalApp:
    """MSAL's ConfidentialClientApplication as botbuilder uses it: a token cache of its own
    (empty in a new application), a sign-in to login.microsoftonline.com when it is empty."""

    sign_ins: ClassVar[list[str]] = []
    on_the_loop: ClassVar[list[bool]] = []  # each ask: whether it ran in the event loop's thread
    hang: ClassVar[threading.Event | None] = None  # set: the sign-in waits until it is set

    def __init__(self, client_id: str, client_credential: str, authority: str) -> None:
        self.client_id, self.token = client_id, None

    def acquire_token_silent(self, scopes: list[str], account: object) -> dict[str, Any] | None:
        FakeMsalApp.on_the_loop.append(threading.current_thread() is threading.main_thread())
        return self.token

    def acquire_token_for_client(self, scopes: list[str]) -> dict[str, Any]:
        FakeMsalApp.sign_ins.append(self.client_id)
        if FakeMsalApp.hang is not None:
            FakeMsalApp.hang.wait(30)  # (a bound, against a hung test)
        self.token = {"access_token": OUTBOUND_TOKEN, "token_type": "Bearer"}
        return self.token


@pytest.fixture
def signing_in(monkeypatch: pytest.MonkeyPatch) -> TeamsSettings:
    """The bot's settings with an app id and password; MSAL is `FakeMsalApp`, its records new."""
    from botframework.connector.auth import microsoft_app_credentials

    monkeypatch.setattr(FakeMsalApp, "sign_ins", [])
    monkeypatch.setattr(FakeMsalApp, "on_the_loop", [])
    monkeypatch.setattr(FakeMsalApp, "hang", None)
    monkeypatch.setattr(microsoft_app_credentials, "ConfidentialClientApplication", FakeMsalApp)
    return teams_settings(app_id=APP_ID, app_password="hemmelig-klient-nøgle")


@pytest.fixture
async def signed_in_bot(
    database_url: str,
    clock: FakeClock,
    connector: FakeConnector,
    microsoft: Microsoft,
    signing_in: TeamsSettings,
) -> AsyncIterator[TeamsBot]:
    """A bot with an app id, signing in to the fake MSAL for its own token."""
    async with running_bot(database_url, clock, connector, signing_in, microsoft.registry()) as bot:
        yield bot


async def test_the_bot_signs_in_to_microsoft_once_not_for_every_send(
    signed_in_bot: TeamsBot, connector: FakeConnector, microsoft_key: rsa.RSAPrivateKey
) -> None:
    """botbuilder's CloudAdapter makes a new connector client, with new credentials and so a
    new MSAL application with an empty token cache, for every proactive send: each post and
    card update would first fetch a token from Microsoft, synchronously (issue 21). The
    clients are kept (bot/teams/client.py): one sign-in for the whole run."""
    for text in ("start Recovery", "status", "hjælp"):
        activity = message("Anna", text, connector.url)
        bearer = token(microsoft_key, connector.url)
        assert 200 <= await send(signed_in_bot, activity, bearer) < 300
    assert len(connector.calls) >= 4  # the round's two posts and two replies at least
    assert set(connector.authorizations) == {f"Bearer {OUTBOUND_TOKEN}"}
    assert FakeMsalApp.sign_ins == [APP_ID]


async def test_a_sign_in_to_microsoft_that_hangs_holds_up_no_other_request(
    signed_in_bot: TeamsBot, connector: FakeConnector, microsoft_key: rsa.RSAPrivateKey
) -> None:
    """MSAL signs in with a blocking HTTPS call when its cache has no good token (hourly, and
    for as long as Microsoft's sign-in hangs). Asked on the event loop, as msrest's policy did,
    it stopped every request of the server meanwhile; the token is now asked for in a worker
    thread (bot/teams/transport.BearerToken): the sends wait for it, nothing else does."""
    bot = signed_in_bot
    hang = FakeMsalApp.hang = threading.Event()  # (the fixture puts None back)
    try:
        bearer = token(microsoft_key, connector.url)
        headers = {"Authorization": f"Bearer {bearer}"}
        activity = message("Anna", "start Recovery", connector.url)
        answer = await bot.client.post("/api/messages", json=activity, headers=headers)
        assert answer.status == 201  # kept and answered; its turn waits for the token
        for _ in range(200):  # (bounded: until the turn's first send asks for the token)
            if FakeMsalApp.sign_ins:
                break
            await asyncio.sleep(0.01)
        assert FakeMsalApp.sign_ins == [APP_ID] and connector.calls == []
        health = await asyncio.wait_for(bot.client.get("/healthz"), 5)
        assert health.status == 200  # the server answers while the sign-in hangs
    finally:
        hang.set()
    await bot.teams.settle()
    assert connector.calls and set(connector.authorizations) == {f"Bearer {OUTBOUND_TOKEN}"}
    assert FakeMsalApp.on_the_loop and not any(FakeMsalApp.on_the_loop)
    assert FakeMsalApp.sign_ins == [APP_ID]
