"""One turn: load state → step → write state, answers and refs in one transaction → send.

The engine is platform-neutral: adapters turn requests into (Conversation, Event) and give it a
ChatPort. Sending happens after commit, so a failed send never loses an answer; it is retried
and, if it still fails, recorded in `delivery_failures` and logged.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from bot.clock import Clock
from bot.ports import ChatPort, Conversation, DeliveryError
from dialogs.assessment import AssessmentDialog
from dialogs.effects import OpenForm, Outcome, Post, Refresh, RejectForm
from dialogs.events import Event
from dialogs.messages import ToChannel
from dialogs.refresh import Renderer
from scoring.catalogue import Catalogue
from scoring.table import ScoringTable
from storage import repository as repo
from storage.models import DeliveryFailure

log = logging.getLogger(__name__)

TURN_ATTEMPTS = 4
SEND_ATTEMPTS = 3


@dataclass(frozen=True)
class Inbound:
    """A request from a platform, already verified by its adapter."""

    conv: Conversation
    event: Event
    user_name: str | None = None
    channel_name: str | None = None
    event_id: str | None = None  # the platform's id for deduplication


@dataclass
class Plan:
    channel_id: int
    sends: list[Post | OpenForm | RejectForm] = field(default_factory=list)
    refs: dict[str, str] = field(default_factory=dict)  # keys already posted


class Engine:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        catalogue: Catalogue,
        table: ScoringTable,
        clock: Clock,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.sessions, self.clock, self.sleep = sessions, clock, sleep
        self.dialog = AssessmentDialog(catalogue)
        self.renderer = Renderer(catalogue, table)

    async def handle(self, inbound: Inbound, port: ChatPort) -> bool:
        """Process one inbound event; False when it was a duplicate delivery."""
        plan = await self._transact(inbound)
        if plan is None:
            return False
        await self.deliver(inbound.conv, plan, port)
        return True

    async def _transact(self, inbound: Inbound) -> Plan | None:
        for attempt in range(TURN_ATTEMPTS):
            try:
                async with self.sessions() as session, session.begin():
                    return await self._turn(session, inbound)
            except (IntegrityError, StaleDataError, OperationalError) as exc:
                # A concurrent turn won a race (unique key, version check, lock): go again.
                if attempt == TURN_ATTEMPTS - 1:
                    raise
                log.info("turn retried after %s", type(exc).__name__)
        return None

    async def _turn(self, session: AsyncSession, inbound: Inbound) -> Plan | None:
        now = self.clock.now()
        conv = inbound.conv
        if inbound.event_id and await repo.seen_event(
            session, f"{conv.platform}:{conv.workspace}:{inbound.event_id}", now
        ):
            return None
        place = repo.Place(conv.platform, conv.workspace, conv.channel, inbound.channel_name)
        ctx = await repo.context_for(session, place, conv.actor or "?", inbound.user_name, now)
        turn = await repo.load_turn(session, ctx, now)
        outcome: Outcome = self.dialog.step(turn, inbound.event)
        for op in outcome.ops:
            await repo.apply(session, ctx, op, now)
        plan = Plan(ctx.channel.id)
        after = (
            await repo.load_turn(session, ctx, now)
            if any(isinstance(o, Refresh) for o in outcome.out)
            else turn
        )
        for out in outcome.out:
            plan.sends += self.renderer.render(out, after) if isinstance(out, Refresh) else [out]
        for send in plan.sends:
            for key in _keys(send):
                ref = await repo.posted_ref(session, ctx.channel.id, key)
                if ref is not None:
                    plan.refs[key] = ref
        return plan

    async def deliver(self, conv: Conversation, plan: Plan, port: ChatPort) -> None:
        for send in plan.sends:
            try:
                await self._retrying(lambda s=send: self._send_one(conv, plan, s, port))  # type: ignore[misc]
            except Exception as exc:  # reported below, never swallowed
                await self._report(plan.channel_id, send, exc)

    async def _send_one(
        self, conv: Conversation, plan: Plan, send: Post | OpenForm | RejectForm, port: ChatPort
    ) -> None:
        if isinstance(send, OpenForm):
            return await port.open_form(conv, send.form)
        if isinstance(send, RejectForm):
            return await port.reject_form(conv, send.form)
        if send.key and send.key in plan.refs:
            return await port.update(conv, plan.refs[send.key], send.message)
        thread = None
        if isinstance(send.target, ToChannel) and send.target.thread_key:
            thread = plan.refs.get(send.target.thread_key)
        ref = await port.post(conv, send.target, send.message, thread)
        if send.key:
            plan.refs[send.key] = ref
            async with self.sessions() as session, session.begin():
                await repo.save_ref(session, plan.channel_id, send.key, ref, self.clock.now())

    async def _retrying(self, call: Callable[[], Awaitable[None]]) -> None:
        for attempt in range(SEND_ATTEMPTS):
            try:
                return await call()
            except DeliveryError as exc:
                if not exc.retryable or attempt == SEND_ATTEMPTS - 1:
                    raise
                await self.sleep(0.5 * 2**attempt)

    async def _report(self, channel_id: int, send: object, exc: Exception) -> None:
        what = type(send).__name__
        log.error("delivery failed: %s: %s", what, type(exc).__name__)
        async with self.sessions() as session, session.begin():
            session.add(
                DeliveryFailure(
                    channel_id=channel_id,
                    description=what,
                    error=f"{type(exc).__name__}: {exc}"[:1000],
                    created_at=self.clock.now(),
                )
            )


def _keys(send: Post | OpenForm | RejectForm) -> list[str]:
    if not isinstance(send, Post):
        return []
    keys = [send.key] if send.key else []
    if isinstance(send.target, ToChannel) and send.target.thread_key:
        keys.append(send.target.thread_key)
    return keys
