"""What a failed call to the Bot Connector means: `classify` turns botbuilder's exceptions
(msrest's ErrorResponseException with the HTTP answer, or a requests/urllib3/aiohttp error
wrapped a few layers deep) into a `Failure` the port (port.py) acts on.

What the port does with each kind (every failure is counted in
lovende_platform_api_errors{platform="teams", method, kind}):
- 403 (the user blocked the bot, the bot is not in the conversation, writes blocked) marks the
  conversation (or the member's 1:1) blocked and is not retried — sends to it then fail at once
  until the bot hears from it again.
- 429/412 (rate_limited) and 500/502/503/504 (server_error) hold the conversation in the pacer
  for Retry-After (or a growing backoff) and raise DeliveryError(retryable=True): the engine
  tries the send again, and the next call waits in the pacer — so every backoff sleep goes
  through the pacer's injected sleep. A call that repeats a failed one is counted in
  lovende_platform_api_retries.
- No answer (our deadline or the HTTP timeout ran out, the connection dropped after the request
  went out: kind "timeout"): an update (PUT of a known activity id) and a 1:1 creation are
  idempotent and retried like the above; a new message (POST) is NOT sent again — see
  `connector_calls.UNCERTAIN` for why; a connection that was never made is certain not to
  have delivered anything and is retried.
- Anything else (400, 401, 404, 413, a bug) is a client_error and is not retried.
- A message split over several activities is only handed back to the engine for a retry while
  none of its parts has gone out; once one has, the failing part is retried there (the engine
  would re-post the earlier parts) and a final failure says how many parts arrived.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import aiohttp
import requests
import urllib3.exceptions
from botbuilder.schema import ErrorResponseException
from msrest.exceptions import ClientRequestError

RETRYABLE = frozenset({412, 429, 500, 502, 503, 504})
MAX_BACKOFF = 60.0


class NoAnswer(Exception):
    """Our deadline for one call to the Bot Connector ran out."""


@dataclass(frozen=True)
class Failure:
    """What one failed call to the Bot Connector means."""

    kind: str  # the metric's kind: rate_limited, server_error, timeout, client_error, blocked
    what: str  # status and error code, or the exception's type — never message text
    transient: bool  # trying again later may help
    maybe_delivered: bool  # the request may have reached Teams (no answer came back)
    code: str = ""
    retry_after: float | None = None


def classify(exc: BaseException) -> Failure:
    status, code, retry_after = _describe(exc)
    what = f"{status} {code}".strip() if status is not None else type(exc).__name__
    if status == 403:
        return Failure("blocked", what, False, False, code)
    if status in (412, 429):
        return Failure("rate_limited", what, True, False, code, retry_after)
    if status in RETRYABLE:
        return Failure("server_error", what, True, False, code, retry_after)
    if status is not None:
        return Failure("client_error", what, False, False, code)
    if _never_connected(exc):  # nothing went out: safe to send again
        return Failure("timeout", f"{what} (no connection)", True, False)
    if _transient(exc):
        return Failure("timeout", f"{what} (no answer)", True, True)
    return Failure("client_error", what, False, False)


def _describe(exc: BaseException) -> tuple[int | None, str, float | None]:
    """(HTTP status, error code, Retry-After seconds) of a connector failure."""
    if not isinstance(exc, ErrorResponseException):
        return None, "", None
    response = getattr(exc, "response", None)  # requests' Response or aiohttp's ClientResponse
    status = getattr(response, "status_code", None) or getattr(response, "status", None)
    error = getattr(getattr(exc, "error", None), "error", None)
    code = str(getattr(error, "code", "") or "")
    retry_after = None
    headers = getattr(response, "headers", None) or {}
    try:
        value = headers.get("Retry-After")
        retry_after = min(float(value), MAX_BACKOFF * 10) if value is not None else None
    except (TypeError, ValueError):
        retry_after = None
    return (int(status) if status is not None else None), code, retry_after


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """The exception and what it wraps (msrest's inner_exception, requests' and urllib3's
    wrapped errors, __cause__/__context__), each once."""
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        wrapped: list[object] = [
            getattr(current, "inner_exception", None),
            getattr(current, "reason", None),  # urllib3 MaxRetryError
            current.__cause__,
            current.__context__,
            *current.args,
        ]
        todo += [w for w in wrapped if isinstance(w, BaseException)]


def _never_connected(exc: BaseException) -> bool:
    """The connection was never made (refused, unknown host, connect timeout)."""
    return any(
        isinstance(
            e,
            urllib3.exceptions.ConnectTimeoutError  # NewConnectionError and DNS failures too
            | requests.exceptions.ConnectTimeout
            | aiohttp.ClientConnectorError
            | ConnectionRefusedError,
        )
        for e in _causes(exc)
    )


def _transient(exc: BaseException) -> bool:
    return any(
        isinstance(
            e,
            NoAnswer
            | requests.exceptions.RequestException
            | urllib3.exceptions.HTTPError
            | aiohttp.ClientError
            | ClientRequestError
            | TimeoutError
            | ConnectionError,
        )
        for e in _causes(exc)
    )
