"""One turn: load state → step → write state, answers and refs in one transaction → send.

The engine is platform-neutral: adapters turn requests into (Conversation, Event) and give it a
ChatPort. Sending happens after commit, so a failed send never loses an answer; it is retried
and, if it still fails, recorded in `delivery_failures` and logged. Before each send the
channel is looked up: once its data has been deleted (`slet-data`), nothing more of an earlier
turn (or a reminder) goes out to it.

A turn knows when its interaction was received (`Inbound.received_at`, kept with it in the
inbox); stores leave alone what something received later has set (storage/turns.py), and a turn
whose writes were all or partly superseded so says nothing of its own (its refreshes still show
the data as it is).

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
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from bot.clock import Clock
from bot.features import Feature
from bot.generators import Generator
from bot.inbox import Inbox, event_data, event_of, new_key
from bot.metrics import DELIVERY_FAILURES, TURN_LATENCY, TURNS
from bot.ports import ChatPort, Conversation, DeliveryError
from bot.priority import Answering
from dialogs import actions
from dialogs.calendar import utc
from dialogs.effects import OpenForm, Outcome, Post, Refresh, RejectForm
from dialogs.events import Command, Event, Interaction
from dialogs.feature import Dialog
from dialogs.messages import Block, Generate, InPlaceOfForm, Message, ToChannel
from dialogs.reminders import Builder
from dialogs.replies import plain
from dialogs.turn import Surface, Turn
from storage import inbox as inbox_store
from storage import turns as repo
from storage.db import is_unavailable
from storage.feature import Store
from storage.models import Channel, DeliveryFailure
from storage.privacy import CHANNEL_DELETED

log = logging.getLogger(__name__)

TURN_ATTEMPTS = 4
SEND_ATTEMPTS = 3
SYSTEM_ACTOR = repo.SYSTEM_ACTOR
# How long a reserved message key waits for its post before another turn may post it (the
# poster died); renewed with every message the poster gets out.
POST_LEASE = timedelta(seconds=60)
POLL_FIRST, POLL_MAX = 0.05, 1.0  # seconds between looks at a key another replica is posting

Send = Post | OpenForm | RejectForm


@dataclass(frozen=True)
class Inbound:
    """A request from a platform, already verified by its adapter."""

    conv: Conversation
    event: Event
    user_name: str | None = None
    channel_name: str | None = None
    event_id: str | None = None  # the platform's id for deduplication
    inbox_key: str | None = None  # set by `Engine.accept`: the turn runs once for this key
    # The platform has had its answer (a kept click, a replay): the turn waits for a lull
    # between the requests being answered (bot/priority.py).
    answered: bool = False
    # When the platform's request arrived, if before the turn (set by `accept`; a replay has
    # it from the inbox). None: received when the turn runs. Last received wins.
    received_at: datetime | None = None


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


class Engine:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        features: list[Feature],
        clock: Clock,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        inbox_sessions: async_sessionmaker[AsyncSession] | None = None,
        turn_slots: int = 1,
    ) -> None:
        self.sessions, self.features, self.clock, self.sleep = sessions, features, clock, sleep
        self.dialogs = {f.dialog.name: f.dialog for f in features}
        self.stores: dict[type, Store] = {t: f.store for f in features for t in f.store.op_types}
        # Each reminder kind and the feature code that builds it when it is due.
        self.reminder_builders: dict[str, Builder] = {
            kind: builder
            for f in features
            if f.reminders
            for kind, builder in f.reminders.kinds.builders.items()
        }
        self.unwindowed = frozenset[str]().union(
            *(f.reminders.kinds.unwindowed for f in features if f.reminders)
        )
        self.generators: dict[str, Generator] = {
            kind: g for f in features for kind, g in f.generators.items()
        }
        self.inbox = Inbox(inbox_sessions or sessions, clock)
        # Keys this process is posting right now (channel id, key): a turn of this process that
        # wants one awaits the post instead of polling the database.
        self.posting: dict[tuple[int, str], asyncio.Future[None]] = {}
        self._rendered = datetime.min.replace(tzinfo=UTC)
        # Turns in flight at once. SQLite runs one write transaction at a time anyway; letting
        # more wait inside it only adds busy-waiting and steals the event loop from the
        # acknowledgements of new clicks (which are kept in the inbox, and lose nothing by
        # waiting here).
        self.turn_slots = asyncio.Semaphore(turn_slots)
        # Requests being answered (counted by the web app): the turns of kept interactions
        # take their slot in a lull between them (bot/priority.py).
        self.answering = Answering()

    # ---- routing ----
    def route(self, event: Event) -> Dialog:
        """The feature that owns a command word or an action verb (default: the first)."""
        if isinstance(event, Command):
            word = event.text.strip().removeprefix("/lovende").strip().split(" ")[0].casefold()
            owner = next((f.dialog for f in self.features if word in f.dialog.words), None)
        else:
            try:
                verb = actions.decode(event.action).verb
            except actions.BadAction:
                verb = ""
            owner = next((f.dialog for f in self.features if verb in f.dialog.verbs), None)
        return owner or self.features[0].dialog

    async def load_turn(
        self,
        session: AsyncSession,
        ctx: repo.Context,
        now: datetime,
        needs: frozenset[str] | None = None,
        before: Turn | None = None,
        surface: Surface | None = None,
    ) -> Turn:
        """The core read model plus the data of the stores named in `needs` (None: all);
        `before`: this turn as loaded before its operations (see `Store.load`); `surface`:
        what the place looks like to the person (kept from `before`)."""
        turn = await repo.load_turn(session, ctx, now)
        surface = surface or (before.surface if before is not None else None)
        if surface is not None:
            turn = replace(turn, surface=surface)
        for f in self.features:
            name = f.store.name
            if needs is not None and name not in needs:
                continue
            earlier = before.extra.get(name) if before is not None else None
            turn.extra[name] = await f.store.load(session, ctx, now, earlier)
        return turn

    async def apply(
        self, session: AsyncSession, ctx: repo.Context, op: object, now: datetime
    ) -> None:
        if await repo.apply_core(session, ctx, op, now):
            return
        store = self.stores.get(type(op))
        if store is None:
            raise TypeError(f"no feature applies {type(op).__name__}")
        await store.apply(session, ctx, op, now)

    def render(self, refresh: Refresh, turn: Turn) -> list[Post]:
        return self.dialogs[refresh.owner].render(refresh, turn)

    # ---- turns ----
    async def accept(self, inbound: Inbound) -> Inbound:
        """Keep an interaction durably before the platform is answered. Pass what this returns
        to `handle`, which applies it exactly once (or a replay does, should we die first)."""
        key = new_key()
        received = inbound.received_at or self.clock.now()
        inbound = replace(scrubbed(inbound), inbox_key=key, received_at=received)
        conv = inbound.conv
        entry = inbox_store.Entry(
            key,
            conv.platform,
            conv.workspace,
            conv.channel,
            conv.actor,
            inbound.channel_name,
            {**event_data(inbound.event), "surface": asdict(conv.surface)},
            inbound.event_id,
            received,
        )
        await self.inbox.keep(entry)
        return inbound

    async def handle(self, inbound: Inbound, port: ChatPort) -> bool:
        """Process one inbound event; False when it was a duplicate delivery (or a kept
        interaction that was applied already)."""

        inbound = scrubbed(inbound)
        dialog = self.route(inbound.event)

        def step(turn: Turn) -> Outcome:
            return dialog.step(turn, inbound.event)

        try:
            done = await self.act(inbound, step, port, dialog.reads_for(inbound.event))
        except BaseException:
            if inbound.inbox_key is not None:  # the row stays: the replay takes it
                self.inbox.failed(inbound.inbox_key)
            raise
        if inbound.inbox_key is not None:
            try:
                await self.inbox.done(inbound.inbox_key)
            except Exception as exc:  # harmless: a replay finds the turn done and removes it
                log.warning("inbox row not removed: %s", type(exc).__name__)
        return done

    async def replay(self, ports: dict[str, ChatPort]) -> int:
        """Run the turns of kept interactions whose process did not (it died, or failed);
        the number applied. Sends go through the platforms' proactive ports."""
        applied = 0
        for row in await self.inbox.claim_stale():
            port = ports.get(row.platform)
            if port is None:
                log.warning("inbox row %d waits for its platform %s", row.id, row.platform)
                continue
            surface = Surface(**row.event.get("surface") or {})
            conv = Conversation(row.platform, row.workspace, row.channel, row.actor, surface)
            event = event_of(row.event)
            inbound = Inbound(
                conv,
                event,
                None,
                row.channel_name,
                row.event_id,
                row.key,
                answered=True,
                received_at=utc(row.received_at),
            )
            try:
                applied += await self.handle(inbound, port)
            except Exception as exc:  # the row stays; the next replay tries again
                log.error("inbox row %d failed on replay: %s", row.id, type(exc).__name__)
        return applied

    async def act(
        self,
        inbound: Inbound,
        step: Callable[[Turn], Outcome],
        port: ChatPort,
        needs: frozenset[str] | None = None,
    ) -> bool:
        """Run `step` as one turn of `inbound`'s conversation; also for system-initiated work
        (reminders, nudges), where `inbound.conv.actor` is None. `needs`: the stores whose data
        the step reads (None: all)."""
        started = time.perf_counter()
        try:
            plan = await self._transact(inbound, step, needs)
        except Exception:
            TURNS.labels("failed").inc()
            raise
        TURN_LATENCY.observe(time.perf_counter() - started)
        TURNS.labels("done" if plan is not None else "duplicate").inc()
        if plan is None:
            return False
        await self.deliver(inbound.conv, plan, port)
        return True

    async def _transact(
        self,
        inbound: Inbound,
        step: Callable[[Turn], Outcome],
        needs: frozenset[str] | None,
    ) -> Plan | None:
        for attempt in range(TURN_ATTEMPTS):
            try:
                slot = (
                    self.answering.after_lull(self.turn_slots)
                    if inbound.answered
                    else self.turn_slots
                )
                async with slot, self.sessions() as session, session.begin():
                    return await self._turn(session, inbound, step, needs)
            except (IntegrityError, StaleDataError, OperationalError) as exc:
                # A concurrent turn won a race (unique key, version check, lock): go again —
                # unless the database is out of reach (the request is answered 503).
                if attempt == TURN_ATTEMPTS - 1 or is_unavailable(exc):
                    raise
                log.info("turn retried after %s", type(exc).__name__)
        return None

    async def _turn(
        self,
        session: AsyncSession,
        inbound: Inbound,
        step: Callable[[Turn], Outcome],
        needs: frozenset[str] | None,
    ) -> Plan | None:
        now = self.clock.now()
        conv = inbound.conv
        for key in _event_keys(inbound):
            if await repo.seen_event(session, key, now):
                return None
        form = _form_key(inbound)
        if form is not None and await repo.was_processed(session, form):
            step = _already_saved  # a second "Gem" on a form that stayed on screen
        place = repo.Place(conv.platform, conv.workspace, conv.channel, inbound.channel_name)
        actor = conv.actor or SYSTEM_ACTOR
        ctx = await repo.context_for(
            session, place, actor, inbound.user_name, now, inbound.received_at
        )
        turn = await self.load_turn(session, ctx, now, needs, surface=conv.surface)
        outcome = step(turn)
        if form is not None and _saves_form(outcome):
            # Saved once: a concurrent second submit of the same form finds this key — saved
            # meanwhile (then its own saving is dropped), or being saved (the unique key makes
            # one of the two turns run again, and then it finds the key).
            if await repo.seen_event(session, form, now):
                outcome = _already_saved(turn)
            else:
                saved = Post(plain(turn.lang, "form.saved"), InPlaceOfForm())
                outcome += Outcome(out=(saved,))
        return await self.commit_outcome(session, ctx, turn, outcome, now, needs)

    async def commit_outcome(
        self,
        session: AsyncSession,
        ctx: repo.Context,
        turn: Turn,
        outcome: Outcome,
        now: datetime,
        loaded: frozenset[str] | None = None,
    ) -> Plan:
        """Apply the operations and build the delivery plan (inside the caller's transaction).
        `loaded`: the stores whose data `turn` holds (None: all)."""
        created = ctx.channel.created_at
        superseded = ctx.superseded
        for op in outcome.ops:
            await self.apply(session, ctx, op, now)
        if ctx.superseded > superseded:
            # Something received after this interaction set what it would have changed (a
            # replay after a crash): its own words ("saved", "X decided …") would be untrue.
            # Its refreshes stay: they show the data as it is.
            kept = tuple(o for o in outcome.out if not (isinstance(o, Post) and o.key is None))
            outcome = replace(outcome, out=kept)
        final = session.info.pop(CHANNEL_DELETED, None) == ctx.channel.id
        plan = Plan(
            ctx.channel.id, created_at=created, final=final, rendered_at=self._render_stamp(now)
        )
        refreshes = [o for o in outcome.out if isinstance(o, Refresh)]
        needs = frozenset[str]().union(*(self.dialogs[r.owner].reads for r in refreshes))
        # `Refresh` is rendered from the data as it is after the operations: reload unless
        # nothing changed and the turn already holds what the renderers read.
        fresh = not outcome.ops and (loaded is None or needs <= loaded)
        after = (
            turn
            if not refreshes or fresh
            else await self.load_turn(session, ctx, now, needs, before=turn)
        )
        for out in outcome.out:
            plan.sends += self.render(out, after) if isinstance(out, Refresh) else [out]
        keys = {key for send in plan.sends for key in _keys(send)}
        plan.refs.update(await repo.posted_refs(session, ctx.channel.id, keys))
        return plan

    def _render_stamp(self, now: datetime) -> datetime:
        # Strictly increasing, so that of two renders in this process the later is newer even
        # when the clock did not move (a fake clock; two turns in one clock tick).
        self._rendered = max(utc(now), self._rendered + timedelta(microseconds=1))
        return self._rendered

    # ---- delivery ----
    async def deliver(self, conv: Conversation, plan: Plan, port: ChatPort) -> None:
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
            if isinstance(exc, ChannelGone) or not await self._still_there(plan):
                return False
            if key in plan.mine and key not in plan.refs:
                await self._unreserve(plan, [key])  # a turn waiting for it may post it now
            await self._report(conv.platform, plan.channel_id, send, exc)
        return True

    async def _still_there(self, plan: Plan) -> bool:
        """Whether the plan's channel still exists (always, for the deleting turn's own
        sends). A failing lookup counts as yes: it is not evidence of a deletion, and the send
        then fails or succeeds as it would have."""
        if plan.final:
            return True
        try:
            async with self.sessions() as session:
                created = await session.scalar(
                    select(Channel.created_at).where(Channel.id == plan.channel_id)
                )
        except Exception as exc:  # e.g. the database is out of reach
            log.warning("channel lookup before a send failed: %s", type(exc).__name__)
            return True
        if created is None:
            return False
        return plan.created_at is None or _same_moment(created, plan.created_at)

    async def _send_one(self, conv: Conversation, plan: Plan, send: Send, port: ChatPort) -> None:
        if isinstance(send, OpenForm):
            return await port.open_form(conv, send.form)
        if isinstance(send, RejectForm):
            return await port.reject_form(conv, send.form)
        message = await self.materialize(send.message, plan.channel_id)
        if send.key and send.key in plan.refs:
            return await port.update(conv, plan.refs[send.key], message)
        thread = None
        if isinstance(send.target, ToChannel) and send.target.thread_key:
            thread = await self._thread_ref(plan, send.target.thread_key)
        ref = await port.post(conv, send.target, message, thread)
        if send.key and not plan.final:  # (the deleting turn's channel has no rows left)
            plan.refs[send.key] = ref
            try:
                async with self.sessions() as session, session.begin():
                    now = self.clock.now()
                    await repo.save_ref(session, plan.channel_id, send.key, ref, now)
                    rest = plan.mine - plan.refs.keys()
                    await repo.renew(session, plan.channel_id, rest, now + POST_LEASE)
            finally:
                self._posted(plan, send.key)

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
        stamp = plan.rendered_at or self._render_stamp(self.clock.now())
        found: dict[str, repo.Reservation] = {}
        try:
            async with self.sessions() as session, session.begin():
                now = self.clock.now()
                found = await repo.reserve(session, plan.channel_id, wanted, stamp, now, POST_LEASE)
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
        stamp = plan.rendered_at or self._render_stamp(self.clock.now())
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
                        await repo.reserve(session, plan.channel_id, [key], stamp, now, POST_LEASE)
                    )[key]
                    newer = got.ref is not None and not await repo.claim_update(
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
                found = await repo.posting(session, plan.channel_id, thread_key, self.clock.now())
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
                        await repo.release(session, plan.channel_id, key)
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


def _same_moment(stored: datetime, planned: datetime) -> bool:
    """`stored` as the database gives it back; `planned` as the turn had it (perhaps made in
    that turn, with its time zone). SQLite keeps only the wall-clock digits."""
    if stored.tzinfo is None:
        return stored == planned.replace(tzinfo=None)
    return planned.tzinfo is not None and stored == planned


def scrub(text: str) -> str:
    """Lone surrogates (JSON "\\ud800") can be neither stored nor encoded: replace them."""
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def scrubbed(inbound: Inbound) -> Inbound:
    """The inbound event with every user-supplied string made encodable."""
    event: Event = (
        Command(scrub(inbound.event.text))
        if isinstance(inbound.event, Command)
        else Interaction(
            scrub(inbound.event.action),
            {scrub(k): scrub(v) for k, v in inbound.event.values.items()},
            scrub(inbound.event.form_key) if inbound.event.form_key else None,
        )
    )
    return replace(
        inbound,
        event=event,
        user_name=scrub(inbound.user_name) if inbound.user_name else None,
        channel_name=scrub(inbound.channel_name) if inbound.channel_name else None,
    )


def _form_key(inbound: Inbound) -> str | None:
    """The processed-event key of the form this interaction submits, if it names one."""
    event, conv = inbound.event, inbound.conv
    if not isinstance(event, Interaction) or event.form_key is None:
        return None
    return f"form:{conv.platform}:{conv.workspace}:{event.form_key}"


def _saves_form(outcome: Outcome) -> bool:
    """The form was accepted: something is stored, and no form is shown again."""
    shown = any(isinstance(o, RejectForm | OpenForm) for o in outcome.out)
    return bool(outcome.ops) and not shown


def _already_saved(turn: Turn) -> Outcome:
    return Outcome(out=(Post(plain(turn.lang, "form.already_saved"), InPlaceOfForm()),))


def _event_keys(inbound: Inbound) -> list[str]:
    """The processed-event keys that make a delivery (or a replay) of this turn a duplicate."""
    conv = inbound.conv
    keys = [f"inbox:{inbound.inbox_key}"] if inbound.inbox_key else []
    if inbound.event_id:
        keys.append(f"{conv.platform}:{conv.workspace}:{inbound.event_id}")
    return keys


def _keys(send: Send) -> list[str]:
    if not isinstance(send, Post):
        return []
    keys = [send.key] if send.key else []
    if isinstance(send.target, ToChannel) and send.target.thread_key:
        keys.append(send.target.thread_key)
    return keys
