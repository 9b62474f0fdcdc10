"""The Web API client: slack-sdk's retry handlers — with the sleep injected — for 429
(honouring `Retry-After`), server errors and connection failures; failures as DeliveryError.

A request that failed after it was sent (no answer, the connection dropped, a gateway error)
may still have been carried out by Slack. Idempotent methods are simply tried again; methods
that create something (`chat.postMessage`, `chat.postEphemeral`, completing an upload) are not
— the caller gets an `UncertainDelivery` and decides (the Sender looks a message up by the
marker in its metadata before posting it again). Every failure and retry is counted in
`bot.metrics` by method and kind.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient

from bot.metrics import PLATFORM_API_ERRORS, PLATFORM_API_RETRIES
from bot.ports import DeliveryError
from bot.slack.pacing import Sleep, Timing

log = logging.getLogger(__name__)

PLATFORM = "slack"
RETRYABLE = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)
MAX_RETRY_AFTER = 120.0
# Methods whose repetition would create a second message (or file share).
NOT_IDEMPOTENT = frozenset(
    {
        "chat.postMessage",
        "chat.postEphemeral",
        "chat.scheduleMessage",
        "files.completeUploadExternal",
    }
)
# Slack answered with an error: the request was not carried out, trying again is safe.
SERVER_ERRORS = frozenset({500, 503})
# A gateway's answer: Slack itself may or may not have carried the request out.
GATEWAY_ERRORS = frozenset({502, 504})
# The request never left: connecting failed.
NEVER_SENT: tuple[type[Exception], ...] = (
    aiohttp.ClientConnectorError,
    aiohttp.ConnectionTimeoutError,
)
# The request may have been sent and carried out; the answer was lost.
MAYBE_SENT: tuple[type[Exception], ...] = (
    aiohttp.ServerConnectionError,  # disconnected, read timeouts
    aiohttp.ClientOSError,  # connection reset by peer
    aiohttp.ClientPayloadError,
    asyncio.TimeoutError,  # the session's total timeout
)


def method_of(request: HttpRequest) -> str:
    """The API method of a request (`https://slack.com/api/chat.postMessage` → chat.postMessage);
    the upload URL of `files_upload_v2` becomes `upload`."""
    path = request.url.split("?", 1)[0].rstrip("/")
    return path.rsplit("/", 1)[-1] if "/api/" in path else "upload"


def status_of(response: HttpResponse | None, error: Exception | None) -> int | None:
    """The HTTP status of an answer (also of one whose body was not JSON: an error then)."""
    if response is not None:
        return response.status_code
    if isinstance(error, SlackApiError) and error.response is not None:
        return int(error.response.status_code)
    return None


def error_kind(response: HttpResponse | None, error: Exception | None) -> str | None:
    """rate_limited, server_error, timeout (no answer: timeouts and dropped connections) or
    client_error; None for a success."""
    status = status_of(response, error)
    if status == 429:
        return "rate_limited"
    if status is not None and status >= 500:
        return "server_error"
    if error is not None:
        return "timeout" if isinstance(error, NEVER_SENT + MAYBE_SENT) else "client_error"
    if response is None:
        return None
    if response.status_code >= 400:
        return "client_error"
    body = response.body if isinstance(response.body, dict) else {}
    if body.get("ok") is False:
        return "rate_limited" if body.get("error") == "ratelimited" else "client_error"
    return None


def safe_to_repeat(method: str, error: Exception) -> bool:
    """Whether a request that failed with `error` may be sent again without doing it twice."""
    if isinstance(error, NEVER_SENT):
        return True
    return isinstance(error, MAYBE_SENT) and method not in NOT_IDEMPOTENT


def retry_after(response: HttpResponse) -> float:
    for name, values in response.headers.items():
        if name.lower() == "retry-after":
            value = values[0] if isinstance(values, list) else values
            try:
                return min(max(float(value), 0.0), MAX_RETRY_AFTER)
            except (TypeError, ValueError):
                break
    return 1.0


# request, response, error -> whether to retry
Retryable = Callable[[HttpRequest, HttpResponse | None, Exception | None], bool]


class Backoff(AsyncRetryHandler):
    """Retries the failures `when` accepts, waiting with the injected sleep, and counts its
    retries."""

    def __init__(self, sleep: Sleep, when: Retryable, max_retry_count: int = 2) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.sleep, self.when = sleep, when

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return self.when(request, response, error)

    def delay(
        self, state: RetryState, response: HttpResponse | None, error: Exception | None
    ) -> float:
        """How long to wait before the next attempt."""
        return self.interval_calculator.calculate_sleep_duration(state.current_attempt)

    async def prepare_for_next_attempt_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        seconds = self.delay(state, response, error)
        state.next_attempt_requested = True
        PLATFORM_API_RETRIES.labels(PLATFORM, method_of(request)).inc()
        await self.sleep(seconds)
        state.increment_current_attempt()


def observed(request: HttpRequest, response: HttpResponse | None, error: Exception | None) -> bool:
    """Counts every failed call by method and kind; never asks for a retry itself (it runs
    first, so each failure is counted once whatever the handlers after it decide)."""
    kind = error_kind(response, error)
    if kind is not None:
        PLATFORM_API_ERRORS.labels(PLATFORM, method_of(request), kind).inc()
    return False


def rate_limited(
    _request: HttpRequest, response: HttpResponse | None, _e: Exception | None
) -> bool:
    return response is not None and response.status_code == 429


def server_failed(request: HttpRequest, response: HttpResponse | None, e: Exception | None) -> bool:
    """500 and 503 for every method (Slack said it failed); 502 and 504 — a gateway's answer,
    Slack may have done it — only for methods that are safe to repeat."""
    status = status_of(response, e)
    if status in SERVER_ERRORS:
        return True
    return status in GATEWAY_ERRORS and method_of(request) not in NOT_IDEMPOTENT


def connection_failed(request: HttpRequest, _r: HttpResponse | None, e: Exception | None) -> bool:
    """A connection that could not be made, for every method; no answer or a dropped
    connection only for methods that are safe to repeat."""
    return e is not None and safe_to_repeat(method_of(request), e)


class RateLimitRetry(Backoff):
    """429: wait `Retry-After` (slack-sdk does not retry 429s unless told to)."""

    def __init__(self, sleep: Sleep) -> None:
        super().__init__(sleep, rate_limited, max_retry_count=3)

    def delay(
        self, state: RetryState, response: HttpResponse | None, error: Exception | None
    ) -> float:
        if response is None:
            raise error or RuntimeError("rate limit retry without a response")
        log.info("Slack rate limit: retrying after %.1f s", retry_after(response))
        return retry_after(response)


def retry_handlers(sleep: Sleep) -> list[AsyncRetryHandler]:
    return [
        # Never retries: consulted on every failure (hence no limit on attempts), first.
        Backoff(sleep, observed, max_retry_count=1_000_000),
        Backoff(sleep, connection_failed),
        RateLimitRetry(sleep),
        Backoff(sleep, server_failed),
    ]


def web_client(
    base_url: str, token: str | None, timing: Timing, session: aiohttp.ClientSession | None
) -> AsyncWebClient:
    """A client; with a shared session, connections to Slack are kept alive and reused
    (bolt gives each request a copy of the app's client with the same session)."""
    return AsyncWebClient(
        token=token,
        base_url=base_url,
        session=session,
        retry_handlers=retry_handlers(timing.sleep),
    )


class UncertainDelivery(DeliveryError):
    """The request was sent but no answer came: Slack may or may not have carried it out."""


class ApiFailure(DeliveryError):
    """Slack answered with an error code (`not_in_channel`, `expired_trigger_id`…)."""

    def __init__(self, message: str, code: str, *, retryable: bool) -> None:
        super().__init__(message, retryable=retryable)
        self.code = code


# The bot is not in the channel (a private one it cannot see: channel_not_found).
NOT_A_MEMBER = frozenset({"not_in_channel", "channel_not_found"})


def not_a_member(exc: BaseException) -> bool:
    return isinstance(exc, ApiFailure) and exc.code in NOT_A_MEMBER


def maybe_sent(exc: Exception) -> bool:
    if isinstance(exc, SlackApiError):
        return exc.response is not None and exc.response.status_code in GATEWAY_ERRORS
    return isinstance(exc, MAYBE_SENT) and not isinstance(exc, NEVER_SENT)


def delivery_error(exc: Exception) -> DeliveryError:
    """A DeliveryError saying whether trying again may help (never with message text)."""
    if isinstance(exc, DeliveryError):
        return exc
    if maybe_sent(exc):
        what = (
            f"{exc.response.status_code}"
            if isinstance(exc, SlackApiError) and exc.response is not None
            else type(exc).__name__
        )
        return UncertainDelivery(f"Slack did not answer: {what}", retryable=True)
    if isinstance(exc, SlackApiError):
        code = str(exc.response.get("error", "")) if exc.response is not None else ""
        status = exc.response.status_code if exc.response is not None else 0
        retryable = status == 429 or status >= 500 or code in RETRYABLE
        message = f"Slack API error {status} {code}".strip()
        return ApiFailure(message, code, retryable=retryable)
    if isinstance(exc, aiohttp.ClientError | asyncio.TimeoutError | SlackClientError):
        return DeliveryError(f"Slack unreachable: {type(exc).__name__}", retryable=True)
    return DeliveryError(f"Slack call failed: {type(exc).__name__}", retryable=False)


def api_error(exc: Exception) -> str | None:
    """The `error` code of a Slack API failure (e.g. `not_in_channel`), else None."""
    if isinstance(exc, SlackApiError) and exc.response is not None:
        return str(exc.response.get("error", "")) or None
    return None
