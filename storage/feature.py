"""The storage half of a feature: its data for the turn (`load`) and its data operations.

A store declares which operation each method applies; the method gets the operation and the
`Applying` that applies it (the turn's session, who and where, and the turn's time):

    class SettingsStore(FeatureStore):
        name = "settings"

        @applies(SetChannelSettings)
        async def save(self, w: Applying, op: SetChannelSettings) -> None: ...

`op_types` (what the engine routes here) is derived from the declarations; the engine calls
`apply(session, ctx, op, now)`, which builds the `Applying` once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.turns import Context, CrossTenant

Applier = TypeVar("Applier", bound=Callable[..., Awaitable[None]])


class Keyed(Protocol):
    """A row built from its key's values, by attribute name."""

    def __init__(self, **key: Any) -> None: ...


class Stamped(Keyed, Protocol):
    """A row stamped with the received time of what set it last (storage/turns.py)."""

    @property
    def received_at(self) -> datetime | None: ...


class Owned(Protocol):
    """A row that belongs to one channel."""

    @property
    def channel_id(self) -> int: ...


Row = TypeVar("Row", bound=Keyed)
StampedRow = TypeVar("StampedRow", bound=Stamped)
OwnedRow = TypeVar("OwnedRow", bound=Owned)
Part = TypeVar("Part")

# Session.info: the operations the engine applied in this unit of work since the turn was
# loaded, in order. A store's `load(before=…)` may read it to reload only what they touched.
APPLIED = "lovende.applied"


class Store(Protocol):
    @property
    def name(self) -> str:
        """The key of this feature's data in `Turn.extra`."""

    @property
    def op_types(self) -> tuple[type, ...]:
        """The data operations `apply` handles."""

    @property
    def versioned(self) -> bool:
        """Whether every write to this store's data counts the channel's version up (every
        write goes through the engine's turns, or counts it up itself): then a process may
        reuse the data while the version is unchanged (bot/engine.Snapshot)."""

    @property
    def light_ops(self) -> frozenset[type]:
        """Operations that change only this store's own data and not the channel's members:
        after a turn of only these (and dialog states), the other stores' data and the core
        read model are reused, and this store's `load(before=…)` reloads what they touched."""

    async def load(
        self, session: AsyncSession, ctx: Context, now: datetime, before: object | None = None
    ) -> object | None:
        """This store's data for a turn; `before`: what it loaded earlier in the same turn
        (the data is loaded again after the operations; parts that cannot have changed, such
        as a closed round, may be reused)."""

    async def apply(
        self, session: AsyncSession, ctx: Context, op: object, now: datetime
    ) -> None: ...


@dataclass(frozen=True)
class Applying:
    """The unit of work applying a turn's operation: the turn's transaction (`session`), who
    and where (`ctx`, the channel every id is checked against) and the turn's time (`now`)."""

    session: AsyncSession
    ctx: Context
    now: datetime

    async def own(self, model: type[OwnedRow], row_id: int, *, lock: bool = False) -> OwnedRow:
        """The row of `model` with this id, if it is this channel's (else CrossTenant, named
        after the model); `lock`: read for update, fresh, so that on PostgreSQL two turns
        changing it take their turns."""
        row = await self.session.get(model, row_id, with_for_update=lock, populate_existing=lock)
        if row is None or row.channel_id != self.ctx.channel.id:
            raise CrossTenant(f"{model.__name__.lower()} {row_id}")
        return row

    async def child(self, model: type[Part], row_id: int, **parent: int) -> Part:
        """The row of `model` with this id, if it belongs to `parent` (e.g. `discussion_id=d.id`,
        a row already found to be this channel's), else CrossTenant."""
        row = await self.session.get(model, row_id)
        if row is None or any(getattr(row, k) != v for k, v in parent.items()):
            raise CrossTenant(f"{model.__name__.lower()} {row_id}")
        return row

    async def locked(self, model: type[Row], **key: object) -> Row:
        """The row of `model` with these values (its primary key or a unique key, by
        attribute name), read for update and fresh; a new one with them if there is none."""
        row = await self.session.scalar(
            select(model)
            .filter_by(**key)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        if row is None:
            row = model(**key)
            self.session.add(row)
        return row

    async def stamped(self, model: type[StampedRow], **key: object) -> StampedRow | None:
        """`locked`, for a model with a `received_at` stamp: None when what set the row last
        was received after this turn's interaction, and the operation leaves it alone (last
        received wins, `Context.may_set`)."""
        row = await self.locked(model, **key)
        return row if self.ctx.may_set(row.received_at) else None


def applies(*op_types: type) -> Callable[[Applier], Applier]:
    """Declare the method that applies these operations: `(self, w: Applying, op)`."""

    def mark(method: Applier) -> Applier:
        setattr(method, "_applies", (*getattr(method, "_applies", ()), *op_types))  # noqa: B010
        return method

    return mark


class FeatureStore:
    """Collects the `@applies` methods of a subclass; `apply` runs the one for an operation."""

    name: ClassVar[str]
    op_types: ClassVar[tuple[type, ...]] = ()
    light_ops: ClassVar[frozenset[type]] = frozenset()
    versioned: ClassVar[bool] = False
    _appliers: ClassVar[dict[type, str]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        appliers: dict[type, str] = {}
        for klass in reversed(cls.__mro__):
            for attr, member in vars(klass).items():
                for op_type in getattr(member, "_applies", ()):
                    appliers[op_type] = attr
        cls._appliers = appliers
        cls.op_types = tuple(appliers)

    async def load(
        self, session: AsyncSession, ctx: Context, now: datetime, before: object | None = None
    ) -> object | None:
        return None

    async def apply(self, session: AsyncSession, ctx: Context, op: object, now: datetime) -> None:
        name = self._appliers.get(type(op))
        if name is None:
            raise TypeError(f"{type(self).__name__} does not apply {type(op).__name__}")
        await getattr(self, name)(Applying(session, ctx, now), op)
        await session.flush()
