"""Fixtures of the Slack adapter tests (the harness itself: bot/slack/testing; its `fake` and
`slack` fixtures come from bot/slack/testing/fixtures.py)."""

from __future__ import annotations

from bot.slack.testing.fixtures import fake, slack

__all__ = ["fake", "slack"]
