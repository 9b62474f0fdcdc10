"""Helpers for the reminder scenarios: rounds, agreements and what the fake channel received."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from bot.console.channel import ConsoleChannel, Record
from bot.inbound import Inbound
from bot.ports import Conversation, DeliveryError
from bot.testing import BotHarness
from dialogs.effects import Outcome
from dialogs.events import Command
from dialogs.meetings import CreateAgreement, meetings_of
from dialogs.messages import Message, Target, ToChannel, ToMember
from dialogs.turn import Turn
from storage.reminder_models import Reminder


class Flaky:
    """A platform that fails the first `failures` sends with `error` (every send, by default:
    one that refuses for good); updates go through, and reminders open no forms."""

    def __init__(
        self,
        inner: ConsoleChannel,
        failures: float = float("inf"),
        *,
        retryable: bool = True,
        error: str = "HTTP 503",
    ) -> None:
        self.inner, self.failures, self.retryable, self.error = inner, failures, retryable, error
        self.calls = 0

    async def post(
        self, conv: Conversation, target: Target, message: Message, thread_ref: str | None
    ) -> str:
        self.calls += 1
        if self.calls <= self.failures:
            raise DeliveryError(self.error, retryable=self.retryable)
        return await self.inner.post(conv, target, message, thread_ref)

    async def update(self, conv: Conversation, ref: str, message: Message) -> None:
        await self.inner.update(conv, ref, message)

    async def open_form(self, conv: Conversation, form: object) -> None:
        raise AssertionError("no forms from reminders")

    async def reject_form(self, conv: Conversation, form: object) -> None:
        raise AssertionError("no forms from reminders")


async def start_round(bot: BotHarness, practice: str = "Recovery-forløb", pace: str = "one") -> int:
    aid = await bot.start_assessment(practice, pace=pace)
    return aid


async def since(bot: BotHarness, mark: int) -> list[Record]:
    return list(bot.channel.records[mark:])


def private_to(records: list[Record], member: str) -> list[Record]:
    return [
        r
        for r in records
        if isinstance(r.target, ToMember) and r.target.member_external_id == member
    ]


def in_channel(records: list[Record]) -> list[Record]:
    return [r for r in records if r.kind == "post" and isinstance(r.target, ToChannel)]


def fallbacks(records: list[Record]) -> str:
    return "\n".join(r.message.fallback for r in records if r.message is not None)


async def reminder_rows(bot: BotHarness, kind: str | None = None) -> list[Reminder]:
    async with bot.runtime.sessions() as session:
        stmt = select(Reminder).order_by(Reminder.id)
        if kind is not None:
            stmt = stmt.where(Reminder.kind == kind)
        return list(await session.scalars(stmt))


async def run_at(bot: BotHarness, when: datetime) -> list[Record]:
    """Move the fake clock and do what the scheduler does; what went out."""
    bot.clock.set(when)
    mark = len(bot.channel.records)
    await bot.run_due()
    return list(bot.channel.records[mark:])


async def make_agreement(
    bot: BotHarness, what: str, owner: str, follow_up: str, due: date, by: str = "Anna"
) -> int:
    """An agreement as any feature makes one (the meetings feature's generic operation)."""
    op = CreateAgreement(what, owner.casefold(), follow_up.casefold(), due, None, "test")

    def step(_turn: Turn) -> Outcome:
        return Outcome(ops=(op,))

    inbound = Inbound(bot.conv(by), Command(""), user_name=by, channel_name=bot.default_channel)
    await bot.runtime.engine.act(inbound, step, bot.channel)
    found: list[int] = []

    def look(turn: Turn) -> Outcome:
        found.extend(a.id for a in meetings_of(turn).agreements if a.what == what)
        return Outcome()

    await bot.runtime.engine.act(inbound, look, bot.channel)
    return found[-1]
