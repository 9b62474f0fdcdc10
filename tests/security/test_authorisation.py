"""Roles per channel: every facilitator-only command and action, tried by a member, is refused
with the Danish message and changes nothing at all in the database (every row of every table
compared before and after). Admins (LOVENDE_ADMINS) may export and delete, nothing else."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from security_helpers import (
    Place,
    World,
    build_template,
    build_world,
    changed_tables,
    harness_from,
    run_meeting_to_explore,
    snapshot,
    text_of,
)

from bot.clock import FakeClock
from bot.testing import BotHarness
from dialogs import actions
from dialogs.events import Command, Event, Interaction

ONLY_FACILITATOR = "Det kan kun mødelederen gøre. Intet er ændret."
ONLY_MEETING_FACILITATOR = "Det kan kun mødelederen (Anna) gøre. Intet er ændret."
ONLY_RATER = "Det er kun mødelederen, der sætter teamets egen vurdering"
ONLY_SETTINGS = "Kun mødelederen kan ændre indstillingerne."
NOT_YOUR_POINT = "Kun den, der skrev udviklingspunktet, eller mødelederen kan fjerne det."
ONLY_EXPORT = (
    "Kun mødelederen eller en administrator kan eksportere kanalens data. Intet er ændret."
)
ONLY_DELETE = "Kun mødelederen eller en administrator kan slette kanalens data. Intet er ændret."


@dataclass(frozen=True)
class Case:
    name: str
    event: Callable[[World], Event]
    expected: str
    meeting_running: bool = False


def say(text: str | Callable[[World], str]) -> Callable[[World], Event]:
    return lambda w: Command(text(w) if callable(text) else text)


def click(
    verb: str, *args: Callable[[World], object] | object, **values: str
) -> Callable[[World], Event]:
    def make(w: World) -> Event:
        parts = [a(w) if callable(a) else a for a in args]
        return Interaction(actions.encode(verb, *parts), dict(values))

    return make


def aid(w: World) -> int:
    return w.aid


def sid(w: World) -> int:
    return w.sid


def mid(w: World) -> int:
    return w.mid


CASES = [
    # the assessment
    Case("team answer typed", say("teamsvar 1.3 ja: vi er enige nu"), ONLY_FACILITATOR),
    Case("team answer button", click("dec", aid, "1.3"), ONLY_FACILITATOR),
    Case(
        "team answer form",
        click("f-dec", aid, "1.3", value="ja", justification="fordi"),
        ONLY_FACILITATOR,
    ),
    Case("close typed", say("luk"), ONLY_FACILITATOR),
    Case("close button", click("close", aid), ONLY_FACILITATOR),
    Case("close confirmed by button", click("close-ok", aid), ONLY_FACILITATOR),
    Case("keep open button", click("close-no", aid), ONLY_FACILITATOR),
    Case("reopen typed", say("genåbn"), ONLY_FACILITATOR),
    Case("next element", say("næste"), "Det er kun mødelederen, der lægger næste element frem."),
    Case("make someone facilitator", say("mødeleder Bo"), ONLY_FACILITATOR),
    Case("make oneself facilitator", say("mødeleder"), ONLY_FACILITATOR),
    # channel settings
    Case("settings typed", say("indstillinger sprog en"), ONLY_SETTINGS),
    Case("settings button", click("set-edit"), ONLY_SETTINGS),
    Case("settings form", click("f-set", language="en", lead="5"), ONLY_SETTINGS),
    # the self-evaluation
    Case("rating typed", say("selvevaluering vurdering ledelse 4"), ONLY_RATER),
    Case("rating button", click("se-rate", sid, "L"), ONLY_RATER),
    Case("rating form", click("se-f-rate", sid, "L", rating="4"), ONLY_RATER),
    Case("next dimension typed", say("selvevaluering næste"), ONLY_FACILITATOR),
    Case("next dimension button", click("se-next", sid), ONLY_FACILITATOR),
    Case("close self-evaluation", say("selvevaluering luk"), ONLY_FACILITATOR),
    Case(
        "point to agreement typed",
        say(lambda w: f"selvevaluering aftale {w.point_id}"),
        ONLY_FACILITATOR,
    ),
    Case(
        "point to agreement button", click("se-agree", sid, lambda w: w.point_id), ONLY_FACILITATOR
    ),
    Case(
        "point to agreement form",
        click(
            "se-f-agree",
            sid,
            lambda w: w.point_id,
            what="x",
            owner="bo",
            follow_up="bo",
            due="15.04.2026",
        ),
        ONLY_FACILITATOR,
    ),
    Case(
        "remove another's point typed",
        say(lambda w: f"selvevaluering fjern {w.point_id}"),
        NOT_YOUR_POINT,
    ),
    Case(
        "remove another's point button", click("se-rm", sid, lambda w: w.point_id), NOT_YOUR_POINT
    ),
    # reflection meetings
    Case("start meeting typed", say("møde start"), ONLY_MEETING_FACILITATOR),
    Case("start meeting button", click("mt-start", mid), ONLY_MEETING_FACILITATOR),
    Case("cancel meeting", say("møde aflys"), ONLY_MEETING_FACILITATOR),
    Case("next step typed", say("møde næste"), ONLY_MEETING_FACILITATOR, meeting_running=True),
    Case(
        "next step button", click("mt-next", mid, 2), ONLY_MEETING_FACILITATOR, meeting_running=True
    ),
    Case("themes typed", say("møde temaer 1"), ONLY_MEETING_FACILITATOR, meeting_running=True),
    Case("themes button", click("mt-themes", mid), ONLY_MEETING_FACILITATOR, meeting_running=True),
    Case(
        "themes form",
        click("mtf-themes", mid, 0, selected="1"),
        ONLY_MEETING_FACILITATOR,
        meeting_running=True,
    ),
    # privacy
    Case("export data", say("eksporter-data"), ONLY_EXPORT),
    Case("delete data", say("slet-data"), ONLY_DELETE),
    Case("delete data confirmed", say("slet-data bekræft"), ONLY_DELETE),
    Case("delete data button", click("pv-del"), ONLY_DELETE),
]


@pytest.fixture(scope="session")
def world_a(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, World]:
    """One channel with data of every feature, built once and copied for each test."""
    return build_template(tmp_path_factory, "world_a", lambda place: build_world(place, "A"))


@pytest.fixture
async def team(world_a: tuple[Path, World], tmp_path: Path) -> AsyncIterator[tuple[Place, World]]:
    bot = await harness_from(world_a[0], tmp_path)
    try:
        yield Place(bot), world_a[1]
    finally:
        await bot.close()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
async def test_a_member_is_refused_and_nothing_changes(
    team: tuple[Place, World], case: Case
) -> None:
    place, world = team
    if case.meeting_running:
        await run_meeting_to_explore(place)
    before = await snapshot(place.bot)
    answer = text_of(await place.send("Bo", case.event(world)))
    assert case.expected in answer
    assert changed_tables(before, await snapshot(place.bot)) == []


async def test_the_snapshot_sees_a_facilitator_change(team: tuple[Place, World]) -> None:
    """The control: the same kind of request by the facilitator does change the database."""
    place, world = team
    before = await snapshot(place.bot)
    await place.press(
        "Anna", "f-dec", world.aid, "1.3", values={"value": "ja", "justification": "ok"}
    )
    await place.say("Anna", "indstillinger sprog en")
    assert {"team_decisions", "channels"} <= set(changed_tables(before, await snapshot(place.bot)))


async def test_roles_are_per_channel(team: tuple[Place, World]) -> None:
    """Anna facilitates channel `team`; in another channel of the same workspace she is a
    member like anyone else once someone else has started there."""
    place, _ = team
    other = Place(place.bot, channel="other")
    await other.say("Bo", "start Bo-praksis")
    assert ONLY_FACILITATOR in text_of(await other.say("Anna", "luk"))
    assert ONLY_EXPORT in text_of(await other.say("Anna", "eksporter-data"))


async def test_a_workspace_admin_may_export_and_delete_but_not_facilitate(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOVENDE_ADMINS", "console:ws:dora, console:other-ws:bo")
    bot = await BotHarness.start(sqlite_url, FakeClock())
    try:
        place = Place(bot)
        await build_world(place, "A")
        await place.say("Dora", "hjælp")
        # Bo is an admin of another workspace only
        assert ONLY_EXPORT in text_of(await place.say("Bo", "eksporter-data"))
        assert ONLY_FACILITATOR in text_of(await place.say("Dora", "luk"))
        exported = text_of(await place.say("Dora", "eksporter-data"))
        assert "Her er alle kanalens data som én JSON-fil" in exported
        assert "Ja, slet alle data" in text_of(await place.say("Dora", "slet-data"))
        # Anna cannot confirm Dora's request: the confirmation is Dora's own state
        assert "Vil du slette ALLE" in text_of(await place.say("Anna", "slet-data bekræft"))
        assert "Dora har slettet alle kanalens data" in text_of(await place.press("Dora", "pv-del"))
    finally:
        await bot.close()
