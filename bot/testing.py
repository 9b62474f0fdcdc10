"""A test bot: the whole engine over a real database, the console channel as the fake
platform, and a fake clock. Scenario tests drive it like users would.

    bot = await BotHarness.start(database_url, clock)
    await bot.say("Anna", "start Recovery")
    await bot.click("Anna", bot.button("lp:pace:"))
    await bot.restart()           # same database, new process state

`HoldingChannel` (the harness's channel) can hold a post open until the test lets it go, to
run other turns while a message is in flight.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.clock import FakeClock
from bot.console.channel import ConsoleChannel, Record
from bot.engine import Inbound
from bot.features import Env, Feature, default_features
from bot.ports import Conversation, DeliveryError
from bot.reminders import ReminderWorker, RunStats
from bot.runtime import Runtime, build_runtime
from bot.settings import Settings, load_settings
from dialogs.events import Command, Interaction
from dialogs.messages import Buttons, Message, MultiSelect, Target
from scoring.catalogue import load_catalogue
from scoring.table import DEFAULT_TABLE, load_table


@dataclass
class HeldPost:
    """A post held open: `started` is set when a post whose fallback starts with `prefix`
    begins; it returns (and is recorded) once the test sets `release` — or, with `fails`,
    raises a DeliveryError that retrying cannot help."""

    prefix: str
    fails: bool = False
    started: asyncio.Event = field(default_factory=asyncio.Event)
    release: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass
class HoldingChannel(ConsoleChannel):
    """The console channel, with posts that can be held open (`hold`) and a way to wait for
    what it records (`until`)."""

    holds: list[HeldPost] = field(default_factory=list)
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)

    async def until(self, check: Callable[[], bool], seconds: float = 20.0) -> None:
        """Wait until check() holds, looking again at every post or update (bounded)."""
        async with asyncio.timeout(seconds), self.changed:
            await self.changed.wait_for(check)

    async def _recorded(self) -> None:
        async with self.changed:
            self.changed.notify_all()

    def hold(self, prefix: str, *, fails: bool = False) -> HeldPost:
        """Hold the next post whose fallback starts with `prefix`."""
        held = HeldPost(prefix, fails)
        self.holds.append(held)
        return held

    async def post(
        self, conv: Conversation, target: Target, message: Message, thread_ref: str | None
    ) -> str:
        held = next((h for h in self.holds if message.fallback.startswith(h.prefix)), None)
        if held is not None:
            self.holds.remove(held)
            held.started.set()
            await held.release.wait()
            if held.fails:
                raise DeliveryError("the held post failed", retryable=False)
        ref = await super().post(conv, target, message, thread_ref)
        await self._recorded()
        return ref

    async def update(self, conv: Conversation, ref: str, message: Message) -> None:
        await super().update(conv, ref, message)
        await self._recorded()


@dataclass
class BotHarness:
    database_url: str
    clock: FakeClock
    runtime: Runtime
    channel: HoldingChannel
    lines: list[str] = field(default_factory=list)
    workspace: str = "ws"
    default_channel: str = "team"

    @classmethod
    async def start(cls, database_url: str, clock: FakeClock | None = None) -> BotHarness:
        clock = clock or FakeClock()
        runtime = await build_runtime(load_settings(database_url=database_url), clock)
        lines: list[str] = []
        harness = cls(database_url, clock, runtime, HoldingChannel(out=lines.append), lines)
        runtime.ports["console"] = harness.channel
        return harness

    async def restart(self) -> None:
        """A new runtime over the same database: nothing may live only in memory."""
        await self.runtime.close()
        self.runtime = await build_runtime(
            load_settings(database_url=self.database_url), self.clock
        )
        self.channel = HoldingChannel(out=self.lines.append)
        self.runtime.ports["console"] = self.channel

    async def close(self) -> None:
        await self.runtime.close()

    async def run_due(self) -> RunStats:
        """Plan and send the reminders due at the fake clock's now, as the scheduler would."""
        return await ReminderWorker(self.runtime).run_due()

    def conv(self, user: str | None, channel: str | None = None) -> Conversation:
        return Conversation(
            "console",
            self.workspace,
            channel or self.default_channel,
            user.casefold() if user else None,
        )

    async def _send(
        self, user: str, event: Command | Interaction, channel: str | None, event_id: str | None
    ) -> list[Record]:
        mark = len(self.channel.records)
        await self.runtime.engine.handle(self.inbound(user, event, channel, event_id), self.channel)
        return self.channel.records[mark:]

    def inbound(
        self,
        user: str,
        event: Command | Interaction,
        channel: str | None = None,
        event_id: str | None = None,
    ) -> Inbound:
        """What an adapter makes of `user` saying or clicking something."""
        self.channel.names.setdefault(user.casefold(), user)
        return Inbound(
            self.conv(user, channel),
            event,
            user_name=user,
            channel_name=channel or self.default_channel,
            event_id=event_id,
        )

    async def say(
        self, user: str, text: str, *, channel: str | None = None, event_id: str | None = None
    ) -> list[Record]:
        return await self._send(user, Command(text), channel, event_id)

    async def click(
        self,
        user: str,
        action: str,
        values: dict[str, str] | None = None,
        *,
        channel: str | None = None,
        event_id: str | None = None,
        form: str | None = None,
    ) -> list[Record]:
        """`form`: the identity of a form that stays on screen after saving (a Teams card)."""
        event = Interaction(action, values or {}, form)
        return await self._send(user, event, channel, event_id)

    async def keep(self, user: str, action: str, values: dict[str, str] | None = None) -> Inbound:
        """Keep a click in the inbox as an adapter does before acknowledging it — and stop
        there, as a process killed right after the acknowledgement would. The kept click, for
        `runtime.engine.handle`."""
        inbound = self.inbound(user, Interaction(action, values or {}))
        kept = await self.runtime.engine.accept(inbound)
        assert kept.inbox_key is not None
        self.runtime.engine.inbox.kept.discard(kept.inbox_key)  # what the dead process knew
        return kept

    async def replay(self) -> list[Record]:
        """Run the turns of kept clicks whose lease ran out (the scheduler does this)."""
        mark = len(self.channel.records)
        await self.runtime.engine.replay(self.runtime.ports)
        return self.channel.records[mark:]

    def button(self, prefix: str) -> str:
        """The action of the newest button or multi-select whose action starts with prefix."""
        for record in reversed(self.channel.records):
            if record.message is None:
                continue
            for block in record.message.blocks:
                if isinstance(block, Buttons):
                    for b in block.buttons:
                        if b.action.startswith(prefix):
                            return b.action
                if isinstance(block, MultiSelect) and block.action.startswith(prefix):
                    return block.action
        raise LookupError(prefix)


def offline_features(settings: Settings | None = None) -> list[Feature]:
    """The bot's features, for tests of the dialogs: their generators have no database (they
    are never run here)."""
    catalogue = load_catalogue()
    env = Env(
        catalogue,
        load_table(DEFAULT_TABLE, catalogue),
        settings or load_settings(),
        async_sessionmaker(),
        FakeClock(),
    )
    return default_features(env)


def texts(records: list[Record]) -> str:
    """All text of some records (fallbacks and text blocks) joined, for assertions."""
    from bot.console.render import render

    out = []
    for r in records:
        if r.message is not None:
            out.extend(render(r.message, lambda _k, _a: 0))
        if r.form is not None:
            out.append(r.form.title)
            out.extend(r.form.errors.values())
    return "\n".join(out)
