"""What the features that measure in rounds keep alike (the assessment, the self-evaluation):
a channel's current round."""

from __future__ import annotations

from typing import ClassVar, Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped


class Round(Protocol):
    """A model of rounds (its columns, as the queries read them on the class)."""

    id: ClassVar[Mapped[int]]
    channel_id: ClassVar[Mapped[int]]
    status: ClassVar[Mapped[str]]  # "open" or "closed"


R = TypeVar("R", bound=Round)


async def current_round(session: AsyncSession, model: type[R], channel_id: int) -> R | None:
    """The channel's open round, else its latest closed one."""
    for only_open in (True, False):
        query = select(model).where(model.channel_id == channel_id)
        if only_open:
            query = query.where(model.status == "open")
        row = await session.scalar(query.order_by(model.id.desc()).limit(1))
        if row is not None:
            return row
    return None
