"""Fixtures of the board's tests through the platforms: the Slack and Teams kits' own
(bot/slack/testing/fixtures.py, bot/teams/testing/fixtures.py), as tests/slack and tests/teams
use them."""

from bot.slack.testing.fixtures import fake, slack
from bot.teams.testing.fixtures import connector, teams_bot

__all__ = ["connector", "fake", "slack", "teams_bot"]
