"""Prometheus metrics of the bot, served at `/metrics` (see bot/http).

One registry for the process (not prometheus_client's global one, so importing a library that
registers its own metrics cannot clash with ours). Labels are kept to small, fixed sets: a
route name, an outcome class, a platform, an API method — never ids, names or free text.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

REGISTRY = CollectorRegistry(auto_describe=True)

# Fine buckets at the low end: the target is a click acknowledged in well under 50 ms.
LATENCY_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

HTTP_REQUESTS = Counter(
    "lovende_http_requests",
    "HTTP requests answered, by route and outcome (ok, client_error, unauthorized, "
    "unavailable, server_error).",
    ["route", "outcome"],
    registry=REGISTRY,
)
HTTP_LATENCY = Histogram(
    "lovende_http_request_seconds",
    "Time from receiving a request to answering it (for Slack and Teams: the acknowledgement).",
    ["route"],
    buckets=LATENCY_BUCKETS,
    registry=REGISTRY,
)

TURNS = Counter(
    "lovende_turns",
    "Engine turns, by outcome (done, duplicate, failed).",
    ["outcome"],
    registry=REGISTRY,
)
TURN_LATENCY = Histogram(
    "lovende_turn_seconds",
    "Time of one engine turn's transaction (load, step, write), without the sends.",
    buckets=LATENCY_BUCKETS,
    registry=REGISTRY,
)
INBOX_PENDING = Gauge(
    "lovende_inbox_pending",
    "Acknowledged interactions not yet applied by this process.",
    registry=REGISTRY,
)

REMINDERS = Counter(
    "lovende_reminders",
    "Reminder rows by event: due (claimed for sending), sent, late (sent after their due "
    "time plus the grace), failed (given up).",
    ["event"],
    registry=REGISTRY,
)

PLATFORM_API_ERRORS = Counter(
    "lovende_platform_api_errors",
    "Failed calls to Slack's or Teams' API, by platform, method and kind (rate_limited, "
    "server_error, timeout, client_error, blocked).",
    ["platform", "method", "kind"],
    registry=REGISTRY,
)
PLATFORM_API_RETRIES = Counter(
    "lovende_platform_api_retries",
    "Calls to Slack's or Teams' API that were tried again.",
    ["platform", "method"],
    registry=REGISTRY,
)
DELIVERY_FAILURES = Counter(
    "lovende_delivery_failures",
    "Messages the engine gave up sending (recorded in delivery_failures).",
    ["platform"],
    registry=REGISTRY,
)
