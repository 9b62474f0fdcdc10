"""Tenant isolation: two Slack workspaces (T1, T2 — with the same channel id C1), a second
channel of T1, and a Teams tenant, all in one database.

Crafted payloads carrying another tenant's ids (assessment, self-evaluation, point, meeting,
agreement) are refused with a message and change nothing; the data operations themselves refuse
foreign ids even if a dialog forgot to check (CrossTenant); no read path (status, results,
disagreements, history, exports, meetings, agreements, self-evaluation, the privacy export)
shows another tenant's practice names, comments or notes."""

from __future__ import annotations

import json
import zipfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from security_helpers import (
    Place,
    World,
    build_template,
    build_world,
    changed_tables,
    harness_from,
    snapshot,
    text_of,
)

from bot.console.channel import Record
from bot.testing import BotHarness
from dialogs import actions
from dialogs.assessment import ops as fx
from dialogs.meetings import ops as mt
from dialogs.messages import File, Image
from dialogs.selfeval import ops as se
from storage import turns as repo

A = ("slack", "T1", "C1")
B = ("slack", "T2", "C1")  # another workspace, the same channel id
D = ("slack", "T1", "C2")  # the same workspace, another channel
C = ("teams", "3f2504e0-4f89-11d3-9a0c-0305e82c3301", "19:team@thread.tacv2")
PLACES = {"A": A, "B": B, "C": C, "D": D}


@dataclass(frozen=True)
class Worlds:
    path: Path
    worlds: dict[str, World]


@pytest.fixture(scope="session")
def tenants(tmp_path_factory: pytest.TempPathFactory) -> Worlds:
    async def build(first: Place) -> dict[str, World]:
        out = {}
        for tag, (platform, workspace, channel) in PLACES.items():
            out[tag] = await build_world(Place(first.bot, platform, workspace, channel), tag)
        return out

    path, worlds = build_template(tmp_path_factory, "tenants", build)
    return Worlds(path, worlds)


@pytest.fixture
async def bot(tenants: Worlds, tmp_path: Path) -> AsyncIterator[BotHarness]:
    harness = await harness_from(tenants.path, tmp_path)
    try:
        yield harness
    finally:
        await harness.close()


def place(bot: BotHarness, tag: str) -> Place:
    return Place(bot, *PLACES[tag])


def crafted(w: World) -> list[tuple[str, dict[str, str]]]:
    """Every action that carries an id, aimed at world `w`'s rows."""
    a, s, m = w.aid, w.sid, w.mid
    return [
        (actions.encode("pace", a, "one"), {}),
        (actions.encode("ans", a, "1.1", "nej"), {}),
        (actions.encode("multi", a, "2.2"), {"selected": "a,c"}),
        (actions.encode("cmt", a, "1.1"), {}),
        (actions.encode("f-cmt", a, "1.1"), {"comment": "overskrevet"}),
        (actions.encode("f-ans", a, "1.4", "ikke_relevant"), {"comment": "overskrevet"}),
        (actions.encode("dec", a, "1.3"), {}),
        (actions.encode("f-dec", a, "1.3"), {"value": "nej", "justification": "overskrevet"}),
        (actions.encode("notes", a, 1), {}),
        (actions.encode("f-notes", a, 1), {"overall": "overskrevet", "potential": ""}),
        (actions.encode("f-overall", a), {"overall": "overskrevet", "potentials": ""}),
        (actions.encode("scope", a), {}),
        (actions.encode("f-scope", a), {"scope": "overskrevet"}),
        (actions.encode("close", a), {}),
        (actions.encode("close-ok", a), {}),
        (actions.encode("close-no", a), {}),
        (actions.encode("f-dec", a, "1.3", "0abcdef123"), {"value": "nej", "justification": "x"}),
        (actions.encode("se-pace", s, "all"), {}),
        (actions.encode("se-next", s), {}),
        (actions.encode("se-refl", s, "L1"), {}),
        (actions.encode("se-f-refl", s, "L1"), {"text": "overskrevet"}),
        (actions.encode("se-rate", s, "L"), {}),
        (actions.encode("se-f-rate", s, "L"), {"rating": "5"}),
        (actions.encode("se-pt", s, "L"), {}),
        (actions.encode("se-f-pt", s, "L"), {"text": "overskrevet"}),
        (actions.encode("se-rm", s, w.point_id), {}),
        (actions.encode("se-agree", s, w.point_id), {}),
        (
            actions.encode("se-f-agree", s, w.point_id),
            {"what": "overskrevet", "owner": "anna", "follow_up": "anna", "due": "15.04.2026"},
        ),
        (actions.encode("mt-prep", m), {}),
        (
            actions.encode("mtf-prep", m),
            {"positive": "overskrevet", "improvement": "overskrevet", "question": ""},
        ),
        (actions.encode("mt-join", m), {}),
        (actions.encode("mt-start", m), {}),
        (actions.encode("mt-next", m, 1), {}),
        (actions.encode("mt-obs", m), {}),
        (actions.encode("mtf-obs", m), {"text": "overskrevet"}),
        (actions.encode("mt-vote", m, 0), {"selected": "1"}),
        (actions.encode("mtf-themes", m, 0), {"selected": "1"}),
        (actions.encode("mt-paper", m), {}),
        (actions.encode("mtf-paper", m), {"short": "overskrevet"}),
        (actions.encode("mt-act", m), {}),
        (
            actions.encode("mtf-act", m),
            {"what": "overskrevet", "owner": "anna", "follow_up": "anna", "due": "15.04.2026"},
        ),
        (actions.encode("ag-st", w.agreement_id, "done"), {}),
        (actions.encode("ag-note", w.agreement_id), {}),
        (actions.encode("agf-note", w.agreement_id), {"status": "done", "note": "overskrevet"}),
    ]


@pytest.mark.parametrize("attacker", ["B", "C", "D"])
async def test_crafted_payloads_with_another_tenants_ids_change_nothing(
    bot: BotHarness, tenants: Worlds, attacker: str
) -> None:
    """Anna is the facilitator where she acts, so only the tenancy check can stop her."""
    target = tenants.worlds["A"]
    here = place(bot, attacker)
    before = await snapshot(bot)
    for action, values in crafted(target):
        records = await here.click("Anna", action, values)
        answer = text_of(records)
        assert records and "Intet er ændret" in answer, (action, answer)
        assert all(r.kind == "post" for r in records), (action, [r.kind for r in records])
    assert changed_tables(before, await snapshot(bot)) == []


async def test_the_same_ids_work_in_their_own_channel(bot: BotHarness, tenants: Worlds) -> None:
    """The control: A's own facilitator changes A's rows with the same payloads."""
    home = place(bot, "A")
    before = await snapshot(bot)
    w = tenants.worlds["A"]
    await home.click("Anna", actions.encode("ans", w.aid, "1.1", "nej"))
    await home.click("Anna", actions.encode("ag-st", w.agreement_id, "done"))
    changed = changed_tables(before, await snapshot(bot))
    assert {"member_answers", "agreements"} <= set(changed)


async def test_data_operations_refuse_foreign_ids(bot: BotHarness, tenants: Worlds) -> None:
    """Defence in depth: the stores check every id against the request's channel."""
    w = tenants.worlds["A"]
    now = datetime(2026, 3, 2, 9, tzinfo=UTC)
    ops: list[object] = [
        fx.SetMemberAnswer(w.aid, "1.1", "nej"),
        fx.SetMemberComment(w.aid, "1.1", "x"),
        fx.SetTeamDecision(w.aid, "1.3", "nej", "x"),
        fx.SetElementNotes(w.aid, 1, "x", None),
        fx.SetOverallNotes(w.aid, "x", None),
        fx.SetDelimitation(w.aid, "x"),
        fx.SetPacing(w.aid, "one", 1),
        fx.CloseAssessment(w.aid),
        se.SetReflection(w.sid, "L1", "x"),
        se.SetTeamRating(w.sid, "L", 3),
        se.AddDevelopmentPoint(w.sid, "L", "x"),
        se.RemoveDevelopmentPoint(w.sid, w.point_id),
        se.CloseSelfEval(w.sid),
        mt.JoinMeeting(w.mid),
        mt.CancelMeeting(w.mid),
        mt.AddObservation(w.mid, "x"),
        mt.SetAgreementStatus(w.agreement_id, "done"),
    ]
    for tag in ("B", "C", "D"):
        where = repo.Place(*PLACES[tag])
        for op in ops:
            async with bot.runtime.sessions() as session:
                await session.begin()
                ctx = await repo.context_for(session, where, "anna", "Anna", now)
                with pytest.raises(repo.CrossTenant):
                    await bot.runtime.engine.apply(session, ctx, op, now)
                await session.rollback()


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def file_texts(records: list[Record]) -> str:
    """The text inside every generated file (CSV, JSON, and the XML of Word/Excel files)."""
    out = []
    for r in records:
        if r.message is None:
            continue
        for block in r.message.blocks:
            if isinstance(block, File | Image):
                path = Path(block.path)
                if path.suffix in (".docx", ".xlsx"):
                    with zipfile.ZipFile(path) as z:
                        out += [z.read(n).decode("utf-8", "replace") for n in z.namelist()]
                elif path.suffix in (".csv", ".json"):
                    out.append(path.read_text(encoding="utf-8"))
    return "\n".join(out)


READS = [
    "status",
    "resultat",
    "uenighed",
    "historik",
    "spørgsmål",
    "eksport",
    "møde",
    "aftaler alle",
    "selvevaluering status",
    "selvevaluering spørgsmål",
    "påmindelser",
    "indstillinger",
    "eksporter-data",
    "hjælp",
]


@pytest.mark.parametrize("reader", ["B", "C", "D"])
async def test_no_read_path_shows_another_tenants_rows(
    bot: BotHarness, tenants: Worlds, reader: str
) -> None:
    here = place(bot, reader)
    seen: list[str] = []
    for command in READS:
        for who in ("Anna", "Bo"):
            records = await here.say(who, command)
            seen += [text_of(records), file_texts(records)]
            seen += [repr(r.form) for r in records if r.form is not None]
    everything = "\n".join(seen)
    for tag, world in tenants.worlds.items():
        for marker in world.markers:
            if tag == reader:
                continue
            assert marker not in everything, (reader, marker)
    own = tenants.worlds[reader].markers
    assert f"Praksis{reader}" in everything and f"Kommentar{reader}anna" in everything
    assert f"Aftale{reader}" in everything, own


async def test_a_role_does_not_travel_between_workspaces(bot: BotHarness) -> None:
    a, b = place(bot, "A"), place(bot, "B")
    await a.say("Anna", "mødeleder Dora")
    await a.say("Dora", "hjælp")
    await b.say("Dora", "hjælp")
    assert "kun mødelederen" in text_of(await b.say("Dora", "luk"))
    assert "kun mødelederen" in text_of(await b.say("Dora", "mødeleder Dora"))


async def test_the_privacy_export_holds_only_its_own_channel(
    bot: BotHarness, tenants: Worlds
) -> None:
    records = await place(bot, "B").say("Anna", "eksporter-data")
    path = next(
        b.path for r in records if r.message for b in r.message.blocks if isinstance(b, File)
    )
    data = read_json(Path(path))
    channels = data["tables"]["channels"]
    assert [c["external_id"] for c in channels] == ["C1"]
    assert data["tables"]["workspaces"] == [
        {"platform": "slack", "external_id": "T2", "name": None}
    ]
    ids = {c["id"] for c in channels}
    for name, rows in data["tables"].items():
        for row in rows:
            if "channel_id" in row:
                assert row["channel_id"] in ids, (name, row)
    assert date.fromisoformat(data["exported_at"][:10]) == date(2026, 3, 2)
