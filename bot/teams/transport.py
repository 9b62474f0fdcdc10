"""The Bot Connector's HTTP calls over aiohttp, on the event loop, instead of msrest's default:
`requests` run in the default thread pool.

Why (issue 21's Teams profile, 10 people clicking in one channel): each card update went
through a `requests` session in a worker thread — the call itself, http.client's header parsing
(the `email` package) and the hand-offs between the thread and the loop took about a third of
the process's CPU, competing for the GIL with the turns and acknowledgements on the loop. The
default pool also has only a few threads (cores + 4), so a burst of sends queued behind them.

What stays botbuilder's: the generated connector operations, msrest's serialisation and its
pipeline policies (user agent, the JSON answer read into the operation's model). What is ours:
the sender (`AiohttpSender`) and the credentials policy (`BearerToken`), which sets the same
header `AppCredentials.signed_session` sets on a `requests` session, but asks MSAL for the token
off the event loop.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections.abc import Callable, MutableMapping
from typing import Any

import aiohttp
import certifi
from botframework.connector.aio import ConnectorClient  # type: ignore[import-untyped]
from msrest.pipeline import Request, Response
from msrest.pipeline.async_abc import AsyncHTTPPolicy, AsyncHTTPSender, AsyncPipeline
from msrest.pipeline.universal import RawDeserializer
from msrest.universal_http import ClientRequest
from msrest.universal_http.async_abc import AsyncClientResponse


class Answer(AsyncClientResponse):
    """An answer read whole (the connector's are small JSON documents)."""

    def __init__(self, request: ClientRequest, answer: aiohttp.ClientResponse, body: bytes) -> None:
        super().__init__(request, answer)
        self.status_code = answer.status
        self.headers: MutableMapping[str, str] = dict(answer.headers)
        self.reason = answer.reason
        self._body = body

    def body(self) -> bytes:
        return self._body


class Sessions:
    """One aiohttp session for every connector client of an app (made on first use, inside
    the running loop; closed when the app stops)."""

    def __init__(self) -> None:
        self._session: aiohttp.ClientSession | None = None

    def get(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            # As `requests` did: certifi's CA bundle, and a proxy from HTTPS_PROXY and friends.
            tls = ssl.create_default_context(cafile=certifi.where())
            connector = aiohttp.TCPConnector(ssl=tls)
            self._session = aiohttp.ClientSession(connector=connector, trust_env=True)
            # aiohttp sends a PUT again on its own when a kept connection closes before the
            # answer (the request may have arrived). Retries belong to the port, where they
            # are paced and counted (connector_calls.py): no hidden one here.
            self._session._retry_connection = False
        return self._session

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None


class AiohttpSender(AsyncHTTPSender[ClientRequest, Answer]):
    """Sends a pipeline's request with aiohttp; the whole answer is read before returning."""

    def __init__(self, sessions: Sessions, timeout: float) -> None:
        self.sessions = sessions
        self.timeout = aiohttp.ClientTimeout(total=timeout)

    async def __aexit__(self, *_exc: object) -> None:
        """The session outlives any one pipeline (Sessions.close ends it)."""

    async def send(
        self, request: Request[ClientRequest], **_config: Any
    ) -> Response[ClientRequest, Answer]:
        http: ClientRequest = request.http_request
        if http.files:  # no connector call of ours uploads a form (files go as links)
            raise ValueError("multipart requests are not sent over aiohttp here")
        # aiohttp measures the body itself (msrest counts a JSON text's characters, not bytes)
        headers = {k: v for k, v in http.headers.items() if k.lower() != "content-length"}
        session = self.sessions.get()
        async with session.request(
            http.method,
            http.url,
            headers=headers,
            data=http.data,
            timeout=self.timeout,
            allow_redirects=False,
        ) as answer:
            body = await answer.read()
        return Response(request, Answer(http, answer, body))


# How long a token from MSAL is used before MSAL is asked again. MSAL never hands out a token
# with less than 5 minutes left (it signs in anew instead), so one kept this long is still good.
TOKEN_REUSE = 240.0  # seconds


class BearerToken(AsyncHTTPPolicy[ClientRequest, Answer]):
    """The bot's token on every call, as `AppCredentials.signed_session` puts it on a
    `requests` session: none without an app id (the local, unauthenticated mode).

    MSAL is asked in a worker thread: when its cache has no good token it signs in to
    login.microsoftonline.com with a blocking HTTPS call, which on the event loop would stop
    every request of the server while it lasts (hourly, or for as long as Microsoft's sign-in
    hangs). One ask at a time; the token is kept `TOKEN_REUSE` seconds in between."""

    def __init__(self, credentials: Any, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.credentials, self.clock = credentials, clock
        self._kept: tuple[str, float] | None = None  # (token, when MSAL gave it)
        self._asking = asyncio.Lock()

    async def send(
        self, request: Request[ClientRequest], **kwargs: Any
    ) -> Response[ClientRequest, Answer]:
        headers = request.http_request.headers
        if self.credentials is not None and self.credentials._should_set_token(None):
            headers["Authorization"] = f"Bearer {await self._token()}"
        else:
            headers.pop("Authorization", None)
        assert self.next is not None  # (AsyncPipeline links every policy to the next)
        response: Response[ClientRequest, Answer] = await self.next.send(request, **kwargs)
        return response

    def _fresh(self) -> str | None:
        kept = self._kept
        if kept is not None and self.clock() - kept[1] < TOKEN_REUSE:
            return kept[0]
        return None

    async def _token(self) -> str:
        token = self._fresh()
        if token is not None:
            return token
        async with self._asking:
            token = self._fresh()  # (asked meanwhile by the call before this one)
            if token is None:
                token = str(await asyncio.to_thread(self.credentials.get_access_token))
                self._kept = (token, self.clock())
            return token


def use_aiohttp(client: ConnectorClient, sessions: Sessions) -> None:
    """Replace the client's pipeline (msrest's default policies, with the credentials and the
    sender ours); the client's other settings stay."""
    config = client.config
    policies = [
        config.user_agent_policy,
        BearerToken(config.credentials),
        RawDeserializer(),
        config.http_logger_policy,
    ]
    config.pipeline = AsyncPipeline(policies, AiohttpSender(sessions, config.connection.timeout))
