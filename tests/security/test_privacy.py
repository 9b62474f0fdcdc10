"""Privacy commands through the whole bot: `eksporter-data` gives the facilitator every row of
the channel as a JSON file, privately; `slet-data` asks, and `slet-data bekræft` really
removes every row that references the channel — checked against the live schema by reflection
(every table any feature added), on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

from security_helpers import Place, build_world, changed_tables, reflected, snapshot, text_of
from sqlalchemy import MetaData, select

from bot.testing import BotHarness
from dialogs import actions
from dialogs.messages import File, ToActorOnly, ToChannel, ToMember
from storage import (
    file_models,  # noqa: F401
    meeting_models,  # noqa: F401  every feature's tables in Base.metadata
    reminder_models,  # noqa: F401
    selfeval_models,  # noqa: F401
    slack_models,  # noqa: F401
    slack_outbox,  # noqa: F401
    teams_models,  # noqa: F401
)
from storage.files import GeneratedFiles
from storage.models import Base
from storage.privacy import owning_tables

Rows = dict[str, list[dict[str, Any]]]


async def all_rows(bot: BotHarness) -> tuple[MetaData, Rows]:
    meta = await reflected(bot)
    out: Rows = {}
    async with bot.runtime.sessions() as session:
        for table in meta.sorted_tables:
            out[table.name] = [dict(r._mapping) for r in await session.execute(select(table))]
    return meta, out


def rows_of_channel(meta: MetaData, rows: Rows, channel_id: int) -> Rows:
    """Rows that reference the channel directly or through other such rows (computed here
    independently of storage.privacy: materialised rows, followed to a fixpoint)."""
    owned: Rows = {"channels": [r for r in rows["channels"] if r["id"] == channel_id]}
    changed = True
    while changed:
        changed = False
        for table in meta.sorted_tables:
            for fk in table.foreign_keys:
                target = fk.column.table.name
                if target == table.name or not owned.get(target):
                    continue
                wanted = {r[fk.column.name] for r in owned[target]}
                mine = owned.setdefault(table.name, [])
                for row in rows[table.name]:
                    if row[fk.parent.name] in wanted and row not in mine:
                        mine.append(row)
                        changed = True
    owned["dialog_states"] = [
        r for r in rows["dialog_states"] if r["conversation_key"].startswith(f"{channel_id}:")
    ]
    return owned


def key(table: Any, row: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(row[c.name] for c in table.primary_key.columns)


async def channel_id(bot: BotHarness, external_id: str) -> int:
    _, rows = await all_rows(bot)
    return next(r["id"] for r in rows["channels"] if r["external_id"] == external_id)


def read(path: Path) -> tuple[str, int]:
    """The file's text and its permission bits."""
    return path.read_text(encoding="utf-8"), stat.S_IMODE(path.stat().st_mode)


def exported_file(records: list[Any]) -> tuple[File, Any]:
    for r in records:
        if r.message is not None:
            for block in r.message.blocks:
                if isinstance(block, File):
                    return block, r.target
    raise AssertionError("no file")


async def test_export_gives_the_facilitator_every_row_privately(
    bot: BotHarness, output_dir: Path
) -> None:
    place = Place(bot)
    world = await build_world(place, "A")
    await build_world(Place(bot, channel="other"), "B")
    cid = await channel_id(bot, "team")
    records = await place.say("Anna", "eksporter-data")

    file, target = exported_file(records)
    assert target == ToMember("anna")
    # The export is stored in the database (what Slack uploads and Teams links serve)…
    stored = await GeneratedFiles(bot.runtime.sessions).read(file.file_id)
    assert stored is not None and stored.filename == file.filename
    assert stored.content_type == "application/json"
    # …and, with LOVENDE_OUTPUT_DIR set, copied to disk, readable by the bot only.
    assert file.path is not None
    path = Path(file.path)
    assert path.is_relative_to(output_dir) and file.filename == path.name
    assert file.filename == "lovende-data-team-2026-03-02.json"
    text, mode = read(path)
    assert mode == 0o600
    assert stored.content == text.encode("utf-8")
    notice = [r for r in records if isinstance(r.target, ToChannel)]
    assert "Anna har eksporteret kanalens data." in text_of(notice)
    assert "Jeg har sendt dig filen privat." in text_of(
        [r for r in records if isinstance(r.target, ToActorOnly)]
    )

    data = json.loads(text)
    assert data["format"] == "lovende-data/1" and data["channel"] == "team"
    meta, rows = await all_rows(bot)
    expected = rows_of_channel(meta, rows, cid)
    # Every row but the export's own file (stored in the turn that made the export).
    mine = [r for r in expected["generated_files"] if r["id"] == file.file_id]
    assert len(mine) == 1 and mine[0]["kind"] == "data_export"
    expected["generated_files"].remove(mine[0])
    for name, owned in expected.items():
        assert len(data["tables"][name]) == len(owned), name
    for marker in world.markers:
        assert marker in text
    assert "PraksisB" not in text and "KommentarBanna" not in text
    names = {m["display_name"] for m in data["tables"]["members"]}
    assert names == {"Anna", "Bo", "Carla"}
    assert str(sum(len(v) for v in data["tables"].values())) in text_of(records)

    # A later export lists the earlier one among the channel's files, without its bytes (the
    # export would otherwise hold every export before it).
    bot.clock.advance(days=1)
    again, _ = exported_file(await place.say("Anna", "eksporter-data"))
    later = await GeneratedFiles(bot.runtime.sessions).read(again.file_id)
    assert later is not None
    listed = json.loads(later.content)["tables"]["generated_files"]
    assert [(f["id"], f["kind"], f["size"]) for f in listed] == [
        (file.file_id, "data_export", len(stored.content))
    ]
    assert "content" not in listed[0]


async def test_delete_asks_first_and_can_be_cancelled_or_expire(bot: BotHarness) -> None:
    place = Place(bot)
    await build_world(place, "A")
    before = await snapshot(bot)

    asked = text_of(await place.say("Anna", "slet-data"))
    assert "Vil du slette ALLE kanalens data?" in asked and "slet-data bekræft" in asked
    assert changed_tables(before, await snapshot(bot)) == ["dialog_states"]
    assert "Sletningen er fortrudt" in text_of(await place.say("Anna", "slet-data fortryd"))
    assert changed_tables(before, await snapshot(bot)) == []

    # confirming with nothing pending only asks
    assert "Vil du slette ALLE" in text_of(await place.say("Anna", "slet-data bekræft"))
    # a confirmation after 15 minutes asks again instead of deleting
    bot.clock.advance(minutes=16)
    assert "Vil du slette ALLE" in text_of(await place.click("Anna", actions.encode("pv-del")))
    assert changed_tables(before, await snapshot(bot)) == ["dialog_states"]
    assert "Der er ingen sletning" in text_of(await place.click("Bo", actions.encode("pv-keep")))


async def test_delete_removes_every_row_of_the_channel_and_nothing_else(
    bot: BotHarness,
) -> None:
    """On SQLite and PostgreSQL (the `bot` fixture runs on both when PostgreSQL is there)."""
    place, other = Place(bot), Place(bot, channel="other")
    await build_world(place, "A")
    await build_world(other, "B")
    await place.say("Dora", "hjælp")  # a member of this channel only
    await place.say("Anna", "påmindelser")
    await place.say("Anna", "indstillinger sprog en")
    await place.say("Anna", "slet-data")  # a dialog state of the channel
    await other.say("Bo", "slet-data")  # Bo is not allowed: nothing pending there
    cid, oid = await channel_id(bot, "team"), await channel_id(bot, "other")

    meta, before = await all_rows(bot)
    doomed = rows_of_channel(meta, before, cid)
    kept = rows_of_channel(meta, before, oid)
    assert {"channels", "channel_members", "practices", "assessments", "member_answers",
            "element_notes", "selfevals", "selfeval_points", "meetings", "agreements",
            "meeting_observations", "posted_messages", "dialog_states"} <= {
        name for name, rs in doomed.items() if rs
    }  # fmt: skip

    done = await place.say("Anna", "delete-data confirm")
    assert "Anna has deleted all of the channel's data" in text_of(done)  # English now

    _, after = await all_rows(bot)
    for name, rows in doomed.items():
        table = meta.tables[name]
        left = {key(table, r) for r in after[name]} & {key(table, r) for r in rows}
        assert not left, (name, left)
    for name, rows in after.items():
        assert all(r.get("channel_id") != cid for r in rows), name
    for name, rows in kept.items():
        assert rows == [r for r in after[name] if r in rows], name  # untouched
    members = {r["display_name"] for r in after["members"]}
    assert "Dora" not in members and {"Anna", "Bo", "Carla"} <= members

    # The channel starts afresh.
    again = text_of(await place.say("Bo", "status"))
    assert "Der er ingen måling i kanalen endnu" in again
    await place.say("Bo", "start Ny praksis")
    assert "runde 1" in text_of(await place.say("Bo", "status"))


async def test_every_table_that_references_a_channel_is_covered(bot: BotHarness) -> None:
    """The live schema has exactly the tables of the models (no table unknown to the code),
    and every table with a `channel_id`, or a foreign key into such a table, is found."""
    meta = await reflected(bot)
    live = set(meta.tables) - {"alembic_version"}
    assert live == set(Base.metadata.tables)
    owned = owning_tables(meta)
    with_channel = {t.name for t in meta.tables.values() if "channel_id" in t.c}
    assert with_channel <= owned
    for table in meta.tables.values():
        if any(fk.column.table.name in owned - {table.name} for fk in table.foreign_keys):
            assert table.name in owned
    assert {"members", "workspaces", "processed_events"}.isdisjoint(owned)


async def test_help_lists_the_privacy_commands(bot: BotHarness) -> None:
    shown = text_of(await bot.say("Bo", "hjælp"))
    assert "`eksporter-data`" in shown and "`slet-data`" in shown
