"""The storage half of a feature: extra read-model data for the turn and its data operations."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from storage.repository import Context


class Store(Protocol):
    name: str  # the key of this feature's data in Turn.extra
    op_types: tuple[type, ...]  # the data operations `apply` handles

    async def load(self, session: AsyncSession, ctx: Context, now: datetime) -> object | None: ...

    async def apply(
        self, session: AsyncSession, ctx: Context, op: object, now: datetime
    ) -> None: ...
