"""What this process keeps of the busiest channels between turns (issue 21): a channel's
members and the data of the stores whose every write counts `channels.version` up, as a turn
read them at one version. While the version stands a turn reuses them instead of reading
again; every unit of work that changes them counts the version up in its transaction (the
engine after such operations, a member joining or renamed, the retention sweep:
`storage.turns.bump_version`), so another replica's change is seen by the next turn here.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.turn import MemberView, Turn
from storage.turns import Context

# Channels whose last read this process keeps (see `Snapshot`): the busiest, a round of a big
# team each (a few hundred answers).
SNAPSHOTS = 200
# Session.info: what this unit of work read of its channel at one version, kept once it commits.
SNAPSHOT = "lovende.snapshot"


@dataclass(frozen=True)
class Snapshot:
    """What a turn read of a channel at one `Channel.version`: its members and the data of the
    stores whose every write counts the version up (`Store.versioned`). Every unit of work
    that changes them counts the version up in its transaction, so while a channel's version
    is unchanged a turn reuses this instead of reading it again; a turn whose operations make
    the next version keeps what it rendered from, when nothing else came between."""

    channel_id: int
    created_at: datetime  # (SQLite may give a deleted channel's id to a new one)
    version: int
    members: tuple[MemberView, ...]
    extra: dict[str, object]


class Snapshots:
    def __init__(self, versioned: frozenset[str], size: int = SNAPSHOTS) -> None:
        self.versioned = versioned  # the stores whose data a snapshot holds
        self.size = size
        self._kept: OrderedDict[int, Snapshot] = OrderedDict()

    def get(self, channel_id: int) -> Snapshot | None:
        """What is kept of a channel, at whatever version."""
        return self._kept.get(channel_id)

    def of(self, ctx: Context) -> Snapshot | None:
        """What this process read of the channel at its version as this turn found it."""
        snap = self._kept.get(ctx.channel.id)
        if snap is None or snap.version != ctx.channel.version:
            return None
        if not same_moment(snap.created_at, ctx.channel.created_at):
            return None
        return snap

    def read(self, session: AsyncSession, ctx: Context, turn: Turn, version: int) -> None:
        """Note what `turn` holds of the channel as it is at `version` (kept after commit)."""
        extra = {n: d for n, d in turn.extra.items() if n in self.versioned}
        known: Snapshot | None = session.info.get(SNAPSHOT)
        if known is not None and known.channel_id == ctx.channel.id and known.version == version:
            extra = {**known.extra, **extra}
        created = ctx.channel.created_at
        snap = Snapshot(ctx.channel.id, created, version, turn.members, extra)
        session.info[SNAPSHOT] = snap

    def keep(self, session: AsyncSession, final: bool) -> None:
        """After a commit: keep what the unit of work read (never over a later version;
        nothing of a channel whose data it deleted)."""
        snap: Snapshot | None = session.info.pop(SNAPSHOT, None)
        if snap is None:
            return
        if final:
            self._kept.pop(snap.channel_id, None)
            return
        known = self._kept.get(snap.channel_id)
        if (
            known is not None
            and known.version > snap.version
            and known.created_at == snap.created_at
        ):
            return
        self._kept[snap.channel_id] = snap
        self._kept.move_to_end(snap.channel_id)
        while len(self._kept) > self.size:
            self._kept.popitem(last=False)


def same_moment(a: datetime, b: datetime) -> bool:
    """Two times as SQLite and PostgreSQL give them back (SQLite keeps no time zone)."""
    return (
        a.replace(tzinfo=None) == b.replace(tzinfo=None)
        if a.tzinfo is None or b.tzinfo is None
        else a == b
    )
