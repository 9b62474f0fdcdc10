"""Updates of one posted message keep their order (issue 21), on SQLite and PostgreSQL: an
update rendered before the one shown is never sent after it, so a message never goes back to a
stale state (the progress counting one person fewer) when turns' sends race."""

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


@dataclass
class GatedRound:
    """A round whose question cards are on screen, and clicks whose sends go through a gate
    that holds the first update of 1.1's card."""

    bot: BotHarness
    aid: int
    gate: GatedChannel
    mark: int

    def click(self, user: str, qid: str, value: str = "ja") -> asyncio.Task[bool]:
        event = Interaction(actions.encode("ans", self.aid, qid, value))
        inbound = self.bot.inbound(user, event)
        return asyncio.create_task(self.bot.runtime.engine.handle(inbound, self.gate))

    def updates(self, prefix: str) -> list[Record]:
        return updates_of(self.gate.records[self.mark :], prefix)


async def gated_round(bot: BotHarness) -> GatedRound:
    aid = await bot.start_assessment()  # Anna, all elements at once
    gate = GatedChannel(out=bot.lines.append, prefix="1.1 ")
    gate.records = bot.channel.records
    return GatedRound(bot, aid, gate, len(gate.records))


PROGRESS = "Recovery-forløb – runde 1"


async def test_an_update_rendered_earlier_is_not_sent_after_a_newer_one(bot: BotHarness) -> None:
    # Bo's turn commits first; its sends (the card of 1.1, then the progress) stall on the card.
    r = await gated_round(bot)
    first = r.click("Bo", "1.1")
    await asyncio.wait_for(r.gate.held.wait(), 30)
    # Carla's turn comes after Bo's and sends its progress (2 people) while Bo's waits.
    await asyncio.wait_for(r.click("Carla", "1.2"), 30)
    assert "Deltagere               2" in texts(r.updates(PROGRESS)[-1:])
    r.gate.go.set()
    await asyncio.wait_for(first, 30)

    shown = r.updates(PROGRESS)
    assert "Deltagere               2" in texts(shown[-1:])  # not Bo's older one after it
    assert len(shown) == 1  # Bo's was dropped: rendered before the one shown
    assert "1 har svaret" in texts(r.updates("1.1 "))  # Bo's card went


async def test_clicks_during_an_update_make_one_more_update_with_the_newest_state(
    bot: BotHarness,
) -> None:
    r = await gated_round(bot)
    first = r.click("Bo", "1.1")
    await asyncio.wait_for(r.gate.held.wait(), 30)  # Bo's card update is being sent
    others = (("Carla", "nej"), ("Dan", "ja"), ("Anna", "delvist"))
    later = [r.click(user, "1.1", value) for user, value in others]
    states = bot.runtime.engine.delivery.updates.values()
    async with asyncio.timeout(30):  # their turns are applied; their card updates wait
        for _ in range(10_000_000):  # (bounded polling: a turn of the loop each)
            if any(state.waiting == 3 for state in states):
                break
            await asyncio.sleep(0)
    r.gate.go.set()
    await asyncio.wait_for(asyncio.gather(first, *later), 30)

    cards = r.updates("1.1 ")
    assert len(cards) == 2  # Bo's, then one with the newest state: not one a click
    assert "1 har svaret" in texts(cards[:1]) and "4 har svaret" in texts(cards[-1:])
    assert "Deltagere               4" in texts(r.updates(PROGRESS)[-1:])  # never an older last
