"""Delivery: a committed turn's sends go out after its transaction — retried, and reported
when they still fail (`delivery_failures`), never swallowed.

Before each send the channel is looked up: once its data has been deleted (`slet-data`),
nothing more of an earlier turn (or a reminder) goes out to it.

One message per key: a keyed message that is not posted yet is reserved before it is posted (a
`posted_messages` row without a ref, in its own short transaction). A turn that wants a key
another turn is posting waits for that post — awaiting it in this process, polling the row from
another replica (a dead poster's reservation expires with its lease) — and then updates the
message, unless the content there was rendered after its own. Only that key waits: the turn's
other messages go first, and other turns' messages do not wait at all.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.generators import Generator
from bot.metrics import DELIVERY_FAILURES
from bot.ports import ChatPort, Conversation, DeliveryError
from dialogs.calendar import utc
from dialogs.effects import OpenForm, Post, RejectForm
from dialogs.messages import Block, Generate, Message, ToChannel
from storage import posted
from storage.db import READ_ONLY
from storage.models import Channel, DeliveryFailure

log = logging.getLogger(__name__)

SEND_ATTEMPTS = 3
TURN_ATTEMPTS = 4  # looks at a key another turn inserted a moment ago
# How long a reserved message key waits for its post before another turn may post it (the
# poster died); renewed with every message the poster gets out.
POST_LEASE = timedelta(seconds=60)
POLL_FIRST, POLL_MAX = 0.05, 1.0  # seconds between looks at a key another replica is posting
# A plan's channel is looked up before its first send, and again before a later one only when
# this long has passed since the last look or this process has deleted a channel's data since.
# The look is never atomic with the send anyway; a click's sends (the card, the progress, an
# ephemeral reply) go out within a few milliseconds and need one look, not one each.
RECHECK_SECONDS = 0.05
# Posted messages whose updates this process keeps in order (see `Delivery._update`): the most
# recently updated, far more than are updated at once.
UPDATES_KEPT = 10_000
NEVER = datetime.min.replace(tzinfo=UTC)

Send = Post | OpenForm | RejectForm


class ChannelGone(DeliveryError):
    """The channel's data was deleted while its messages were being sent: the rest of the
    plan is dropped (not a delivery failure: nothing more may go out to the channel)."""

    def __init__(self, message: str = "the channel's data was deleted") -> None:
        super().__init__(message, retryable=False)


@dataclass
class Plan:
    channel_id: int
    sends: list[Send] = field(default_factory=list)
    refs: dict[str, str] = field(default_factory=dict)  # keys already posted
    # When the channel row was made: SQLite gives a new row the highest id + 1, so after a
    # deletion the id alone could name the channel's next incarnation.
    created_at: datetime | None = None
    # This turn deleted the channel's data: its own sends (the confirmation) are the last ones.
    final: bool = False
    # When the content was rendered (strictly increasing in a process): under a key another
    # turn posted meanwhile, content rendered earlier never replaces later content.
    rendered_at: datetime | None = None
    mine: set[str] = field(default_factory=set)  # keys this delivery reserved and will post
    others: set[str] = field(default_factory=set)  # keys another turn posted or is posting
    # The last look at the channel that found it there: (monotonic time, deletions seen).
    looked: tuple[float, int] | None = None


@dataclass
class _Updates:
    """The updates of one posted message in this process: one at a time, the render time of
    the newest content asked to be shown, and how many updates wait for the one being sent."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    newest: datetime = NEVER
    waiting: int = 0


class Delivery:
    """Sends the plans of committed turns (and of reminders) through a platform's port."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        generators: dict[str, Generator],
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.sessions, self.clock, self.generators, self.sleep = sessions, clock, generators, sleep
        # Keys this process is posting right now (channel id, key): a turn of this process that
        # wants one awaits the post instead of polling the database.
        self.posting: dict[tuple[int, str], asyncio.Future[None]] = {}
        self._rendered = datetime.min.replace(tzinfo=UTC)
        # Channels whose data this process deleted (the deleting turns' plans): a plan that
        # looked at its channel before then looks again.
        self.deletions = 0
        # Per posted message (channel id, key): its updates, kept in order (`_update`).
        self.updates: OrderedDict[tuple[int, str], _Updates] = OrderedDict()

    def render_stamp(self, now: datetime) -> datetime:
        # Strictly increasing, so that of two renders in this process the later is newer even
        # when the clock did not move (a fake clock; two turns in one clock tick).
        self._rendered = max(utc(now), self._rendered + timedelta(microseconds=1))
        return self._rendered

    async def deliver(self, conv: Conversation, plan: Plan, port: ChatPort) -> None:
        if plan.final:  # committed: every other plan of this process looks again
            self.deletions += 1
        await self._reserve(plan)
        try:
            # A key another turn is posting waits for it: after the rest of this turn's sends.
            waits = [isinstance(s, Post) and s.key in plan.others for s in plan.sends]
            first = [s for s, w in zip(plan.sends, waits, strict=True) if not w]
            later = [s for s, w in zip(plan.sends, waits, strict=True) if w]
            ordered = first + later
            for index, send in enumerate(ordered):
                if not await self._deliver_one(conv, plan, send, port):
                    dropped = len(ordered) - index
                    log.info("channel %s deleted: %d sends dropped", plan.channel_id, dropped)
                    return
        finally:
            await self._unreserve(plan)

    async def _deliver_one(
        self, conv: Conversation, plan: Plan, send: Send, port: ChatPort
    ) -> bool:
        """Send one thing (reported, never swallowed, when it fails); False when the channel
        is gone (its data was deleted): then nothing more of the plan is sent."""
        key = send.key if isinstance(send, Post) else None
        try:
            if not await self._still_there(plan):
                raise ChannelGone()
            if key in plan.others:
                assert key is not None
                if not await self._settle(plan, key):
                    return True  # content rendered after ours is shown under the key already
            await self._retrying(self._send_one, conv, plan, send, port)
        except Exception as exc:
            # A send that failed because the channel went meanwhile (a ref for a deleted
            # channel, a generator finding no channel) is part of the same stop.
            if isinstance(exc, ChannelGone) or not await self._still_there(plan, fresh=True):
                return False
            if key in plan.mine and key not in plan.refs:
                await self._unreserve(plan, [key])  # a turn waiting for it may post it now
            await self._report(conv.platform, plan.channel_id, send, exc)
        return True

    async def _still_there(self, plan: Plan, *, fresh: bool = False) -> bool:
        """Whether the plan's channel still exists (always, for the deleting turn's own
        sends). A failing lookup counts as yes: it is not evidence of a deletion, and the send
        then fails or succeeds as it would have. Without `fresh`, a look that found the
        channel moments ago (RECHECK_SECONDS, no deletion in this process since) stands."""
        if plan.final:
            return True
        if not fresh and plan.looked is not None:
            at, deletions = plan.looked
            if deletions == self.deletions and time.monotonic() - at < RECHECK_SECONDS:
                return True
        deletions = self.deletions
        try:
            async with self.sessions() as session:
                # A single read: no write lock (on SQLite, no BEGIN IMMEDIATE).
                conn = await session.connection(execution_options={READ_ONLY: True})
                created = await conn.scalar(_CREATED, {"cid": plan.channel_id})
        except Exception as exc:  # e.g. the database is out of reach
            log.warning("channel lookup before a send failed: %s", type(exc).__name__)
            return True
        if created is None:
            return False
        there = plan.created_at is None or _same_moment(created, plan.created_at)
        if there:
            plan.looked = (time.monotonic(), deletions)
        return there

    async def _send_one(self, conv: Conversation, plan: Plan, send: Send, port: ChatPort) -> None:
        if isinstance(send, OpenForm):
            return await port.open_form(conv, send.form)
        if isinstance(send, RejectForm):
            return await port.reject_form(conv, send.form)
        message = await self.materialize(send.message, plan.channel_id)
        if send.key and send.key in plan.refs:
            stamp = plan.rendered_at or self.render_stamp(self.clock.now())
            ref = plan.refs[send.key]
            return await self._update(
                (plan.channel_id, send.key), stamp, lambda: port.update(conv, ref, message)
            )
        thread = None
        if isinstance(send.target, ToChannel) and send.target.thread_key:
            thread = await self._thread_ref(plan, send.target.thread_key)
        ref = await port.post(conv, send.target, message, thread)
        if send.key and not plan.final:  # (the deleting turn's channel has no rows left)
            plan.refs[send.key] = ref
            try:
                async with self.sessions() as session, session.begin():
                    now = self.clock.now()
                    await posted.save_ref(session, plan.channel_id, send.key, ref, now)
                    rest = plan.mine - plan.refs.keys()
                    await posted.renew(session, plan.channel_id, rest, now + POST_LEASE)
            finally:
                self._posted(plan, send.key)

    async def _update(
        self, slot: tuple[int, str], stamp: datetime, update: Callable[[], Awaitable[None]]
    ) -> None:
        """Send `update` of a posted message once the one being sent is done; not at all when
        content rendered after it has been sent or is waiting to be (issue 21, point 4). Two
        turns running at once (three on PostgreSQL) render in the order they commit, but their
        sends race: without this the earlier render could land last and the message show a
        stale state (a card counting one answer fewer) until the next click. And a burst of
        clicks on one card makes two updates, not one a click: the one being sent and the
        newest after it (which shows every click before it: it was rendered after them) — within
        Slack's and Teams' rates for updates, with no queue that grows. Should the newest fail,
        its own turn retries or reports it, as any send."""
        state = self.updates.get(slot)
        if state is None:
            state = self.updates[slot] = _Updates()
            while len(self.updates) > UPDATES_KEPT:
                self.updates.popitem(last=False)
        self.updates.move_to_end(slot)
        state.newest = max(state.newest, stamp)
        state.waiting += 1
        try:
            await state.lock.acquire()  # (first come, first served)
        finally:
            state.waiting -= 1
        try:
            if stamp < state.newest:
                log.debug("update superseded by newer content: not sent")
                return
            await update()
        finally:
            state.lock.release()

    # ---- one message per key ----
    def _keyed_posts(self, plan: Plan) -> list[str]:
        """The keys this plan posts under that were not posted when it was made."""
        keys = [s.key for s in plan.sends if isinstance(s, Post) and s.key]
        return list(dict.fromkeys(k for k in keys if k not in plan.refs))

    async def _reserve(self, plan: Plan) -> None:
        """Reserve the keys this plan will post under (one short transaction); a key another
        turn posted or is posting goes to `plan.others`."""
        wanted = []
        for key in self._keyed_posts(plan):
            if (plan.channel_id, key) in self.posting:
                plan.others.add(key)  # in flight in this process
            else:
                # Registered before the database is asked, so that a turn of this process
                # asking meanwhile awaits us rather than polls.
                future = asyncio.get_running_loop().create_future()
                self.posting[(plan.channel_id, key)] = future
                wanted.append(key)
        if not wanted:
            return
        stamp = plan.rendered_at or self.render_stamp(self.clock.now())
        found: dict[str, posted.Reservation] = {}
        try:
            async with self.sessions() as session, session.begin():
                now = self.clock.now()
                found = await posted.reserve(
                    session, plan.channel_id, wanted, stamp, now, POST_LEASE
                )
        except Exception as exc:  # (a concurrent reservation; the database away) see below
            log.info("message keys not reserved: %s", type(exc).__name__)
        for key in wanted:
            got = found.get(key)
            if got is not None and got.mine:
                plan.mine.add(key)
                continue
            plan.others.add(key)  # settled when it is its turn to be sent
            self._resolve(plan.channel_id, key)

    async def _settle(self, plan: Plan, key: str) -> bool:
        """Wait until the key another turn holds is posted (or its poster gave up or died, and
        the key is ours to post). False when the content under it was rendered after ours."""
        delay = POLL_FIRST
        stamp = plan.rendered_at or self.render_stamp(self.clock.now())
        races = 0
        while True:
            waiting = self.posting.get((plan.channel_id, key))
            if waiting is not None:
                await asyncio.shield(waiting)
                continue
            future = asyncio.get_running_loop().create_future()
            self.posting[(plan.channel_id, key)] = future
            try:
                async with self.sessions() as session, session.begin():
                    now = self.clock.now()
                    got = (
                        await posted.reserve(
                            session, plan.channel_id, [key], stamp, now, POST_LEASE
                        )
                    )[key]
                    newer = got.ref is not None and not await posted.claim_update(
                        session, plan.channel_id, key, stamp
                    )
            except IntegrityError:
                self._resolve(plan.channel_id, key)
                races += 1
                if races < TURN_ATTEMPTS:
                    continue  # another turn inserted it a moment ago: look again
                raise  # (the channel is gone, say)
            except BaseException:
                self._resolve(plan.channel_id, key)
                raise
            plan.others.discard(key)
            if got.mine:
                plan.mine.add(key)
                return True
            self._resolve(plan.channel_id, key)
            if got.ref is not None:
                plan.refs[key] = got.ref
                return not newer
            plan.others.add(key)  # another replica is posting it: look again shortly
            await self.sleep(delay)
            delay = min(delay * 2, POLL_MAX)

    async def _thread_ref(self, plan: Plan, thread_key: str) -> str | None:
        """The reference of the message a reply goes under: when another turn is posting it
        right now, once it is posted (None: it is not posted, and nobody is posting it)."""
        ref = plan.refs.get(thread_key)
        if ref is not None or thread_key in plan.mine:
            return ref
        delay = POLL_FIRST
        while True:
            waiting = self.posting.get((plan.channel_id, thread_key))
            if waiting is not None:
                await asyncio.shield(waiting)
            async with self.sessions() as session, session.begin():
                found = await posted.posting(session, plan.channel_id, thread_key, self.clock.now())
            if found.ref is not None or found.lease_until is None:
                if found.ref is not None:
                    plan.refs[thread_key] = found.ref
                return found.ref
            await self.sleep(delay)
            delay = min(delay * 2, POLL_MAX)

    def _posted(self, plan: Plan, key: str) -> None:
        plan.mine.discard(key)
        self._resolve(plan.channel_id, key)

    def _resolve(self, channel_id: int, key: str) -> None:
        future = self.posting.pop((channel_id, key), None)
        if future is not None and not future.done():
            future.set_result(None)

    async def _unreserve(self, plan: Plan, keys: list[str] | None = None) -> None:
        """Give back keys this delivery reserved but did not post (their post failed; by
        default all of them)."""
        mine = plan.mine if keys is None else plan.mine & set(keys)
        left = sorted(mine - plan.refs.keys())
        if left:
            try:
                async with self.sessions() as session, session.begin():
                    for key in left:
                        await posted.release(session, plan.channel_id, key)
            except Exception as exc:  # the reservations then end with their lease
                log.warning("message keys not released: %s", type(exc).__name__)
        for key in list(mine):
            self._posted(plan, key)

    async def materialize(self, message: Message, channel_id: int) -> Message:
        """Replace `Generate` placeholders by the files their generators produce."""
        if not any(isinstance(b, Generate) for b in message.blocks):
            return message
        blocks: list[Block] = []
        for block in message.blocks:
            if isinstance(block, Generate):
                generator = self.generators.get(block.kind)
                if generator is None:
                    raise LookupError(f"no generator for {block.kind}")
                blocks.append(await generator(block, channel_id))
            else:
                blocks.append(block)
        return Message(tuple(blocks), message.fallback)

    async def _retrying(
        self,
        call: Callable[[Conversation, Plan, Send, ChatPort], Awaitable[None]],
        conv: Conversation,
        plan: Plan,
        send: Send,
        port: ChatPort,
    ) -> None:
        for attempt in range(SEND_ATTEMPTS):
            try:
                return await call(conv, plan, send, port)
            except DeliveryError as exc:
                if not exc.retryable or attempt == SEND_ATTEMPTS - 1:
                    raise
                await self.sleep(0.5 * 2**attempt)

    async def _report(self, platform: str, channel_id: int, send: Send, exc: Exception) -> None:
        what = type(send).__name__
        # Only the types go to the log: message text may hold what a team wrote.
        log.error("delivery failed: %s: %s", what, type(exc).__name__)
        DELIVERY_FAILURES.labels(platform).inc()
        async with self.sessions() as session, session.begin():
            # The channel may be gone (its data was just deleted): keep the report anyway.
            known = await session.get(Channel, channel_id) is not None
            session.add(
                DeliveryFailure(
                    channel_id=channel_id if known else None,
                    description=what,
                    error=f"{type(exc).__name__}: {exc}"[:1000],
                    created_at=self.clock.now(),
                )
            )


_CREATED = select(Channel.created_at).where(Channel.id == bindparam("cid"))


def _same_moment(stored: datetime, planned: datetime) -> bool:
    """`stored` as the database gives it back; `planned` as the turn had it (perhaps made in
    that turn, with its time zone). SQLite keeps only the wall-clock digits."""
    if stored.tzinfo is None:
        return stored == planned.replace(tzinfo=None)
    return planned.tzinfo is not None and stored == planned


def message_keys(send: Send) -> list[str]:
    if not isinstance(send, Post):
        return []
    keys = [send.key] if send.key else []
    if isinstance(send.target, ToChannel) and send.target.thread_key:
        keys.append(send.target.thread_key)
    return keys
