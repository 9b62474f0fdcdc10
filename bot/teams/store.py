"""Database access of the Teams adapter (its own tables, see storage/teams_models.py).

Each call is its own short unit of work: references are written before a turn runs, blocks
and DM origins after a send, so a failed send never undoes a stored answer.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any, TypeVar

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.teams.rows import (
    ConversationRow,
    MemberRow,
    Recent,
    Sender,
    Where,
    conversation_current,
    conversation_row,
    member_current,
    member_row,
)
from storage.file_models import GeneratedFile
from storage.teams_models import TeamsConversation, TeamsDmOrigin, TeamsFile, TeamsMember

T = TypeVar("T")


@dataclass(frozen=True)
class ServedFile:
    """A generated file as a link serves it (bytes from the database: any replica serves it)."""

    filename: str
    content_type: str
    content: bytes
    expires_at: datetime


class TeamsStore:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self.sessions = sessions
        self.conversations: Recent[tuple[str, str], ConversationRow] = Recent(clock)
        self.members: Recent[tuple[str, str], MemberRow] = Recent(clock)

    async def _write(self, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
        """Run `work` in a transaction, once more if a concurrent insert won a unique key."""
        for attempt in range(2):
            try:
                async with self.sessions() as session, session.begin():
                    return await work(session)
            except IntegrityError:
                if attempt:
                    raise
        raise AssertionError("unreachable")

    # ---- conversations ----
    async def remember_activity(
        self,
        tenant: str,
        conversation: Where,
        reference: dict[str, Any],
        now: datetime,
        sender: Sender | None,
    ) -> None:
        """An activity's conversation reference and its sender's, each written only when it
        changed: read first (in one unit of work, unless this process saw them a moment ago),
        since most activities change neither (issue 21's Teams profile)."""
        where = (tenant, conversation.id)
        who = (tenant, sender.key) if sender is not None else None
        row = self.conversations.get(where)
        member = self.members.get(who) if who is not None else None
        if row is None or (who is not None and member is None):
            async with self.sessions() as session:
                if row is None:
                    row = conversation_row(await self._conversation(session, *where))
                if who is not None and member is None:
                    member = member_row(await self._member(session, *who))
        if conversation_current(row, conversation, reference):
            self.conversations.put(where, row)
        else:
            await self._write(partial(self._set_conversation, tenant, conversation, reference, now))
            self.conversations.put(where, None)  # (a read meanwhile may have kept the old row)
        if sender is not None and who is not None:
            if member_current(member, sender, reference):
                self._keep_member(who, member)
            else:
                await self._write(partial(self._set_member, tenant, sender, reference, now))
                self.members.put(who, None)

    async def remember_conversation(
        self, tenant: str, conversation: Where, reference: dict[str, Any], now: datetime
    ) -> None:
        """Store (or refresh) a conversation's reference; meeting it again lifts a block."""
        await self.remember_activity(tenant, conversation, reference, now, None)

    async def _set_conversation(
        self,
        tenant: str,
        conversation: Where,
        reference: dict[str, Any],
        now: datetime,
        session: AsyncSession,
    ) -> None:
        self.conversations.put((tenant, conversation.id), None)
        row = await self._conversation(session, tenant, conversation.id)
        if row is None:
            session.add(
                TeamsConversation(
                    tenant_id=tenant,
                    conversation_id=conversation.id,
                    conversation_type=conversation.type,
                    reference=reference,
                    updated_at=now,
                )
            )
            return
        row.reference = reference
        row.conversation_type = conversation.type or row.conversation_type
        row.blocked_at = row.blocked_reason = None
        row.updated_at = now

    @staticmethod
    async def _conversation(
        session: AsyncSession, tenant: str, conversation_id: str
    ) -> TeamsConversation | None:
        return await session.scalar(
            select(TeamsConversation).where(
                TeamsConversation.tenant_id == tenant,
                TeamsConversation.conversation_id == conversation_id,
            )
        )

    async def conversation(self, tenant: str, conversation_id: str) -> ConversationRow | None:
        """The conversation's row: as this process saw it a moment ago, unless it was blocked."""
        where = (tenant, conversation_id)
        row = self.conversations.get(where)
        if row is None:
            async with self.sessions() as session:
                row = conversation_row(await self._conversation(session, *where))
            if row is not None and row.blocked_reason is None:
                self.conversations.put(where, row)
        return row

    async def block_conversation(
        self, tenant: str, conversation_id: str, reason: str, now: datetime
    ) -> None:
        self.conversations.put((tenant, conversation_id), None)
        async with self.sessions() as session, session.begin():
            row = await self._conversation(session, tenant, conversation_id)
            if row is not None:
                row.blocked_at, row.blocked_reason = now, reason[:64]
        self.conversations.put((tenant, conversation_id), None)  # (and one kept meanwhile)

    # ---- members ----
    async def remember_member(
        self, tenant: str, sender: Sender, reference: dict[str, Any], now: datetime
    ) -> None:
        async with self.sessions() as session:  # most turns change nothing: read first
            row = member_row(await self._member(session, tenant, sender.key))
        if not member_current(row, sender, reference):
            await self._write(partial(self._set_member, tenant, sender, reference, now))
            self.members.put((tenant, sender.key), None)  # (a read meanwhile may have kept it)

    async def _set_member(
        self,
        tenant: str,
        sender: Sender,
        reference: dict[str, Any],
        now: datetime,
        session: AsyncSession,
    ) -> None:
        self.members.put((tenant, sender.key), None)
        row = await self._member(session, tenant, sender.key)
        if row is None:
            session.add(
                TeamsMember(
                    tenant_id=tenant,
                    member_key=sender.key,
                    user_id=sender.user_id,
                    name=sender.name,
                    reference=reference,
                    personal_conversation_id=sender.personal_conversation_id,
                    updated_at=now,
                )
            )
            return
        row.user_id, row.reference, row.updated_at = sender.user_id, reference, now
        row.name = sender.name or row.name
        if sender.personal_conversation_id:
            row.personal_conversation_id = sender.personal_conversation_id
            row.blocked_at = None

    @staticmethod
    async def _member(session: AsyncSession, tenant: str, member_key: str) -> TeamsMember | None:
        return await session.scalar(
            select(TeamsMember).where(
                TeamsMember.tenant_id == tenant, TeamsMember.member_key == member_key
            )
        )

    async def member(self, tenant: str, member_key: str) -> MemberRow | None:
        """The member's row: as this process saw it a moment ago, unless it was blocked."""
        who = (tenant, member_key)
        row = self.members.get(who)
        if row is None:
            async with self.sessions() as session:
                row = member_row(await self._member(session, *who))
            self._keep_member(who, row)
        return row

    def _keep_member(self, who: tuple[str, str], row: MemberRow | None) -> None:
        self.members.put(who, row if row is not None and not row.blocked else None)

    async def set_personal(
        self, tenant: str, member_key: str, conversation_id: str, now: datetime
    ) -> None:
        self.members.put((tenant, member_key), None)
        async with self.sessions() as session, session.begin():
            row = await self._member(session, tenant, member_key)
            if row is not None:
                row.personal_conversation_id, row.updated_at = conversation_id, now

    async def block_member(self, tenant: str, member_key: str, now: datetime) -> None:
        self.members.put((tenant, member_key), None)
        async with self.sessions() as session, session.begin():
            row = await self._member(session, tenant, member_key)
            if row is not None:
                row.blocked_at = now
        self.members.put((tenant, member_key), None)  # (and one kept meanwhile)

    # ---- cards sent into 1:1 chats on behalf of a channel ----
    async def save_dm_origin(
        self, tenant: str, conversation_id: str, activity_id: str, origin: str, now: datetime
    ) -> None:
        async def work(session: AsyncSession) -> None:
            key = (tenant, conversation_id, activity_id)
            row = await session.get(TeamsDmOrigin, key)
            if row is None:
                session.add(
                    TeamsDmOrigin(
                        tenant_id=tenant,
                        conversation_id=conversation_id,
                        activity_id=activity_id,
                        origin_conversation_id=origin,
                        created_at=now,
                    )
                )
            else:
                row.origin_conversation_id = origin

        await self._write(work)

    async def dm_origin(self, tenant: str, conversation_id: str, activity_id: str) -> str | None:
        async with self.sessions() as session:
            row = await session.get(TeamsDmOrigin, (tenant, conversation_id, activity_id))
            return row.origin_conversation_id if row else None

    # ---- served files ----
    async def add_link(
        self,
        token: str,
        file_id: str,
        now: datetime,
        expires_at: datetime,
        types: Collection[str],
    ) -> str | None:
        """Make `token` a link to the stored file when its content type is one of `types`;
        the file's content type (no link was made when it is not in `types`), or None when
        the file is gone — its channel's data was deleted meanwhile: no link is made to a
        file that is no longer the channel's. Expired links are forgotten on the way."""
        try:
            async with self.sessions() as session, session.begin():
                await session.execute(delete(TeamsFile).where(TeamsFile.expires_at < now))
                found = (
                    await session.execute(
                        select(GeneratedFile.channel_id, GeneratedFile.content_type).where(
                            GeneratedFile.id == file_id
                        )
                    )
                ).first()
                if found is None:
                    return None
                channel_id, content_type = found
                if content_type in types:
                    session.add(
                        TeamsFile(
                            token=token,
                            file_id=file_id,
                            channel_id=channel_id,
                            created_at=now,
                            expires_at=expires_at,
                        )
                    )
                return str(content_type)
        except IntegrityError:  # the file went between the lookup and the insert
            return None

    async def served(self, token: str) -> ServedFile | None:
        async with self.sessions() as session:
            row = (
                await session.execute(
                    select(
                        GeneratedFile.filename,
                        GeneratedFile.content_type,
                        GeneratedFile.content,
                        TeamsFile.expires_at,
                    )
                    .join(GeneratedFile, GeneratedFile.id == TeamsFile.file_id)
                    .where(TeamsFile.token == token)
                )
            ).first()
        if row is None:
            return None
        filename, content_type, content, expires_at = row
        return ServedFile(filename, content_type, bytes(content), expires_at)
