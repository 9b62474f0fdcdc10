"""Bulk rows for tests and benchmarks: a workspace, its people, channels with an open round
each, and pending nudges — written with multi-row INSERTs, as a busy deployment would have
them, far faster than driving the bot through thousands of turns.

    async with runtime.sessions() as session, session.begin():
        ws = await seed_workspace(session, "slack", "T1", now)
        people = await seed_members(session, ws, [f"U{m}" for m in range(10)], now)
        rounds = await seed_open_rounds(session, ws, ["C1", "C2"], lambda _c: people, now)
        nudges = [nudge_row(r, ext, 1, due, now) for r in rounds for _mid, ext in r.members]
        await insert_rows(session, Reminder, nudges)

Used by tests/reminders/test_replicas.py and the benchmarks (bench/reminder_bench.py,
bench/scale.py). Only storage models here: the layering holds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.assessment.reminders import ASSESSMENT, NUDGE
from storage.models import Assessment, Channel, ChannelMember, Member, Practice, Workspace

Person = tuple[int, str]  # (member id, external id)
CHUNK = 1000  # rows per INSERT: SQLite's and asyncpg's limits on bound values stay far away


@dataclass(frozen=True)
class SeededRound:
    channel_id: int
    channel_external_id: str
    assessment_id: int
    members: tuple[Person, ...]  # the first is the facilitator who started the round


async def insert_rows(
    session: AsyncSession, model: type[Any], rows: Sequence[dict[str, Any]]
) -> None:
    for i in range(0, len(rows), CHUNK):
        await session.execute(insert(model), list(rows[i : i + CHUNK]))


async def seed_workspace(
    session: AsyncSession, platform: str, external_id: str, now: datetime
) -> int:
    row = {"platform": platform, "external_id": external_id, "name": external_id}
    result = await session.execute(
        insert(Workspace).returning(Workspace.id), [{**row, "created_at": now}]
    )
    return int(result.scalar_one())


async def seed_members(
    session: AsyncSession, workspace_id: int, external_ids: Sequence[str], now: datetime
) -> list[Person]:
    rows = [
        {"workspace_id": workspace_id, "external_id": ext, "display_name": f"Person {ext}"}
        for ext in external_ids
    ]
    result = await session.execute(
        insert(Member).returning(Member.id, Member.external_id),
        [{**r, "created_at": now} for r in rows],
    )
    by_external = {ext: mid for mid, ext in result.all()}
    return [(by_external[ext], ext) for ext in external_ids]


async def seed_open_rounds(
    session: AsyncSession,
    workspace_id: int,
    channels: Sequence[str],
    members_of: Callable[[str], Sequence[Person]],
    now: datetime,
    started: Callable[[str], datetime] | None = None,
) -> list[SeededRound]:
    """One channel per external id (Danish, Copenhagen), its members (the first a
    facilitator), a practice and an open round with every element posted."""
    made = await session.execute(
        insert(Channel).returning(Channel.id, Channel.external_id),
        [
            {
                "workspace_id": workspace_id,
                "external_id": ext,
                "name": f"team-{ext}",
                "language": "da",
                "timezone": "Europe/Copenhagen",
                "settings": {},
                "created_at": now,
            }
            for ext in channels
        ],
    )
    ids = {ext: cid for cid, ext in made.all()}
    people = {ext: tuple(members_of(ext)) for ext in channels}
    await insert_rows(
        session,
        ChannelMember,
        [
            {
                "channel_id": ids[ext],
                "member_id": mid,
                "role": "facilitator" if i == 0 else "member",
                "joined_at": now,
            }
            for ext in channels
            for i, (mid, _m) in enumerate(people[ext])
        ],
    )
    first = {ext: people[ext][0][0] if people[ext] else None for ext in channels}
    practices = await session.execute(
        insert(Practice).returning(Practice.id, Practice.channel_id),
        [
            {"channel_id": ids[ext], "name": f"Praksis {ext}", "created_by": first[ext]}
            | {"created_at": now}
            for ext in channels
        ],
    )
    ext_of = {cid: ext for ext, cid in ids.items()}
    rounds = await session.execute(
        insert(Assessment).returning(Assessment.id, Assessment.channel_id),
        [
            {
                "practice_id": pid,
                "channel_id": cid,
                "round_no": 1,
                "status": "open",
                "pacing": "all",
                "current_element": 11,
                "started_by": first[ext_of[cid]],
                "started_at": started(ext_of[cid]) if started else now,
            }
            for pid, cid in practices.all()
        ],
    )
    aid_of = {cid: aid for aid, cid in rounds.all()}
    return [SeededRound(ids[ext], ext, aid_of[ids[ext]], people[ext]) for ext in channels]


def nudge_row(
    seeded: SeededRound, recipient: str, nudge_round: int, due: datetime, now: datetime
) -> dict[str, Any]:
    """A pending nudge of `recipient` about the seeded round, as the planner writes it."""
    aid = seeded.assessment_id
    return {
        "channel_id": seeded.channel_id,
        "kind": NUDGE,
        "recipient": recipient,
        "subject_type": ASSESSMENT,
        "subject_id": aid,
        "payload": {"aid": aid, "round": nudge_round},
        "due_at": due,
        "status": "pending",
        "attempts": 0,
        "late": False,
        "dedupe_key": f"nudge:{aid}:r{nudge_round}:{recipient}",
        "created_at": now,
    }
