"""Updates of one message coalesce (issue 21, point 4), on SQLite and PostgreSQL: clicks on a
card while its update is being sent make one more update, with the newest state; an update
rendered before the one shown is never sent after it."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from bot.console.channel import Record
from bot.ports import Conversation
from bot.testing import BotHarness, HoldingChannel, texts
from dialogs import actions
from dialogs.events import Interaction
from dialogs.messages import Message


@dataclass
class GatedChannel(HoldingChannel):
    """Holds the first update whose fallback starts with `prefix` until `go` is set."""

    prefix: str = ""
    held: asyncio.Event = field(default_factory=asyncio.Event)
    go: asyncio.Event = field(default_factory=asyncio.Event)

    async def update(self, conv: Conversation, ref: str, message: Message) -> None:
        if self.prefix and message.fallback.startswith(self.prefix) and not self.held.is_set():
            self.held.set()
            await self.go.wait()
        await super().update(conv, ref, message)


def updates_of(records: list[Record], prefix: str) -> list[Record]:
    return [
        r
        for r in records
        if r.kind == "update" and r.message is not None and r.message.fallback.startswith(prefix)
    ]


async def test_clicks_during_an_update_make_one_update_with_the_newest_state(
    bot: BotHarness,
) -> None:
    await bot.say("Anna", "start Recovery-forløb")
    aid = int(actions.decode(bot.button("lp:pace:")).args[0])
    await bot.click("Anna", actions.encode("pace", aid, "all"))
    gate = GatedChannel(out=bot.lines.append, prefix="1.1 ")
    gate.records = bot.channel.records
    mark = len(gate.records)

    def click(user: str, value: str) -> asyncio.Task[bool]:
        inbound = bot.inbound(user, Interaction(actions.encode("ans", aid, "1.1", value)))
        return asyncio.create_task(bot.runtime.engine.handle(inbound, gate))

    first = click("Bo", "ja")
    await asyncio.wait_for(gate.held.wait(), 30)  # Bo's card update is being sent
    for user, value in (("Carla", "nej"), ("Dan", "ja"), ("Eva", "delvist")):
        await asyncio.wait_for(click(user, value), 30)  # done: their card update waits
    gate.go.set()
    await asyncio.wait_for(first, 30)

    cards = updates_of(gate.records[mark:], "1.1 ")
    assert len(cards) == 2  # Bo's, then one with the newest state
    assert "4 har svaret" in texts(cards[-1:])
    progress = updates_of(gate.records[mark:], "Recovery-forløb – runde 1")
    assert "Deltagere               4" in texts(progress[-1:])  # Bo's older one not after it
