"""botbuilder's HTTP client, tuned: kept, over aiohttp, with our timeout and no hidden
retries; and its token checks refusing what they cannot validate with a 401 (keys.py fetches
the keys they need).

botbuilder's HTTP layer (msrest over `requests`) would otherwise send from a worker thread and
retry on its own with real sleeps there, unseen and with a 100 s timeout: `TunedAuthentication`
gives every connector client the adapter creates our timeout and our sender (transport.py),
which does not retry.
"""

from __future__ import annotations

from typing import Any

from botbuilder.schema import Activity
from botframework.connector.aio import ConnectorClient  # type: ignore[import-untyped]
from botframework.connector.auth import (  # type: ignore[import-untyped]
    AuthenticateRequestResult,
    AuthenticationConstants,
    BotFrameworkAuthentication,
    ClaimsIdentity,
    ConnectorFactory,
    UserTokenClient,
)

from bot.teams.keys import KeysUnavailable
from bot.teams.transport import Sessions, use_aiohttp

MAX_CLIENTS = 64


def tune_client(client: ConnectorClient, timeout: float, sessions: Sessions) -> None:
    """Our timeout and our sender for one connector client. msrest's own sender (`requests` in
    a worker thread) mounts urllib3's Retry: 3 tries, backoff with time.sleep, Retry-After
    honoured by sleeping the thread, for 408/5xx and for connection and read errors of PUTs, and
    a 100 s timeout. Retries belong to the port, where they are paced, counted and never blind
    for a POST: ours (transport.py) never retries."""
    client.config.connection.timeout = timeout
    use_aiohttp(client, sessions)


# Connector clients kept, by the bot's app id, the service URL and the audience.
ClientKey = tuple[str | None, str, str | None]


class TunedConnectorFactory(ConnectorFactory):  # type: ignore[misc]
    """Tuned connector clients (above), one per app id, service URL and audience, kept for
    every later call instead of one made per call as botbuilder's CloudAdapter does.

    Why: a new client brings new credentials, and with them a new MSAL application whose token
    cache is empty — every proactive send (each post and each card update) would fetch a token
    from Microsoft's sign-in service first, synchronously, in the event loop. A kept client
    signs in once per token lifetime (MSAL renews it); the connections to the Bot Connector
    are the app's aiohttp session's (transport.py), kept across clients."""

    def __init__(
        self,
        inner: ConnectorFactory,
        timeout: float,
        clients: dict[ClientKey, ConnectorClient],
        app_id: str | None,
        sessions: Sessions,
    ) -> None:
        self.inner, self.timeout, self.clients, self.app_id = inner, timeout, clients, app_id
        self.sessions = sessions

    async def create(self, service_url: str, audience: str | None = None) -> ConnectorClient:
        key = (self.app_id, service_url, audience)
        client = self.clients.get(key)
        if client is None:
            client = await self.inner.create(service_url, audience)
            tune_client(client, self.timeout, self.sessions)
            if len(self.clients) >= MAX_CLIENTS:  # service URLs are few; never grow unbounded
                self.clients.clear()
            self.clients[key] = client
        return client


class TunedAuthentication(BotFrameworkAuthentication):  # type: ignore[misc]
    """The adapter's BotFrameworkAuthentication with every connector client tuned (above);
    everything else is the wrapped object's."""

    def __init__(self, inner: BotFrameworkAuthentication, timeout: float) -> None:
        self.inner, self.timeout = inner, timeout
        # CloudAdapter asks for a user-token client on every activity; the bot uses no user
        # tokens, and the client depends only on the bot's app id: made once per app id
        # instead of once per activity (~1 ms each, issue 21's Teams profile).
        self.user_token_clients: dict[str | None, UserTokenClient] = {}
        self.connector_clients: dict[ClientKey, ConnectorClient] = {}
        self.sessions = Sessions()  # the HTTP connections of every connector client

    async def close(self) -> None:
        await self.sessions.close()

    async def authenticate_request(
        self, activity: Activity, auth_header: str
    ) -> AuthenticateRequestResult:
        try:
            result = await self.inner.authenticate_request(activity, auth_header)
        except (PermissionError, KeysUnavailable):
            raise  # 401 from CloudAdapter; 503 from TeamsApp (not the caller's fault)
        except Exception as exc:
            # botbuilder 4.17.1 raises IndexError for an unknown or missing key id and a bare
            # Exception for a disallowed algorithm or a key not endorsed for Teams: all mean
            # "not authenticated" (401), not a fault of ours (500).
            raise PermissionError("Unauthorized. The token could not be validated.") from exc
        # The client CloudAdapter makes for the activity's own turn: a kept one too.
        if result.claims_identity is not None:
            factory = self._tuned(result.connector_factory, result.claims_identity)
            result.connector_factory = factory
        return result

    async def authenticate_streaming_request(
        self, auth_header: str, channel_id_header: str
    ) -> AuthenticateRequestResult:
        return await self.inner.authenticate_streaming_request(auth_header, channel_id_header)

    def create_connector_factory(self, claims_identity: ClaimsIdentity) -> ConnectorFactory:
        return self._tuned(self.inner.create_connector_factory(claims_identity), claims_identity)

    def _tuned(
        self, factory: ConnectorFactory | None, claims_identity: ClaimsIdentity
    ) -> ConnectorFactory | None:
        if factory is None:  # botbuilder makes none for some callers (skills, emulator)
            return None
        app_id = _app_id(claims_identity)
        clients = self.connector_clients
        return TunedConnectorFactory(factory, self.timeout, clients, app_id, self.sessions)

    async def create_user_token_client(self, claims_identity: ClaimsIdentity) -> UserTokenClient:
        app_id = _app_id(claims_identity)
        client = self.user_token_clients.get(app_id)
        if client is None:
            client = await self.inner.create_user_token_client(claims_identity)
            self.user_token_clients[app_id] = client
        return client

    def create_bot_framework_client(self) -> Any:
        return self.inner.create_bot_framework_client()

    def get_originating_audience(self) -> str:
        return str(self.inner.get_originating_audience())

    async def authenticate_channel_request(self, auth_header: str) -> ClaimsIdentity:
        return await self.inner.authenticate_channel_request(auth_header)

    async def generate_caller_id(self, **kwargs: Any) -> str | None:
        caller: str | None = await self.inner.generate_caller_id(**kwargs)
        return caller


def _app_id(claims_identity: ClaimsIdentity) -> str | None:
    """The bot's app id as botbuilder reads it: the audience claim, else the appid claim."""
    app_id: str | None = claims_identity.get_claim_value(
        AuthenticationConstants.AUDIENCE_CLAIM
    ) or claims_identity.get_claim_value(AuthenticationConstants.APP_ID_CLAIM)
    return app_id
