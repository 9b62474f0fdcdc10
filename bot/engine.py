"""One turn: load state → step → write state, answers and refs in one transaction → send.

The engine is platform-neutral: adapters turn requests into (Conversation, Event) and give it a
ChatPort. Sending happens after commit (bot/delivery.py), so a failed send never loses an
answer.

A turn knows when its interaction was received (`Inbound.received_at`, kept with it in the
inbox); stores leave alone what something received later has set (storage/turns.py), and a turn
whose writes were all or partly superseded so says nothing of its own (its refreshes still show
the data as it is).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, replace
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from bot.backlog import Backlog
from bot.clock import Clock
from bot.delivery import Delivery, Plan, message_keys
from bot.features import Feature
from bot.generators import Generator
from bot.inbound import Inbound, event_keys, form_key, scrubbed
from bot.inbox import Inbox, event_data, event_of, new_key
from bot.metrics import TURN_LATENCY, TURNS
from bot.ports import ChatPort, Conversation
from bot.priority import Answering
from bot.snapshots import Snapshots
from dialogs import actions
from dialogs.calendar import utc
from dialogs.effects import (
    OpenForm,
    Outcome,
    Post,
    Refresh,
    RejectForm,
    SetDialogState,
    SetRole,
)
from dialogs.events import Command, Event
from dialogs.feature import Dialog
from dialogs.messages import InPlaceOfForm
from dialogs.reminders import Builder
from dialogs.replies import plain
from dialogs.turn import Surface, Turn
from storage import inbox as inbox_store
from storage import posted
from storage import turns as repo
from storage.db import is_unavailable
from storage.feature import APPLIED, Store
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


class Engine:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        features: list[Feature],
        clock: Clock,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        inbox_sessions: async_sessionmaker[AsyncSession] | None = None,
        turn_slots: int = 1,
        changed: Callable[[AsyncSession, int], Awaitable[None]] | None = None,
    ) -> None:
        self.sessions, self.features, self.clock = sessions, features, clock
        # Told, inside the transaction, of each turn whose operations changed a channel: the
        # board's open pages hear of it once it commits (bot/board/live.py).
        self.changed = changed
        self.dialogs = {f.dialog.name: f.dialog for f in features}
        self.stores: dict[type, Store] = {t: f.store for f in features for t in f.store.op_types}
        # After a turn of only these operations its refreshes reload only what they touched.
        self.light_ops = frozenset[type]({SetDialogState}).union(
            *(f.store.light_ops for f in features)
        )
        self.versioned = frozenset(f.store.name for f in features if f.store.versioned)
        # The operations that change what a Snapshot holds: the members' roles and the
        # versioned stores' data. Others (a dialog state, a meeting's notes) leave the
        # channel's version alone.
        self.versioned_ops = frozenset[type]({SetRole}).union(
            *(f.store.op_types for f in features if f.store.versioned)
        )
        self.snapshots = Snapshots(self.versioned)
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
        self.delivery = Delivery(sessions, clock, self.generators, sleep)
        # Turns in flight at once. SQLite runs one write transaction at a time anyway; letting
        # more wait inside it only adds busy-waiting and steals the event loop from the
        # acknowledgements of new clicks (which are kept in the inbox, and lose nothing by
        # waiting here).
        self.turn_slots = asyncio.Semaphore(turn_slots)
        # Requests being answered (counted by the web app): the turns of kept interactions
        # take their slot in a lull between them (bot/priority.py).
        self.answering = Answering()
        # The kept turns not yet applied: an acknowledgement waits while they are too far
        # behind (bot/backlog.py).
        self.backlog = Backlog(slots=turn_slots)

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
        what the place looks like to the person (kept from `before`). What this process read
        of the channel at its current version is reused (`Snapshot`)."""
        snap = self.snapshots.of(ctx)
        turn = await repo.load_turn(session, ctx, now, snap.members if snap else None)
        surface = surface or (before.surface if before is not None else None)
        if surface is not None:
            turn = replace(turn, surface=surface)
        for f in self.features:
            name = f.store.name
            if needs is not None and name not in needs:
                continue
            if snap is not None and name in snap.extra:
                turn.extra[name] = snap.extra[name]
                continue
            earlier = before.extra.get(name) if before is not None else None
            turn.extra[name] = await f.store.load(session, ctx, now, earlier)
        self.snapshots.read(session, ctx, turn, ctx.channel.version)
        return turn

    def _only_light(self, session: AsyncSession, ctx: repo.Context) -> bool:
        applied: list[object] = session.info.get(APPLIED, [])
        return ctx.state_known and all(type(op) in self.light_ops for op in applied)

    async def _reload_light(
        self,
        session: AsyncSession,
        ctx: repo.Context,
        now: datetime,
        needs: frozenset[str] | None,
        before: Turn,
    ) -> Turn:
        """After light operations (`Store.light_ops`): the members and the other stores' data
        are as loaded before them; the dialog state is the context's, and the stores that
        applied them reload what they touched."""
        applied: list[object] = session.info.get(APPLIED, [])
        touched = {self.stores[type(op)].name for op in applied if type(op) in self.stores}
        state = ctx.state
        turn = replace(
            before,
            extra={},
            state_kind=state.kind if state else None,
            state_data=dict(state.data) if state else {},
        )
        for f in self.features:
            name = f.store.name
            if needs is not None and name not in needs:
                continue
            earlier = before.extra.get(name)
            if name in before.extra and name not in touched:
                turn.extra[name] = earlier
            else:
                turn.extra[name] = await f.store.load(session, ctx, now, earlier)
        self.snapshots.read(session, ctx, turn, ctx.channel.version)
        return turn

    async def apply(
        self, session: AsyncSession, ctx: repo.Context, op: object, now: datetime
    ) -> None:
        session.info.setdefault(APPLIED, []).append(op)
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
        to `handle`, which applies it exactly once (or a replay does, should we die first).
        Waits first while the kept turns are too far behind (bot/backlog.py)."""
        await self.backlog.room(self.answering)
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

        kept = inbound.answered  # acknowledged already: counted in the backlog until done
        if kept:
            self.backlog.started()
        try:
            done = await self.act(inbound, step, port, dialog.reads_for(inbound.event))
        except BaseException:
            if inbound.inbox_key is not None:  # the row stays: the replay takes it
                self.inbox.failed(inbound.inbox_key)
            raise
        finally:
            if kept:
                self.backlog.finished()
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
            plan, worked = await self._transact(inbound, step, needs)
        except Exception:
            TURNS.labels("failed").inc()
            raise
        TURN_LATENCY.observe(time.perf_counter() - started)
        TURNS.labels("done" if plan is not None else "duplicate").inc()
        if plan is None:
            return False
        if inbound.answered:  # what a kept turn holds its slot for (not its wait for a lull)
            self.backlog.cost(worked)
        await self.deliver(inbound.conv, plan, port)
        return True

    async def _transact(
        self,
        inbound: Inbound,
        step: Callable[[Turn], Outcome],
        needs: frozenset[str] | None,
    ) -> tuple[Plan | None, float]:
        """The committed turn's plan (None: a duplicate) and the seconds it held its slot."""
        for attempt in range(TURN_ATTEMPTS):
            try:
                slot = (
                    self.answering.after_lull(self.turn_slots)
                    if inbound.answered
                    else self.turn_slots
                )
                async with slot, self.sessions() as session:
                    began = time.perf_counter()
                    async with session.begin():
                        plan = await self._turn(session, inbound, step, needs)
                    # Committed.
                    self.snapshots.keep(session, plan is not None and plan.final)
                    return plan, time.perf_counter() - began
            except (IntegrityError, StaleDataError, OperationalError) as exc:
                # A concurrent turn won a race (unique key, version check, lock): go again —
                # unless the database is out of reach (the request is answered 503).
                if attempt == TURN_ATTEMPTS - 1 or is_unavailable(exc):
                    raise
                log.info("turn retried after %s", type(exc).__name__)
        return None, 0.0

    async def _turn(
        self,
        session: AsyncSession,
        inbound: Inbound,
        step: Callable[[Turn], Outcome],
        needs: frozenset[str] | None,
    ) -> Plan | None:
        now = self.clock.now()
        conv = inbound.conv
        for key in event_keys(inbound):
            if await repo.seen_event(session, key, now):
                return None
        form = form_key(inbound)
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
        session.info[APPLIED] = []  # (the reminders' worker applies several outcomes in one)
        seen = ctx.channel.version
        for op in outcome.ops:
            await self.apply(session, ctx, op, now)
        # What the operations changed is the channel's next version; `alone`: nothing else
        # changed it since the turn was loaded.
        versioned = any(type(op) in self.versioned_ops for op in outcome.ops)
        alone = versioned and await repo.bump_version(session, ctx.channel) == seen + 1
        if outcome.ops and self.changed is not None:
            await self.changed(session, ctx.channel.id)
        if ctx.superseded > superseded:
            # Something received after this interaction set what it would have changed (a
            # replay after a crash): its own words ("saved", "X decided …") would be untrue.
            # Its refreshes stay: they show the data as it is.
            kept = tuple(o for o in outcome.out if not (isinstance(o, Post) and o.key is None))
            outcome = replace(outcome, out=kept)
        final = session.info.pop(CHANNEL_DELETED, None) == ctx.channel.id
        stamp = self.delivery.render_stamp(now)
        plan = Plan(ctx.channel.id, created_at=created, final=final, rendered_at=stamp)
        # This transaction found the channel: that is the delivery's first look at it
        # (bot/delivery.RECHECK_SECONDS; a deletion in this process since makes it look again).
        plan.looked = (time.monotonic(), self.delivery.deletions)
        refreshes = [o for o in outcome.out if isinstance(o, Refresh)]
        needs = frozenset[str]().union(*(self.dialogs[r.owner].reads for r in refreshes))
        # `Refresh` is rendered from the data as it is after the operations: reload unless
        # nothing changed and the turn already holds what the renderers read.
        fresh = not outcome.ops and (loaded is None or needs <= loaded)
        if not refreshes or fresh:
            after = turn
        elif alone and self._only_light(session, ctx):
            after = await self._reload_light(session, ctx, now, needs, turn)
        elif versioned and not alone:
            # Another unit of work changed the channel since this turn loaded it (a turn of
            # another slot or replica committed first): what this turn loaded is no base for
            # reloading only what it touched — read in full what the refreshes show (and what
            # is kept of the channel at this version, bot/snapshots.py).
            after = await self.load_turn(session, ctx, now, needs, surface=turn.surface)
        else:
            after = await self.load_turn(session, ctx, now, needs, before=turn)
        for out in outcome.out:
            plan.sends += self.render(out, after) if isinstance(out, Refresh) else [out]
        keys = {key for send in plan.sends for key in message_keys(send)}
        plan.refs.update(await posted.posted_refs(session, ctx.channel.id, keys))
        return plan

    async def deliver(self, conv: Conversation, plan: Plan, port: ChatPort) -> None:
        await self.delivery.deliver(conv, plan, port)


def _saves_form(outcome: Outcome) -> bool:
    """The form was accepted: something is stored, and no form is shown again."""
    shown = any(isinstance(o, RejectForm | OpenForm) for o in outcome.out)
    return bool(outcome.ops) and not shown


def _already_saved(turn: Turn) -> Outcome:
    return Outcome(out=(Post(plain(turn.lang, "form.already_saved"), InPlaceOfForm()),))
