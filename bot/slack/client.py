"""The Web API client: slack-sdk's retry handlers for 429 (honouring `Retry-After`), server
errors and dropped connections — with the sleep injected — and failures as DeliveryError."""

from __future__ import annotations

import asyncio
import logging

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient

from bot.ports import DeliveryError
from bot.slack.pacing import Sleep, Timing

log = logging.getLogger(__name__)

RETRYABLE = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)
MAX_RETRY_AFTER = 120.0


def retry_after(response: HttpResponse) -> float:
    for name, values in response.headers.items():
        if name.lower() == "retry-after":
            value = values[0] if isinstance(values, list) else values
            try:
                return min(max(float(value), 0.0), MAX_RETRY_AFTER)
            except (TypeError, ValueError):
                break
    return 1.0


class RateLimitRetry(AsyncRateLimitErrorRetryHandler):
    """slack-sdk's 429 handler; waits `Retry-After` with the injected sleep."""

    def __init__(self, sleep: Sleep, max_retry_count: int = 3) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.sleep = sleep

    async def prepare_for_next_attempt_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        if response is None:
            raise error or RuntimeError("rate limit retry without a response")
        state.next_attempt_requested = True
        log.info("Slack rate limit: retrying after %.1f s", retry_after(response))
        await self.sleep(retry_after(response))
        state.increment_current_attempt()


async def _backoff(handler: AsyncRetryHandler, sleep: Sleep, state: RetryState) -> None:
    state.next_attempt_requested = True
    await sleep(handler.interval_calculator.calculate_sleep_duration(state.current_attempt))
    state.increment_current_attempt()


class ServerErrorRetry(AsyncServerErrorRetryHandler):
    def __init__(self, sleep: Sleep, max_retry_count: int = 2) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.sleep = sleep

    async def prepare_for_next_attempt_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        await _backoff(self, self.sleep, state)


class ConnectionRetry(AsyncConnectionErrorRetryHandler):
    def __init__(self, sleep: Sleep, max_retry_count: int = 2) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.sleep = sleep

    async def prepare_for_next_attempt_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        await _backoff(self, self.sleep, state)


def retry_handlers(sleep: Sleep) -> list[AsyncRetryHandler]:
    return [ConnectionRetry(sleep), RateLimitRetry(sleep), ServerErrorRetry(sleep)]


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


def delivery_error(exc: Exception) -> DeliveryError:
    """A DeliveryError saying whether trying again may help (never with message text)."""
    if isinstance(exc, SlackApiError):
        code = str(exc.response.get("error", "")) if exc.response is not None else ""
        status = exc.response.status_code if exc.response is not None else 0
        retryable = status == 429 or status >= 500 or code in RETRYABLE
        return DeliveryError(f"Slack API error {status} {code}".strip(), retryable=retryable)
    if isinstance(exc, aiohttp.ClientError | asyncio.TimeoutError | SlackClientError):
        return DeliveryError(f"Slack unreachable: {type(exc).__name__}", retryable=True)
    return DeliveryError(f"Slack call failed: {type(exc).__name__}", retryable=False)


def api_error(exc: Exception) -> str | None:
    """The `error` code of a Slack API failure (e.g. `not_in_channel`), else None."""
    if isinstance(exc, SlackApiError) and exc.response is not None:
        return str(exc.response.get("error", "")) or None
    return None
