"""Retention: `purge_old_rounds` deletes assessment rounds closed more than N years ago with
their answers, team answers, notes and reminders, and practices left without rounds; open
rounds and newer rounds stay. A fake clock drives the years. The setting is validated."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from bot.settings import ConfigError, load_settings
from bot.testing import BotHarness, meeting_plan, texts
from dialogs import actions
from dialogs.assessment.reminders import ASSESSMENT
from storage.meeting_models import Meeting
from storage.models import Assessment, ElementNote, MemberAnswer, Practice, TeamDecision
from storage.reminder_models import Reminder
from storage.retention import purge_expired, purge_old_rounds, years_before


def at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 10, 0, tzinfo=UTC)


async def round_of(bot: BotHarness, practice: str, closed: datetime | None) -> int:
    """A round of `practice` with answers, a team answer and notes, closed at `closed`."""
    bot.clock.set(closed.replace(day=1) if closed else at(2026, 3, 1))
    aid = await bot.start_assessment(practice)
    await bot.say("Anna", "svar 1.1 ja: Kommentar der skal slettes")
    await bot.say("Bo", "svar 1.1 nej: Bo er uenig")
    await bot.say("Anna", "teamsvar 1.1 delvist: Begrundelse der skal slettes")
    await bot.click("Anna", actions.encode("f-notes", aid, 1), {"overall": "Note", "potential": ""})
    if closed:
        bot.clock.set(closed)
        await bot.say("Anna", "luk")
        await bot.say("Anna", "luk")  # the gaps first, then closing
    return aid


async def count(bot: BotHarness, model: type, *where: object) -> int:
    async with bot.runtime.sessions() as session:
        stmt = select(func.count()).select_from(model)
        for w in where:
            stmt = stmt.where(w)  # type: ignore[arg-type]
        return int(await session.scalar(stmt) or 0)


async def test_old_closed_rounds_go_newer_and_open_rounds_stay(bot: BotHarness) -> None:
    old = await round_of(bot, "Gammel praksis", at(2020, 1, 10))
    bot.clock.set(at(2020, 1, 11))
    await bot.click(
        "Anna",
        actions.encode("mtf-plan"),
        meeting_plan(when="20.01.2020 13:00", participants="Anna, Bo", focus=""),
    )
    newer = await round_of(bot, "Gammel praksis", at(2024, 6, 10))
    current = await round_of(bot, "Ny praksis", None)
    bot.clock.set(at(2026, 3, 2))
    await bot.run_due()  # plans (and sends, late) the reminders, e.g. the reassessment invitations
    assert await count(bot, Meeting, Meeting.assessment_id == old) == 1
    reminders_before = await count(
        bot, Reminder, Reminder.subject_type == ASSESSMENT, Reminder.subject_id == old
    )

    async with bot.runtime.sessions() as session, session.begin():
        purged = await purge_old_rounds(session, at(2026, 3, 2), years=5)
    assert purged == 1
    assert await count(bot, Assessment, Assessment.id == old) == 0
    for model in (MemberAnswer, TeamDecision, ElementNote):
        assert await count(bot, model, model.assessment_id == old) == 0  # type: ignore[attr-defined]
        assert await count(bot, model, model.assessment_id == newer) > 0  # type: ignore[attr-defined]
    assert await count(bot, Reminder, Reminder.subject_id == old,
                       Reminder.subject_type == ASSESSMENT) == 0  # fmt: skip
    assert reminders_before > 0, "the reassessment reminder of the old round"
    assert await count(bot, Assessment, Assessment.id.in_([newer, current])) == 2
    assert await count(bot, Meeting, Meeting.assessment_id.is_(None)) == 1  # kept, unlinked
    async with bot.runtime.sessions() as session:
        later = await session.get(Assessment, newer)
        assert later is not None and later.previous_id is None
    history = texts(await bot.say("Anna", "historik"))
    assert "Ny praksis" in history

    # One year later the 2024 round is older than a one-year retention too: its practice,
    # left without rounds, goes with it; the open round stays.
    async with bot.runtime.sessions() as session, session.begin():
        assert await purge_old_rounds(session, at(2026, 3, 2), years=1) == 1
    names = await practices(bot)
    assert names == ["Ny praksis"]
    assert await count(bot, Assessment) == 1


async def practices(bot: BotHarness) -> list[str]:
    async with bot.runtime.sessions() as session:
        return list(await session.scalars(select(Practice.name).order_by(Practice.id)))


async def test_the_boundary_and_an_unset_retention(bot: BotHarness) -> None:
    await round_of(bot, "Grænse", at(2021, 3, 2))
    async with bot.runtime.sessions() as session, session.begin():
        assert await purge_old_rounds(session, at(2026, 3, 2), years=5) == 0  # exactly 5 years
    bot.clock.set(at(2026, 3, 2))
    assert await purge_expired(bot.runtime.sessions, at(2030, 1, 1), None) == 0
    assert await count(bot, Assessment) == 1
    assert await purge_expired(bot.runtime.sessions, at(2026, 3, 3), 5) == 1
    assert await count(bot, Assessment) == 0
    with pytest.raises(ValueError):
        async with bot.runtime.sessions() as session:
            await purge_old_rounds(session, at(2026, 3, 3), 0)


def test_years_before_handles_29_february() -> None:
    assert years_before(at(2028, 2, 29), 1) == at(2027, 2, 28)
    assert years_before(at(2028, 2, 29), 4) == at(2024, 2, 29)
    assert years_before(at(2026, 3, 2), 5) == at(2021, 3, 2)


def test_the_retention_and_admin_settings_are_validated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LOVENDE_RETENTION_YEARS", raising=False)
    assert load_settings().retention_years is None
    monkeypatch.setenv("LOVENDE_RETENTION_YEARS", "3")
    assert load_settings().retention_years == 3
    for bad in ("0", "-2", "fem", "2.5"):
        monkeypatch.setenv("LOVENDE_RETENTION_YEARS", bad)
        with pytest.raises(ConfigError) as err:
            load_settings()
        assert str(err.value) == "LOVENDE_RETENTION_YEARS: skal være et helt antal år, mindst 1"
    monkeypatch.delenv("LOVENDE_RETENTION_YEARS")
    monkeypatch.setenv("LOVENDE_ADMINS", "slack:T1:U1, teams:tenant:29:1abc")
    assert load_settings().admins
    monkeypatch.setenv("LOVENDE_ADMINS", "slack:U1")
    with pytest.raises(ConfigError) as err:
        load_settings()
    assert str(err.value).startswith("LOVENDE_ADMINS: ")
