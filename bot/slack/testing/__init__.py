"""A Slack test kit shipped with the code (as `bot.teams.testing` is for Teams): a fake Slack
Web API on loopback that records every request (`api`), real-shaped requests signed as Slack
signs them (`payloads`), and the whole bot behind aiohttp's test client with the adapter
mounted, a fake clock for pacing and Block Kit validation (`harness`). The tests in tests/slack
use it, the benchmarks reuse the fake and the payloads, and so can anyone trying the adapter by
hand."""

from bot.slack.testing.api import Call, FakeSlack
from bot.slack.testing.harness import (
    SECRET,
    TOKEN,
    FakeTiming,
    SlackHarness,
    check_all,
    post_signed,
    running_harness,
    settings_for,
    start_harness,
    valid_blocks,
    valid_view,
)

__all__ = [
    "SECRET",
    "TOKEN",
    "Call",
    "FakeSlack",
    "FakeTiming",
    "SlackHarness",
    "check_all",
    "post_signed",
    "running_harness",
    "settings_for",
    "start_harness",
    "valid_blocks",
    "valid_view",
]
