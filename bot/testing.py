"""A test bot: the whole engine over a real database, the console channel as the fake
platform, and a fake clock. Scenario tests drive it like users would.

    bot = await BotHarness.start(database_url, clock)
    aid = await bot.start_assessment("Recovery")    # Anna starts it, all elements at once
    await bot.answer("Bo", 1, ELEMENT_1)            # svar 1.1 ja, svar 1.2 ja, …
    await bot.press("Anna", "pace", aid, "one")     # a button, by its verb and arguments
    await bot.restart()           # same database, new process state

`HoldingChannel` (the harness's channel) can hold a post open until the test lets it go, to
run other turns while a message is in flight.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.clock import FakeClock
from bot.console.channel import ConsoleChannel, Record
from bot.features import Env, Feature, default_features
from bot.inbound import Inbound
from bot.ports import Conversation, DeliveryError
from bot.reminders import ReminderWorker, RunStats
from bot.runtime import Runtime, build_runtime
from bot.settings import Settings, load_settings
from dialogs import actions
from dialogs.events import Command, Event, Interaction
from dialogs.messages import Button, Buttons, Message, MultiSelect, Target
from dialogs.turn import Surface
from scoring.catalogue import load_catalogue
from scoring.table import DEFAULT_TABLE, load_table

ELEMENT_1 = ("ja", "ja", "delvist", "nej", "ved ikke", "ikke relevant: passer ikke til os")
"""Element 1 answered with every kind of answer once (as one person it scores 0,50)."""

MEETING_PLAN = {
    "when": "05.03.2026 13:00",
    "facilitator": "anna",
    "participants": "Anna, Bo, Carla",
    "mode": "live",
    "window": "2",
    "themes": "2",
    "focus": "1",
}
"""The planning form of a learning dialogue (`mtf-plan`) as Anna fills it in: live on
5 March 2026 at 13:00 with Bo and Carla, two themes, element 1 in focus."""


def meeting_plan(**changes: str) -> dict[str, str]:
    """MEETING_PLAN with some fields filled in otherwise."""
    return {**MEETING_PLAN, **changes}


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

    def place(
        self,
        platform: str = "console",
        workspace: str | None = None,
        channel: str | None = None,
        surface: Surface | None = None,
    ) -> Place:
        """Where people speak: a channel of a workspace on a platform (by default the harness's
        own console channel), all in this harness's database; `surface`, what the adapter says
        the place looks like (a Slack channel, a Teams group chat, a private chat)."""
        where = Place(self, platform, workspace or self.workspace, channel or self.default_channel)
        return where if surface is None else where.on(surface)

    def conv(self, user: str | None, channel: str | None = None) -> Conversation:
        return self.place(channel=channel).conv(user)

    def inbound(
        self,
        user: str,
        event: Command | Interaction,
        channel: str | None = None,
        event_id: str | None = None,
    ) -> Inbound:
        """What an adapter makes of `user` saying or clicking something."""
        return self.place(channel=channel).inbound(user, event, event_id)

    async def say(
        self, user: str, text: str, *, channel: str | None = None, event_id: str | None = None
    ) -> list[Record]:
        return await self.place(channel=channel).say(user, text, event_id=event_id)

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
        return await self.place(channel=channel).click(
            user, action, values, event_id=event_id, form=form
        )

    async def press(
        self,
        user: str,
        verb: str,
        *args: object,
        values: dict[str, str] | None = None,
        channel: str | None = None,
    ) -> list[Record]:
        return await self.place(channel=channel).press(user, verb, *args, values=values)

    async def start_assessment(
        self,
        practice: str = "Recovery-forløb",
        *,
        by: str = "Anna",
        pace: str | None = "all",
        channel: str | None = None,
    ) -> int:
        return await self.place(channel=channel).start_assessment(practice, by=by, pace=pace)

    def assessment_id(self) -> int:
        """The round the newest pace buttons (anywhere) belong to."""
        return actions.decode(self.button("lp:pace:")).int_arg(0)

    async def plan_meeting(
        self, *, by: str = "Anna", channel: str | None = None, **changes: str
    ) -> int:
        return await self.place(channel=channel).plan_meeting(by=by, **changes)

    async def start_selfeval(
        self, name: str = "", *, by: str = "Anna", pace: str = "all", channel: str | None = None
    ) -> int:
        return await self.place(channel=channel).start_selfeval(name, by=by, pace=pace)

    async def answer(
        self,
        user: str,
        element: int,
        answers: Sequence[str],
        *,
        channel: str | None = None,
        word: str = "svar",
    ) -> None:
        await self.place(channel=channel).answer(user, element, answers, word=word)

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
        """The action of the newest button or multi-select, anywhere, whose action starts with
        prefix."""
        return newest_button(self.channel.records, prefix, lambda _r: True)


@dataclass
class Place:
    """One channel of one workspace on one platform: people say and press things here, and
    the harness's engine answers."""

    bot: BotHarness
    platform: str = "console"
    workspace: str = "ws"
    channel: str = "team"
    surface: Surface = field(default_factory=Surface)

    def on(self, surface: Surface) -> Place:
        """This place as it looks on `surface` (the words of the answers fit it)."""
        return replace(self, surface=surface)

    def conv(self, user: str | None) -> Conversation:
        who = user.casefold() if user else None
        return Conversation(self.platform, self.workspace, self.channel, who, self.surface)

    def inbound(self, user: str, event: Event, event_id: str | None = None) -> Inbound:
        self.bot.channel.names.setdefault(user.casefold(), user)
        return Inbound(
            self.conv(user), event, user_name=user, channel_name=self.channel, event_id=event_id
        )

    async def send(self, user: str, event: Event, event_id: str | None = None) -> list[Record]:
        mark = len(self.bot.channel.records)
        await self.bot.runtime.engine.handle(self.inbound(user, event, event_id), self.bot.channel)
        return self.bot.channel.records[mark:]

    async def say(self, user: str, text: str, *, event_id: str | None = None) -> list[Record]:
        return await self.send(user, Command(text), event_id)

    async def click(
        self,
        user: str,
        action: str,
        values: dict[str, str] | None = None,
        *,
        event_id: str | None = None,
        form: str | None = None,
    ) -> list[Record]:
        return await self.send(user, Interaction(action, values or {}, form), event_id)

    async def press(
        self, user: str, verb: str, *args: object, values: dict[str, str] | None = None
    ) -> list[Record]:
        """Press a button by what it means (`press("Anna", "pace", aid, "all")`), not by how
        its action is spelled."""
        return await self.click(user, actions.encode(verb, *args), values)

    async def start_assessment(
        self, practice: str = "Recovery-forløb", *, by: str = "Anna", pace: str | None = "all"
    ) -> int:
        """`by` starts a round and chooses its pace (`one`, `all`, or None to leave the choice
        open); the round's id."""
        await self.say(by, f"start {practice}")
        aid = self.assessment_id()
        if pace is not None:
            await self.press(by, "pace", aid, pace)
        return aid

    def assessment_id(self) -> int:
        """The round this place's newest pace buttons belong to."""
        return actions.decode(self.button("lp:pace:")).int_arg(0)

    async def start_selfeval(self, name: str = "", *, by: str = "Anna", pace: str = "all") -> int:
        """`by` starts a self-evaluation (of `name`, if given) and chooses its pace (`one` or
        `all`); its id."""
        await self.say(by, f"selvevaluering start {name}".rstrip())
        sid = actions.decode(self.button("lp:se-pace:")).int_arg(0)
        await self.press(by, "se-pace", sid, pace)
        return sid

    async def plan_meeting(self, *, by: str = "Anna", **changes: str) -> int:
        """`by` fills in the planning form of a learning dialogue as MEETING_PLAN says (some
        fields otherwise); the meeting's id, from the preparation buttons it sends."""
        await self.click(by, actions.encode("mtf-plan"), meeting_plan(**changes))
        return actions.decode(self.button("lp:mt-prep:")).int_arg(0)

    async def answer(
        self, user: str, element: int, answers: Sequence[str], *, word: str = "svar"
    ) -> None:
        """`user` types one answer per question of `element`, in order (`svar 1.1 ja`, …)."""
        for number, answer in enumerate(answers, 1):
            await self.say(user, f"{word} {element}.{number} {answer}")

    def mine(self, record: Record) -> bool:
        c = record.conv
        return (c.platform, c.workspace, c.channel) == (self.platform, self.workspace, self.channel)

    def button(self, prefix: str) -> str:
        """The newest button of this place whose action starts with `prefix`."""
        return newest_button(self.bot.channel.records, prefix, self.mine)


def newest_button(records: list[Record], prefix: str, where: Callable[[Record], bool]) -> str:
    """The action of the newest button or multi-select whose action starts with `prefix`, in
    the records `where` accepts."""
    for record in reversed(records):
        if record.message is None or not where(record):
            continue
        for block in record.message.blocks:
            if isinstance(block, Buttons):
                for b in block.buttons:
                    if b.action.startswith(prefix):
                        return b.action
            if isinstance(block, MultiSelect) and block.action.startswith(prefix):
                return block.action
    raise LookupError(prefix)


def buttons_of(records: Sequence[Record]) -> list[Button]:
    """Every button of these records' messages, in order."""
    return [
        button
        for record in records
        if record.message is not None
        for block in record.message.blocks
        if isinstance(block, Buttons)
        for button in block.buttons
    ]


def button_actions(records: Sequence[Record]) -> list[str]:
    """The actions of every button of these records, in order."""
    return [button.action for button in buttons_of(records)]


def button_labels(records: Sequence[Record]) -> list[str]:
    """The labels of every button of these records, in order."""
    return [button.label for button in buttons_of(records)]


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


def assert_has(text: str, *passages: str) -> None:
    """Assert that `text` holds every one of `passages`, naming those it lacks (a list of
    what a message must say reads as one, and a failure shows all that is missing at once)."""
    missing = [passage for passage in passages if passage not in text]
    assert not missing, f"missing {missing!r} in:\n{text}"


def assert_matches(text: str, *patterns: str) -> None:
    """Assert that each of the regular expressions `patterns` is found in `text`, naming those
    that are not."""
    missing = [pattern for pattern in patterns if re.search(pattern, text) is None]
    assert not missing, f"no match for {missing!r} in:\n{text}"
