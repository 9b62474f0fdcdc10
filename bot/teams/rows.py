"""The rows the Teams adapter keeps of conversations and members, as the rest of the adapter
sees them; when an activity changes them; and the ones this process saw a moment ago."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

from bot.clock import Clock
from storage.teams_models import TeamsConversation, TeamsMember


@dataclass(frozen=True)
class ConversationRow:
    tenant_id: str
    conversation_id: str
    conversation_type: str
    reference: dict[str, Any]
    blocked_reason: str | None


@dataclass(frozen=True)
class MemberRow:
    tenant_id: str
    member_key: str
    user_id: str
    name: str | None
    reference: dict[str, Any]
    personal_conversation_id: str | None
    blocked: bool


@dataclass(frozen=True)
class Where:
    """A conversation as an activity names it: its id (without a thread) and type."""

    id: str
    type: str


@dataclass(frozen=True)
class Sender:
    """Who sent an activity (or was added): their key (bot/teams/inbound.member_key), Teams
    user id and name, and their 1:1 chat with the bot when the activity came from it."""

    key: str
    user_id: str
    name: str | None
    personal_conversation_id: str | None = None


def conversation_current(
    row: ConversationRow | None, conversation: Where, reference: dict[str, Any]
) -> bool:
    """Whether the stored row already says what an activity in `conversation` says."""
    return (
        row is not None
        and _place_of(row.reference) == _place_of(reference)
        and row.conversation_type == conversation.type
        and row.blocked_reason is None
    )


def member_current(row: MemberRow | None, sender: Sender, reference: dict[str, Any]) -> bool:
    """Whether the stored row already says what an activity from `sender` says."""
    personal = sender.personal_conversation_id
    return (
        row is not None
        and (row.user_id, row.reference) == (sender.user_id, reference)
        and (not sender.name or row.name == sender.name)
        and personal in (None, row.personal_conversation_id)
        and (personal is None or not row.blocked)
    )


def conversation_row(row: TeamsConversation | None) -> ConversationRow | None:
    if row is None:
        return None
    return ConversationRow(
        row.tenant_id,
        row.conversation_id,
        row.conversation_type,
        dict(row.reference),
        row.blocked_reason,
    )


def member_row(row: TeamsMember | None) -> MemberRow | None:
    if row is None:
        return None
    return MemberRow(
        row.tenant_id,
        row.member_key,
        row.user_id,
        row.name,
        dict(row.reference),
        row.personal_conversation_id,
        row.blocked_at is not None,
    )


def _place_of(reference: dict[str, Any]) -> dict[str, Any]:
    """What a conversation's reference says about the place (service URL, conversation, bot),
    without who spoke last and their client's locale: in a channel these change with every
    sender, and rewriting the row for each would make a busy channel's every activity a write
    (issue 21's Teams profile). Sends to a channel do not depend on them."""
    return {k: v for k, v in reference.items() if k not in ("user", "locale")}


# How long a conversation's or member's row, read or written by this process and not blocked,
# is taken as it is without reading it again (issue 21: every activity read both, and every
# send its conversation's). Only rows that are not blocked are kept: a block set elsewhere is
# at worst this late to be seen here — a send Teams refuses again (403 blocks it again) — and a
# block set here is seen at once.
RECENT = timedelta(seconds=10)
K = TypeVar("K")
V = TypeVar("V")


class Recent(Generic[K, V]):
    """Rows this process saw a moment ago (RECENT), by key."""

    def __init__(self, clock: Clock, size: int = 10_000) -> None:
        self.clock, self.size = clock, size
        self.rows: dict[K, tuple[V, datetime]] = {}

    def get(self, key: K) -> V | None:
        found = self.rows.get(key)
        if found is None:
            return None
        row, seen = found
        if not seen <= self.clock.now() < seen + RECENT:  # (a clock set back: read again)
            del self.rows[key]
            return None
        return row

    def put(self, key: K, row: V | None) -> None:
        """Keep `row` (None: forget the key)."""
        if row is None:
            self.rows.pop(key, None)
            return
        if len(self.rows) >= self.size:
            self.rows.clear()
        self.rows[key] = (row, self.clock.now())
