"""Reflection meetings about an assessment reflect on the whole practice (hæfte 7, afsnit 4),
and whoever plans a meeting gets hæfte 7's roles, practical checklist and meeting size — through
the bot, with the shown texts checked against the booklet (skipped without the seeds)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from meeting_helpers import PREP, closed_assessment, observation_ids, plan, prepare_all
from test_meeting_content import seed, sentences, squash

from bot.console.channel import Record
from bot.testing import BotHarness
from dialogs.i18n import t
from dialogs.meetings import content
from dialogs.meetings.model import MeetingView
from dialogs.meetings.step_views import support_message
from dialogs.meetings.views import Look
from dialogs.messages import Text, ToActorOnly
from scoring.catalogue import load_catalogue
from scoring.table import DEFAULT_TABLE, load_table

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
__all__ = ["seed"]  # the booklet's text, a fixture (skips the test without the seeds)


def text_blocks(records: list[Record]) -> list[str]:
    return [b.text for r in records if r.message for b in r.message.blocks if isinstance(b, Text)]


def header_of(records: list[Record], name: str) -> str:
    """The text of the newest message headed by a step's name (its support questions:
    "Støttespørgsmål: Fortolk")."""
    for r in reversed(records):
        if r.message and r.message.fallback.splitlines()[0].endswith(name):
            return "\n".join(b.text for b in r.message.blocks if isinstance(b, Text))
    raise LookupError(name)


async def test_planning_shows_roles_checklist_and_size_privately(
    bot: BotHarness, seed: str
) -> None:
    records = await bot.say("Anna", "møde planlæg")
    assert [r.kind for r in records][:1] == ["form"]
    guide = [r for r in records if r.message and isinstance(r.target, ToActorOnly)]
    assert len(guide) == 1
    text = "\n".join(text_blocks(guide))
    assert "I møder med fire til otte deltagere" in text
    assert "Som ledere har I en central rolle" in text  # the managers
    assert "snævre drøftelserne ind" in text  # the one who narrows the discussion
    assert "kvalitetsteamet" in text
    assert "Der er reserveret lokaler." in text  # the practical checklist
    quoted = [
        content.text("planning.size", "da"),
        *content.text("planning.roles", "da"),
        content.text("planning.checklist_title", "da"),
        *content.text("planning.checklist", "da"),
    ]
    for quote in quoted:
        assert quote in text
        for sentence in sentences(quote):
            assert squash(sentence) in seed, sentence
    form = records[0].form
    assert form is not None and "Fire til otte deltagere" in form.intro


async def test_a_meeting_about_an_assessment_explores_and_interprets_the_practice(
    bot: BotHarness,
) -> None:
    await closed_assessment(bot)
    mid = await plan(bot)
    await prepare_all(bot, mid)
    await bot.say("Anna", "møde start")
    await bot.say("Anna", "møde næste")
    records = await bot.press("Bo", "mt-help", mid, 2)
    explore = header_of(records, "Udforsk")
    assert "I kan betragte udforskningen som en styret brainstorm" in explore
    assert "Er der mønstre, når I ser på tværs" in explore
    assert t("da", "mt.step.practice_basis") in explore

    ids = observation_ids(bot)
    chosen = f"{ids[PREP['Bo'][1]]},{ids[PREP['Carla'][1]]}"
    await bot.press("Anna", "mtf-themes", mid, 0, values={"selected": chosen})
    await bot.say("Anna", "møde næste")
    records = await bot.say("Carla", "møde støttespørgsmål")
    interpret = header_of(records, "Fortolk")
    assert "Er det de rigtige kerneelementer, vi har fastlagt for indsatsen?" in interpret
    assert "Kan vi bringe kerneelementer bedre i spil over for borgerne?" in interpret
    assert "den konkrete borger" not in interpret
    assert interpret.count("Det er i denne fase") == 1


def test_a_meeting_without_an_assessment_keeps_the_citizen_questions() -> None:
    catalogue = load_catalogue()
    look = Look("da", ZoneInfo("Europe/Copenhagen"), NOW.date(), catalogue,
                load_table(DEFAULT_TABLE, catalogue))  # fmt: skip
    m = MeetingView(
        id=7, number=1, status="running", step=3, mode="live",
        scheduled_at=NOW + timedelta(days=1), facilitator="anna", facilitator_name="Anna",
        assessment_id=None, focus_elements=(), theme_limit=2, step_deadlines=(),
    )  # fmt: skip
    support = support_message(look, m, 3, facilitator=False)
    text = "\n".join(b.text for b in support.blocks if isinstance(b, Text))
    assert "den konkrete borgers mulighed for udvikling" in text
    assert t("da", "mt.step.practice_basis") not in text
    about = "\n".join(
        b.text
        for b in support_message(look, replace(m, assessment_id=3), 3, False).blocks
        if isinstance(b, Text)
    )
    assert "den konkrete borger" not in about and t("da", "mt.step.practice_basis") in about
