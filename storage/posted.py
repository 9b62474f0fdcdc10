"""The platform references of the messages a channel keeps updated (an element's card, a
question, the progress, a meeting's step): looked up for a turn's refreshes, reserved before a
first post so that two turns never post one key twice (a lease, renewed while posting; another
turn or replica waits for it), and claimed per update so that content rendered earlier never
replaces what is shown (issue 15.6)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import (
    bindparam,
    delete,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.calendar import utc
from storage.models import (
    PostedMessage,
)

# The member id used for system-initiated turns (reminders, nudges); never shown as a member.


async def posted_refs(session: AsyncSession, channel_id: int, keys: set[str]) -> dict[str, str]:
    """The platform references of the messages posted under some keys (those posted; a key
    being posted right now has no ref yet)."""
    if not keys:
        return {}
    rows = await session.execute(_POSTED_REFS, {"cid": channel_id, "keys": sorted(keys)})
    return {key: ref for key, ref in rows if ref is not None}


_POSTED_REFS = select(PostedMessage.key, PostedMessage.ref).where(
    PostedMessage.channel_id == bindparam("cid"),
    PostedMessage.key.in_(bindparam("keys", expanding=True)),
    PostedMessage.ref.is_not(None),
)


@dataclass(frozen=True)
class Reservation:
    """A message key as `reserve` found it: `ref` when the message is posted (`rendered_at`:
    when the content last sent under it was rendered); `mine` when the caller may post it now
    (it holds the key until `lease_until`); otherwise another turn is posting it until
    `lease_until`."""

    ref: str | None = None
    rendered_at: datetime | None = None
    mine: bool = False
    lease_until: datetime | None = None


def _reservation(row: PostedMessage, now: datetime) -> Reservation:
    if row.ref is not None:
        return Reservation(ref=row.ref, rendered_at=row.rendered_at)
    if row.lease_until is not None and utc(row.lease_until) > utc(now):
        return Reservation(lease_until=row.lease_until)
    return Reservation()  # a reservation whose poster died (its lease ran out)


async def reserve(
    session: AsyncSession,
    channel_id: int,
    keys: list[str],
    rendered_at: datetime,
    now: datetime,
    lease: timedelta,
) -> dict[str, Reservation]:
    """Reserve message keys before posting under them (in a short transaction of its own:
    other turns must see the rows at once). A reservation whose lease ran out (its poster
    died) is taken over. A concurrent insert of the same key fails on the unique key: ask
    again."""
    rows = {
        row.key: row
        for row in await session.scalars(
            select(PostedMessage)
            .where(PostedMessage.channel_id == channel_id, PostedMessage.key.in_(keys))
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    }
    until = now + lease
    found: dict[str, Reservation] = {}
    for key in keys:
        row = rows.get(key)
        if row is None:
            session.add(
                PostedMessage(
                    channel_id=channel_id,
                    key=key,
                    ref=None,
                    created_at=now,
                    lease_until=until,
                    rendered_at=rendered_at,
                )
            )
            found[key] = Reservation(mine=True, lease_until=until)
            continue
        seen = _reservation(row, now)
        if seen.ref is None and seen.lease_until is None:
            row.lease_until, row.rendered_at = until, rendered_at
            seen = Reservation(mine=True, lease_until=until)
        found[key] = seen
    await session.flush()
    return found


async def posting(session: AsyncSession, channel_id: int, key: str, now: datetime) -> Reservation:
    """A message key as it is (without reserving it): posted, being posted, or neither."""
    row = await session.scalar(
        select(PostedMessage)
        .where(PostedMessage.channel_id == channel_id, PostedMessage.key == key)
        .execution_options(populate_existing=True)
    )
    return Reservation() if row is None else _reservation(row, now)


async def renew(session: AsyncSession, channel_id: int, keys: set[str], until: datetime) -> None:
    """Move on the lease of keys a delivery still holds (it is getting its messages out)."""
    if keys:
        await session.execute(
            update(PostedMessage)
            .where(
                PostedMessage.channel_id == channel_id,
                PostedMessage.key.in_(sorted(keys)),
                PostedMessage.ref.is_(None),
            )
            .values(lease_until=until)
            .execution_options(synchronize_session=False)
        )


async def release(session: AsyncSession, channel_id: int, key: str) -> None:
    """Give up a reservation whose post failed: the next turn that wants the key posts it."""
    await session.execute(
        delete(PostedMessage).where(
            PostedMessage.channel_id == channel_id,
            PostedMessage.key == key,
            PostedMessage.ref.is_(None),
        )
    )


async def claim_update(
    session: AsyncSession, channel_id: int, key: str, rendered_at: datetime
) -> bool:
    """Before updating a posted message with content rendered at `rendered_at`: False when
    content rendered later was sent under the key already (it must not be replaced by older
    content); otherwise the key records this content's time."""
    row = await session.scalar(
        select(PostedMessage)
        .where(PostedMessage.channel_id == channel_id, PostedMessage.key == key)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if row is None:
        return True  # (the channel's data was deleted: the update is the port's to refuse)
    if row.rendered_at is not None and utc(row.rendered_at) > utc(rendered_at):
        return False
    row.rendered_at = rendered_at
    return True


async def save_ref(
    session: AsyncSession, channel_id: int, key: str, ref: str, now: datetime
) -> None:
    """The message posted under a reserved key: its ref (the reservation ends)."""
    result = await session.execute(
        update(PostedMessage)
        .where(PostedMessage.channel_id == channel_id, PostedMessage.key == key)
        .values(ref=ref, lease_until=None)
        .execution_options(synchronize_session=False)
    )
    if not getattr(result, "rowcount", 0):
        # Not reserved (or the reservation was given up): keep the ref all the same.
        session.add(PostedMessage(channel_id=channel_id, key=key, ref=ref, created_at=now))
