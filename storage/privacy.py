"""The storage half of the privacy feature: what a channel owns, its export and its deletion,
and the retention sweep for old assessment rounds.

A row belongs to a channel when it references the channel, or references a row that does
(transitively, e.g. a vote → an observation → a meeting → the channel). The rows are found
through the foreign keys of the *live* schema (reflected), so tables that other features add
later are covered without a change here. Dialog states have no foreign key: their key is
`<channel id>:<member id>` (storage.turns.state_key) and they are matched by that prefix.

Deletion removes the rows explicitly, children first, instead of trusting each foreign key's
ON DELETE rule (a SET NULL would leave a row with the team's text behind); the channel row
goes last, so a row inserted concurrently is still removed by its cascade. Members (per
workspace) that nothing references any more are removed too. The files generated for the
channel are rows too (`generated_files`, storage/files.py) and go in the same transaction, with
Teams' links to them (`teams_files`); their copies on disk, if the bot keeps any
(LOVENDE_OUTPUT_DIR, storage/file_copies.py), are removed right after.

The configuration (output directory, admins) comes in as arguments: storage does not read the
settings (bot/features.py hands them over).
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    CursorResult,
    LargeBinary,
    MetaData,
    Select,
    Table,
    delete,
    false,
    or_,
    select,
    union,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from dialogs.privacy.model import (
    OWNER,
    DeleteChannelData,
    ExportChannelData,
    ExportRef,
    PrivacyView,
)
from storage import file_copies, files
from storage.feature import Applying, FeatureStore, applies
from storage.turns import Context

log = logging.getLogger(__name__)

FORMAT = "lovende-data/1"
EXPORT_KEY = "lovende.privacy.export"  # Session.info: the export written in this unit of work
# Session.info: the id of the channel whose data this unit of work deleted. The engine posts
# that turn's own confirmation and nothing else to the channel (bot/engine.py `Plan.final`).
CHANNEL_DELETED = "lovende.privacy.deleted"
CHUNK = 500  # ids per IN (…) list, well below SQLite's and asyncpg's parameter limits


# ---- the channel's rows ----
@dataclass(frozen=True)
class Scope:
    """The tables holding a channel's rows, parents first, with the condition selecting them."""

    meta: MetaData
    tables: tuple[Table, ...]  # `channels` first
    where: dict[str, ColumnElement[bool]]


async def reflect(session: AsyncSession) -> MetaData:
    """The live schema, as the database has it (every feature's migrations applied)."""

    def run(sync_session: Session) -> MetaData:
        meta = MetaData()
        meta.reflect(bind=sync_session.connection())
        return meta

    return await session.run_sync(run)


def owning_tables(meta: MetaData) -> set[str]:
    """Names of the tables whose rows can belong to a channel (reference it, transitively)."""
    owned = {"channels"}
    changed = True
    while changed:
        changed = False
        for table in meta.tables.values():
            if table.name not in owned and any(
                fk.column.table.name in owned and fk.column.table is not table
                for fk in table.foreign_keys
            ):
                owned.add(table.name)
                changed = True
    return owned


def channel_scope(meta: MetaData, channel_id: int) -> Scope:
    owned = owning_tables(meta)
    order: list[str] = []
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if name in order:
            return
        if name in visiting:
            raise RuntimeError(f"foreign keys form a cycle through {name}")
        visiting.add(name)
        for fk in meta.tables[name].foreign_keys:
            target = fk.column.table.name
            if target != name and target in owned:
                visit(target)
        visiting.discard(name)
        order.append(name)

    visit("channels")
    for name in sorted(owned):
        visit(name)
    where: dict[str, ColumnElement[bool]] = {}
    for name in order:
        table = meta.tables[name]
        if name == "channels":
            where[name] = table.c.id == channel_id
            continue
        parts: list[ColumnElement[bool]] = []
        for fk in table.foreign_keys:
            target = fk.column.table.name
            if target == name or target not in owned:
                continue  # a self-reference, or a member/workspace it merely points at
            if target == "channels":
                parts.append(fk.parent == channel_id)
            else:
                parts.append(fk.parent.in_(select(fk.column).where(where[target])))
        where[name] = or_(false(), *parts)
    return Scope(meta, tuple(meta.tables[n] for n in order), where)


def _states_of(meta: MetaData, channel_id: int) -> ColumnElement[bool]:
    return meta.tables["dialog_states"].c.conversation_key.like(f"{channel_id}:%")


def _referenced_members(scope: Scope) -> Select[Any]:
    """Ids of the members the channel's rows point at (its members, authors, owners…)."""
    parts = [
        select(fk.parent.label("id")).where(scope.where[table.name], fk.parent.is_not(None))
        for table in scope.tables
        for fk in table.foreign_keys
        if fk.column.table.name == "members"
    ]
    members = scope.meta.tables["members"]
    if not parts:
        return select(members.c.id).where(false())
    return select(union(*parts).subquery().c.id)


async def channel_rows(session: AsyncSession, channel_id: int) -> dict[str, list[dict[str, Any]]]:
    """Every row the channel owns, by table, plus its dialog states, the members its rows
    refer to (id, external id, name) and its workspace (platform, external id, name)."""
    meta = await reflect(session)
    scope = channel_scope(meta, channel_id)
    out: dict[str, list[dict[str, Any]]] = {}
    for table in scope.tables:
        out[table.name] = await _rows(session, table, scope.where[table.name], contents=False)
    out["dialog_states"] = await _rows(
        session, meta.tables["dialog_states"], _states_of(meta, channel_id)
    )
    members = meta.tables["members"]
    rows = await session.execute(
        select(members.c.id, members.c.external_id, members.c.display_name)
        .where(members.c.id.in_(_referenced_members(scope)))
        .order_by(members.c.id)
    )
    out["members"] = [dict(r._mapping) for r in rows]
    workspaces, channels = meta.tables["workspaces"], meta.tables["channels"]
    rows = await session.execute(
        select(workspaces.c.platform, workspaces.c.external_id, workspaces.c.name).where(
            workspaces.c.id.in_(select(channels.c.workspace_id).where(channels.c.id == channel_id))
        )
    )
    out["workspaces"] = [dict(r._mapping) for r in rows]
    return out


async def _rows(
    session: AsyncSession, table: Table, where: ColumnElement[bool], *, contents: bool = True
) -> list[dict[str, Any]]:
    """The rows; without `contents`, binary columns are left out: the bytes of generated files
    (charts, reports, exports) are what the bot made of the other rows, and an export holding
    them would grow with every export before it. Their names, kinds, sizes and dates stay."""
    order = list(table.primary_key.columns) or list(table.columns)
    columns = [c for c in table.columns if contents or not isinstance(c.type, LargeBinary)]
    result = await session.execute(select(*columns).where(where).order_by(*order))
    return [dict(r._mapping) for r in result]


async def delete_channel_data(
    session: AsyncSession, channel_id: int, workspace_id: int
) -> dict[str, int]:
    """Delete everything the channel owns and the channel itself; the deleted rows per table."""
    await session.flush()
    meta = await reflect(session)
    scope = channel_scope(meta, channel_id)
    counts: dict[str, int] = {}
    states = meta.tables["dialog_states"]
    counts[states.name] = await _delete(session, states, _states_of(meta, channel_id))
    for table in reversed(scope.tables):  # children first, the channel last
        counts[table.name] = await _delete(session, table, scope.where[table.name])
    counts["members"] = await delete_unreferenced_members(session, meta, workspace_id)
    return {name: n for name, n in counts.items() if n}


async def delete_unreferenced_members(
    session: AsyncSession, meta: MetaData, workspace_id: int
) -> int:
    """Members of the workspace that no row references any more (no channel, no answer…)."""
    members = meta.tables["members"]
    condition = members.c.workspace_id == workspace_id
    for table in meta.tables.values():
        for fk in table.foreign_keys:
            if fk.column.table.name == "members":
                used = select(fk.parent).where(fk.parent.is_not(None))
                condition = condition & members.c.id.not_in(used)
    return await _delete(session, members, condition)


async def _delete(session: AsyncSession, table: Table, where: ColumnElement[bool]) -> int:
    result = cast("CursorResult[Any]", await session.execute(delete(table).where(where)))
    return max(result.rowcount, 0)


# ---- export file ----
def _json_default(value: object) -> object:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


def _slug(text: str) -> str:
    return re.sub(r"[^\w]+", "-", text.casefold()).strip("-_")[:40] or "kanal"


def export_bytes(payload: dict[str, Any]) -> bytes:
    text = json.dumps(payload, ensure_ascii=False, indent=1, default=_json_default)
    return text.encode("utf-8")


# ---- admins ----
def parse_admins(text: str) -> frozenset[str]:
    """`LOVENDE_ADMINS`: comma-separated `platform:workspace:user` (validated by Settings)."""
    return frozenset(e.strip() for e in text.split(",") if e.strip())


def admin_key(platform: str, workspace: str, user: str) -> str:
    return f"{platform}:{workspace}:{user}"


# ---- the feature's store ----
class PrivacyStore(FeatureStore):
    name = OWNER

    def __init__(self, output_dir: Path | None, admins: Iterable[str] = ()) -> None:
        """`output_dir`: where copies of generated files go (LOVENDE_OUTPUT_DIR), if anywhere;
        `admins`: the `platform:workspace:user` keys of LOVENDE_ADMINS (see `parse_admins`)."""
        # As the generators see it (bot/generators/keeper.py).
        self.output_dir = output_dir.absolute() if output_dir is not None else None
        self.admins = frozenset(admins)

    def is_admin(self, ctx: Context) -> bool:
        key = admin_key(ctx.workspace.platform, ctx.workspace.external_id, ctx.member.external_id)
        return key in self.admins

    async def load(
        self, session: AsyncSession, ctx: Context, now: datetime, before: object | None = None
    ) -> PrivacyView:
        export = session.info.get(EXPORT_KEY)
        return PrivacyView(
            is_admin=self.is_admin(ctx),
            export=export if isinstance(export, ExportRef) else None,
        )

    @applies(DeleteChannelData)
    async def delete(self, w: Applying, op: DeleteChannelData) -> None:
        """The channel's rows — its generated files among them — then the copies on disk, if
        any. The copies go once every statement has run: if the transaction fails after that,
        the rows stay until the turn is tried again, but no copy outlives its rows. A generator
        that was rendering for the channel at this moment cannot store its file any more (the
        channel is gone); a copy it was writing just then is an orphan the daily sweep removes."""
        session, cid = w.session, w.ctx.channel.id
        counts = await delete_channel_data(session, cid, w.ctx.workspace.id)
        copies = 0
        if self.output_dir is not None:
            copies = await asyncio.to_thread(file_copies.remove_channel, self.output_dir, cid)
        session.info[CHANNEL_DELETED] = cid
        stored = counts.get("generated_files", 0)
        log.info(
            "channel %s data deleted: %d rows (%d files), %d copies on disk",
            cid,
            sum(counts.values()),
            stored,
            copies,
        )

    @applies(ExportChannelData)
    async def export(self, w: Applying, op: ExportChannelData) -> None:
        session, channel, now = w.session, w.ctx.channel, w.now
        tables = await channel_rows(session, channel.id)
        rows = sum(len(v) for v in tables.values())
        payload = {
            "format": FORMAT,
            "exported_at": now,
            "channel": channel.external_id,
            "tables": tables,
        }
        name = _slug(channel.name or channel.external_id)
        filename = f"lovende-data-{name}-{now:%Y-%m-%d}.json"
        content = await asyncio.to_thread(export_bytes, payload)
        # In this turn's transaction: the export exists exactly when the turn happened.
        stored = await files.add(
            session,
            channel_id=channel.id,
            kind=files.DATA_EXPORT,
            filename=filename,
            content=content,
            now=now,
        )
        path = None
        if self.output_dir is not None:
            copy = await asyncio.to_thread(
                file_copies.write, self.output_dir, channel.id, "export", filename, content
            )
            path = str(copy)
        session.info[EXPORT_KEY] = ExportRef(stored.id, filename, rows, path)
        log.info("channel %s data exported: %d rows", channel.id, rows)
