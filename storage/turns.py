"""A turn's core in the database: who and where (workspace, channel, member), the processed
event keys that make redeliveries harmless, the actor's dialog state, the references of posted
messages (and their reservations), and the core read model (`load_turn`). Every query is scoped
to a channel (tenant).

**Last received wins.** A turn carries the time its interaction was received
(`Context.received_at`: an interaction kept in the inbox was received when it was kept, a
command when its turn runs). A store stamps every value a person sets with it and leaves a
value alone whose stamp is later (`Context.may_set`): an interaction replayed after a crash
never undoes what someone did after it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from typing import cast as cast_type

from sqlalchemy import (
    ColumnElement,
    String,
    Table,
    and_,
    bindparam,
    cast,
    delete,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from dialogs.calendar import utc
from dialogs.effects import SetDialogState, SetRole
from dialogs.turn import MemberView, Turn
from storage.models import (
    Channel,
    ChannelMember,
    DialogState,
    Member,
    ProcessedEvent,
    Workspace,
)

# The member id used for system-initiated turns (reminders, nudges); never shown as a member.
SYSTEM_ACTOR = "__lovende__"


class CrossTenant(Exception):
    """An id that does not belong to the channel of the request."""


@dataclass(frozen=True)
class Place:
    platform: str
    workspace: str
    channel: str
    channel_name: str | None = None


@dataclass
class Context:
    workspace: Workspace
    channel: Channel
    member: Member
    role: str
    received_at: datetime  # when the turn's interaction was received (see the module's doc)
    superseded: int = 0  # writes left alone because something received later had set them
    # The actor's dialog state row as this turn knows it (read with the context, kept up to
    # date by `_set_state`); `state_known` False: not read yet.
    state: DialogState | None = None
    state_known: bool = False

    def may_set(self, stamp: datetime | None) -> bool:
        """Whether this turn may set a value stamped `stamp` (the received time of what set it
        last; None: never stamped). A later stamp wins and is counted in `superseded`."""
        if stamp is None or utc(stamp) <= utc(self.received_at):
            return True
        self.superseded += 1
        return False


async def was_processed(session: AsyncSession, key: str) -> bool:
    return await session.get(ProcessedEvent, key) is not None


async def seen_event(session: AsyncSession, key: str, now: datetime) -> bool:
    """True when the event was handled before; otherwise remember it (same transaction). One
    statement: an insert that does nothing when the key is there (on PostgreSQL it waits for
    a concurrent turn that inserted the key, and then finds it)."""
    stmt = _REMEMBER_EVENT[session.get_bind().dialect.name == "postgresql"]
    return await session.scalar(stmt, {"key": key, "now": now}) is None


def _remember_event(insert: Callable[[Table], Any]) -> Any:
    table = cast_type(Table, ProcessedEvent.__table__)
    return (
        insert(table)
        .values(event_key=bindparam("key"), processed_at=bindparam("now"))
        .on_conflict_do_nothing(index_elements=[table.c.event_key])
        .returning(table.c.event_key)
    )


# By "is PostgreSQL" (else SQLite), built once.
_REMEMBER_EVENT = {True: _remember_event(pg_insert), False: _remember_event(sqlite_insert)}


async def forget_events(session: AsyncSession, before: datetime) -> int:
    """Drop processed-event keys older than `before` (redeliveries and replays come within
    minutes; the keys hold no content). The number dropped."""
    result = await session.execute(
        delete(ProcessedEvent).where(ProcessedEvent.processed_at < before)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def _workspace(session: AsyncSession, place: Place, now: datetime) -> Workspace:
    ws = await session.scalar(
        select(Workspace).where(
            Workspace.platform == place.platform, Workspace.external_id == place.workspace
        )
    )
    if ws is None:
        ws = Workspace(platform=place.platform, external_id=place.workspace, created_at=now)
        session.add(ws)
        await session.flush()
    return ws


async def _workspace_channel(
    session: AsyncSession, place: Place, now: datetime
) -> tuple[Workspace, Channel]:
    # One query for the usual case (both known); created on a workspace's or channel's first turn.
    row = (
        await session.execute(
            select(Workspace, Channel)
            .join(Channel, Channel.workspace_id == Workspace.id)
            .where(
                Workspace.platform == place.platform,
                Workspace.external_id == place.workspace,
                Channel.external_id == place.channel,
            )
        )
    ).first()
    if row is not None:
        return row[0], row[1]
    ws = await _workspace(session, place, now)
    return ws, await _channel_in(session, ws, place, now)


async def _channel_in(session: AsyncSession, ws: Workspace, place: Place, now: datetime) -> Channel:
    ch = await session.scalar(
        select(Channel).where(Channel.workspace_id == ws.id, Channel.external_id == place.channel)
    )
    if ch is None:
        ch = Channel(
            workspace_id=ws.id,
            external_id=place.channel,
            name=place.channel_name,
            settings={},
            created_at=now,
        )
        session.add(ch)
        await session.flush()
    return ch


async def member_for(
    session: AsyncSession, channel: Channel, external_id: str, name: str | None, now: datetime
) -> tuple[Member, str]:
    row = (
        await session.execute(
            select(Member, ChannelMember)
            .outerjoin(
                ChannelMember,
                (ChannelMember.member_id == Member.id) & (ChannelMember.channel_id == channel.id),
            )
            .where(Member.workspace_id == channel.workspace_id, Member.external_id == external_id)
        )
    ).first()
    m, cm = (row[0], row[1]) if row is not None else (None, None)
    return await _member_in(session, channel, m, cm, external_id, name, now)


async def _member_in(
    session: AsyncSession,
    channel: Channel,
    m: Member | None,
    cm: ChannelMember | None,
    external_id: str,
    name: str | None,
    now: datetime,
) -> tuple[Member, str]:
    """The member and their role in the channel as found (None: not yet), made when missing."""
    if m is None:
        m = Member(
            workspace_id=channel.workspace_id,
            external_id=external_id,
            display_name=name or external_id,
            created_at=now,
        )
        session.add(m)
        await session.flush()
    elif name and m.display_name != name:
        m.display_name = name
        # The name shows wherever they answered: every channel of theirs has changed.
        theirs = select(ChannelMember.channel_id).where(ChannelMember.member_id == m.id)
        await _count_up(session, channel, Channel.id.in_(theirs.scalar_subquery()))
    if cm is None:
        cm = ChannelMember(channel_id=channel.id, member_id=m.id, role="member", joined_at=now)
        session.add(cm)
        await session.flush()
        await bump_version(session, channel)  # a new member of the channel
    return m, cm.role


async def bump_version(session: AsyncSession, channel: Channel) -> int | None:
    """Count the channel's version up (`Channel.version`), in the caller's transaction; the
    new version (None: the channel is gone). `channel` gets it too."""
    new: int | None = await session.scalar(_BUMP, {"cid": channel.id})
    if new is not None:
        set_committed_value(channel, "version", new)
    return new


_CHANNELS = cast_type(Table, Channel.__table__)
_BUMP = (
    update(_CHANNELS)
    .where(_CHANNELS.c.id == bindparam("cid"))
    .values(version=_CHANNELS.c.version + 1)
    .returning(_CHANNELS.c.version)
)


async def _count_up(
    session: AsyncSession, channel: Channel, which: ColumnElement[bool]
) -> int | None:
    """Count up the versions of the channels `which` selects; `channel`'s new version (None:
    not among them, or gone), which its object gets too (as if read: it is not a change of
    the object's)."""
    rows = await session.execute(
        update(Channel)
        .where(which)
        .values(version=Channel.version + 1)
        .returning(Channel.id, Channel.version)
        .execution_options(synchronize_session=False)
    )
    mine = next((version for cid, version in rows if cid == channel.id), None)
    if mine is not None:
        set_committed_value(channel, "version", mine)
    return mine


# Built once: building the statement cost more than running it.
_CONTEXT = (
    select(Workspace, Channel, Member, ChannelMember, DialogState)
    .join(Channel, Channel.workspace_id == Workspace.id)
    .outerjoin(
        Member,
        and_(Member.workspace_id == Workspace.id, Member.external_id == bindparam("user")),
    )
    .outerjoin(
        ChannelMember,
        and_(ChannelMember.member_id == Member.id, ChannelMember.channel_id == Channel.id),
    )
    .outerjoin(
        DialogState,
        DialogState.conversation_key == cast(Channel.id, String) + ":" + cast(Member.id, String),
    )
    .where(
        Workspace.platform == bindparam("platform"),
        Workspace.external_id == bindparam("workspace"),
        Channel.external_id == bindparam("channel"),
    )
)


async def context_for(
    session: AsyncSession,
    place: Place,
    user: str,
    user_name: str | None,
    now: datetime,
    received_at: datetime | None = None,
) -> Context:
    """`received_at`: when the interaction was received, if before the turn (kept in the
    inbox); otherwise it is received now.

    One query in the usual case: the workspace, the channel, the member, their role there and
    their dialog state; what is missing is made (a workspace's, channel's or member's first
    turn)."""
    params = {
        "platform": place.platform,
        "workspace": place.workspace,
        "channel": place.channel,
        "user": user,
    }
    row = (await session.execute(_CONTEXT, params)).first()
    if row is None:
        ws, channel = await _workspace_channel(session, place, now)
        member, role = await member_for(session, channel, user, user_name, now)
        return Context(ws, channel, member, role, received_at or now)
    ws, channel, m, cm, state = row
    known = m is not None  # (a member made now has no state)
    member, role = await _member_in(session, channel, m, cm, user, user_name, now)
    return Context(ws, channel, member, role, received_at or now, state=state, state_known=known)


# ---- reading ----
async def channel_members(session: AsyncSession, channel: Channel) -> tuple[MemberView, ...]:
    rows = await session.execute(
        select(Member.external_id, Member.display_name, ChannelMember.role)
        .join(ChannelMember, ChannelMember.member_id == Member.id)
        .where(ChannelMember.channel_id == channel.id, Member.external_id != SYSTEM_ACTOR)
        .order_by(Member.id)
    )
    return tuple(MemberView(e, n, r) for e, n, r in rows)


def state_key(ctx: Context) -> str:
    return f"{ctx.channel.id}:{ctx.member.id}"


async def load_turn(
    session: AsyncSession,
    ctx: Context,
    now: datetime,
    members: tuple[MemberView, ...] | None = None,
) -> Turn:
    """The core read model: every feature's data is added by its store (`Store.load`).
    `members`: the channel's members, if the caller knows them as they are."""
    if members is None:
        members = await channel_members(session, ctx.channel)
    actor = next(
        (m for m in members if m.external_id == ctx.member.external_id),
        MemberView(ctx.member.external_id, ctx.member.display_name, "system"),
    )
    state = await _state_row(session, ctx)
    return Turn(
        now=now,
        lang=ctx.channel.language,
        channel_settings=dict(ctx.channel.settings or {}),
        actor=actor,
        members=members,
        state_kind=state.kind if state else None,
        state_data=dict(state.data) if state else {},
    )


# ---- writing ----
async def _set_role(session: AsyncSession, ctx: Context, op: SetRole, now: datetime) -> None:
    m = await session.scalar(
        select(Member).where(
            Member.workspace_id == ctx.channel.workspace_id,
            Member.external_id == op.member_external_id,
        )
    )
    if m is None:
        raise CrossTenant(f"member {op.member_external_id}")
    cm = await session.get(ChannelMember, (ctx.channel.id, m.id))
    if cm is None:
        session.add(
            ChannelMember(channel_id=ctx.channel.id, member_id=m.id, role=op.role, joined_at=now)
        )
    else:
        cm.role = op.role


async def _state_row(session: AsyncSession, ctx: Context) -> DialogState | None:
    """The actor's dialog state row (read with the context when it could be)."""
    if not ctx.state_known:
        ctx.state = await session.scalar(
            select(DialogState).where(DialogState.conversation_key == state_key(ctx))
        )
        ctx.state_known = True
    return ctx.state


async def _set_state(
    session: AsyncSession, ctx: Context, op: SetDialogState, now: datetime
) -> None:
    row = await _state_row(session, ctx)
    if op.kind is None:
        if row is not None:
            await session.delete(row)
        ctx.state = None
        return
    if row is None:
        ctx.state = DialogState(
            conversation_key=state_key(ctx), kind=op.kind, data=op.data, updated_at=now
        )
        session.add(ctx.state)
    else:
        row.kind, row.data, row.updated_at = op.kind, dict(op.data), now


async def apply_core(session: AsyncSession, ctx: Context, op: object, now: datetime) -> bool:
    """Apply a core operation (any feature may emit them); False when `op` is not one."""
    if isinstance(op, SetRole):
        await _set_role(session, ctx, op, now)
    elif isinstance(op, SetDialogState):
        await _set_state(session, ctx, op, now)
    else:
        return False
    await session.flush()
    return True
