"""A Teams test kit shipped with the code: a fake Bot Connector on loopback that records
every /v3/conversations call, real-shaped Teams activities, a fake clock for the pacer, and
the whole bot behind aiohttp's test client with the adapter mounted (like bot/testing.py for
the console). The tests in tests/teams use it; so can anyone trying the adapter by hand.

The kit's parts: `connector` (the fake Bot Connector and the pacer's clock), `activities`
(what Teams sends) and `harness` (the bot with the adapter mounted, and its users).
"""

from bot.teams.testing.activities import (
    BOT_ID,
    BOT_NAME,
    CHANNEL,
    GROUP_CHAT,
    TEAM,
    TENANT,
    USERS,
    bot_added,
    channel_data,
    conversation_of,
    execute,
    kind_of,
    meeting_plan_inputs,
    message,
    submit,
)
from bot.teams.testing.connector import (
    CLIENT_PATIENCE,
    DROP,
    TIMEOUT,
    Call,
    FakeConnector,
    FakeTime,
    Fault,
    actions_in,
    buttons_in,
    inputs_in,
    nodes_in,
)
from bot.teams.testing.harness import (
    PUBLIC_URL,
    TeamsBot,
    TeamsUser,
    running_bot,
    start_bot,
    teams_settings,
)

__all__ = [
    "BOT_ID",
    "BOT_NAME",
    "CHANNEL",
    "CLIENT_PATIENCE",
    "DROP",
    "GROUP_CHAT",
    "PUBLIC_URL",
    "TEAM",
    "TENANT",
    "TIMEOUT",
    "USERS",
    "Call",
    "FakeConnector",
    "FakeTime",
    "Fault",
    "TeamsBot",
    "TeamsUser",
    "actions_in",
    "bot_added",
    "buttons_in",
    "channel_data",
    "conversation_of",
    "execute",
    "inputs_in",
    "kind_of",
    "meeting_plan_inputs",
    "message",
    "nodes_in",
    "running_bot",
    "start_bot",
    "submit",
    "teams_settings",
]
