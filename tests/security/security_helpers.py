"""Helpers for the security tests: talking from any platform/workspace/channel, a snapshot of
the whole database, and a channel filled with every kind of data the features store."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import MetaData, select
from sqlalchemy.orm import Session

from bot.clock import FakeClock
from bot.console.channel import Record
from bot.testing import BotHarness, Place, texts
from dialogs import actions

Snapshot = dict[str, list[tuple[Any, ...]]]
T = TypeVar("T")


# ---- the whole database ----
_SCHEMAS: dict[str, MetaData] = {}  # the schema does not change within a test


async def reflected(bot: BotHarness) -> MetaData:
    if bot.database_url in _SCHEMAS:
        return _SCHEMAS[bot.database_url]

    def run(session: Session) -> MetaData:
        meta = MetaData()
        meta.reflect(bind=session.connection())
        return meta

    async with bot.runtime.sessions() as session:
        meta = await session.run_sync(run)
    _SCHEMAS[bot.database_url] = meta
    return meta


def _plain(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return repr(value)
    return value


async def snapshot(bot: BotHarness) -> Snapshot:
    """Every row of every table (values made comparable), sorted."""
    meta = await reflected(bot)
    out: Snapshot = {}
    async with bot.runtime.sessions() as session:
        for table in meta.sorted_tables:
            rows = await session.execute(select(table))
            out[table.name] = sorted((tuple(_plain(v) for v in row) for row in rows), key=repr)
    return out


def changed_tables(before: Snapshot, after: Snapshot) -> list[str]:
    return [
        name for name in sorted(before.keys() | after.keys()) if before.get(name) != after.get(name)
    ]


async def all_text(bot: BotHarness) -> list[str]:
    """Every string value stored anywhere (JSON columns included, as their repr)."""
    snap = await snapshot(bot)
    return [v for rows in snap.values() for row in rows for v in row if isinstance(v, str)]


# ---- a channel with data of every feature ----
@dataclass(frozen=True)
class World:
    aid: int  # the open assessment
    sid: int  # the open self-evaluation
    point_id: int  # Anna's development point (not agreed)
    agreed_point_id: int  # Bo's point, turned into an agreement
    agreement_id: int
    mid: int  # a planned meeting, Anna facilitates
    markers: tuple[str, ...]  # text only this channel's people wrote


async def build_world(place: Place, tag: str) -> World:
    """Anna (facilitator), Bo and Carla: an open assessment with a disagreement on 1.3, notes,
    an open self-evaluation with points (one an agreement), and a planned meeting."""
    markers = (
        f"Praksis{tag}",
        f"Kommentar{tag}anna",
        f"Begrundelse{tag}bo",
        f"Vurdering{tag}",
        f"Punkt{tag}bo",
        f"Punkt{tag}anna",
        f"Aftale{tag}",
        f"Pointe{tag}bo",
        f"Selv{tag}",
    )
    aid = await place.start_assessment(f"Praksis{tag}")
    await place.say("Anna", f"svar 1.1 ja: Kommentar{tag}anna")
    await place.say("Bo", "svar 1.1 ja")
    await place.say("Anna", "svar 1.3 delvist")
    await place.say("Bo", f"svar 1.3 ja: Begrundelse{tag}bo")
    await place.say("Carla", "hjælp")
    await place.click(
        "Anna", actions.encode("f-notes", aid, 1), {"overall": f"Vurdering{tag}", "potential": ""}
    )

    sid = await place.start_selfeval(f"Selv{tag}", pace="one")
    await place.say("Bo", f"selvevaluering udviklingspunkt L Punkt{tag}bo")
    agreed_point = int(actions.decode(place.button(f"lp:se-agree:{sid}:")).args[1])
    await place.click(
        "Anna",
        actions.encode("se-f-agree", sid, agreed_point),
        {"what": f"Aftale{tag}", "owner": "bo", "follow_up": "anna", "due": "15.04.2026"},
    )
    await place.say("Anna", f"selvevaluering udviklingspunkt L Punkt{tag}anna")
    point = int(actions.decode(place.button(f"lp:se-rm:{sid}:")).args[1])
    if point == agreed_point:  # the newest remove button is Anna's point
        raise AssertionError("expected Anna's point")

    mid = await place.plan_meeting()
    await place.click(
        "Bo",
        actions.encode("mtf-prep", mid),
        {"positive": f"Pointe{tag}bo", "improvement": "Mere opfølgning", "question": ""},
    )
    agreement_id = await _agreement_id(place, f"Aftale{tag}")
    return World(aid, sid, point, agreed_point, agreement_id, mid, markers)


async def _agreement_id(place: Place, what: str) -> int:
    from storage.meeting_models import Agreement

    async with place.bot.runtime.sessions() as session:
        found = await session.scalar(select(Agreement.id).where(Agreement.what == what))
    assert found is not None, what
    return found


async def run_meeting_to_explore(place: Place) -> None:
    """The planned meeting started by Anna and moved to Udforsk (step 2)."""
    await place.say("Anna", "møde start")
    await place.say("Anna", "møde næste")


def text_of(records: list[Record]) -> str:
    return texts(records)


# ---- a database built once per session, copied for each test ----
def build_template(
    factory: pytest.TempPathFactory, name: str, build: Callable[[Place], Awaitable[T]]
) -> tuple[Path, T]:
    """Run `build` on a new SQLite database in a new folder `name` (its generated files there
    too), in its own event loop, and close it: the database's path, and what `build` gave."""
    folder = factory.mktemp(name)
    path = folder / f"{name}.db"

    async def run() -> T:
        bot = await BotHarness.start(f"sqlite+aiosqlite:///{path}", FakeClock())
        try:
            return await build(Place(bot))
        finally:
            await bot.close()

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LOVENDE_OUTPUT_DIR", str(folder / "out"))
        return path, asyncio.run(run())


async def harness_from(template: Path, tmp_path: Path) -> BotHarness:
    """A harness over a fresh copy of a template database."""
    copy = tmp_path / "copy.db"
    shutil.copyfile(template, copy)
    return await BotHarness.start(f"sqlite+aiosqlite:///{copy}", FakeClock())
