"""Each adapter says what the place of a turn looks like to the person (`Surface`): how a
command is typed there, whether it has threads, whether it is private. The dialogs name
commands with it; a kept interaction keeps it for its replay."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from botbuilder.schema import Activity

from bot.inbound import Inbound
from bot.slack import inbound as slack
from bot.teams import inbound as teams
from bot.testing import BotHarness
from dialogs.events import Interaction
from dialogs.turn import Surface


def test_slack_channels_use_the_slash_command_and_dms_plain_words() -> None:
    assert slack.surface_of("C123").command("luk") == "`/lovende luk`"
    assert slack.surface_of("C123").threads and not slack.surface_of("C123").private
    dm = slack.surface_of("D123")
    assert dm.command("luk") == "`luk`" and dm.private and not dm.threads


def activity(kind: str) -> Activity:
    data: dict[str, Any] = {
        "type": "message",
        "conversation": {"id": "c1", "conversationType": kind},
        "recipient": {"id": "28:bot", "name": "Lovende praksis"},
        "from": {"id": "29:anna", "aadObjectId": "anna"},
    }
    return Activity().deserialize(data)


@pytest.mark.parametrize(
    ("kind", "command", "threads", "private"),
    [
        ("channel", "`@Lovende praksis luk`", True, False),
        ("groupChat", "`@Lovende praksis luk`", False, False),
        ("personal", "`luk`", False, True),
    ],
)
def test_teams_mentions_the_bot_except_in_a_1_1_chat(
    kind: str, command: str, threads: bool, private: bool
) -> None:
    surface = teams.surface_of(activity(kind))
    assert surface.command("luk") == command
    assert (surface.threads, surface.private) == (threads, private)


async def test_a_kept_interaction_keeps_its_surface_for_the_replay(
    bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    dm = Surface(prefix="", threads=False, private=True)
    inbound = bot.inbound("Anna", Interaction("lp:status"))
    kept = await bot.runtime.engine.accept(replace(inbound, conv=replace(inbound.conv, surface=dm)))
    assert kept.inbox_key is not None
    bot.runtime.engine.inbox.kept.discard(kept.inbox_key)  # the process died
    bot.clock.advance(seconds=60)  # the lease ran out
    replayed: list[Inbound] = []

    async def handle(inbound: Inbound, port: object) -> bool:
        replayed.append(inbound)
        return True

    monkeypatch.setattr(bot.runtime.engine, "handle", handle)
    assert await bot.runtime.engine.replay(bot.runtime.ports) == 1
    assert [r.conv.surface for r in replayed] == [dm]
