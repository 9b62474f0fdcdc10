"""`indstillinger` / `settings`: anyone may look, only the facilitator may change; every value
is validated with a clear message; a language switch makes the bot answer in English."""

from __future__ import annotations

from datetime import UTC, datetime

from reminder_helpers import fallbacks, private_to, run_at, start_round
from sqlalchemy import select

from bot.testing import BotHarness, texts
from dialogs import actions
from dialogs.messages import Buttons, Fields, ToActorOnly, ToChannel
from storage.models import Channel


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


async def channel_row(bot: BotHarness) -> Channel:
    async with bot.runtime.sessions() as session:
        row = await session.scalar(select(Channel).where(Channel.external_id == "team"))
        assert row is not None
        return row


async def test_anyone_sees_the_settings_only_the_facilitator_changes_them(bot: BotHarness) -> None:
    assert "ingen mødeleder endnu" in texts(await bot.say("Bo", "indstillinger sprog en"))
    await bot.say("Anna", "mødeleder")
    shown = await bot.say("Bo", "indstillinger")
    assert [r.target for r in shown] == [ToActorOnly()]
    message = shown[0].message
    assert message is not None
    rows = dict(next(b for b in message.blocks if isinstance(b, Fields)).rows)
    assert rows == {
        "Sprog": "Dansk",
        "Tidszone": "Europe/Copenhagen",
        "Leveringsvindue": "08:00-16:00",
        "Varsel før en aftales frist": "2 arbejdsdage",
        "Påmindelse om at svare, højst hver": "3 arbejdsdage",
        "Påmindelser om at svare, højst i alt": "3",
        "Invitation til ny måling efter": "12 måneder",
        "Genåbning mulig i": "14 dage",
        "Links til tavlen virker i": "12 timer",
    }
    assert not any(isinstance(b, Buttons) for b in message.blocks)  # Bo may not change them
    refused = texts(await bot.say("Bo", "indstillinger sprog en"))
    assert "Kun mødelederen kan ændre indstillingerne" in refused
    assert "Kun mødelederen" in texts(await bot.click("Bo", actions.encode("set-edit")))
    assert "Kun mødelederen" in texts(
        await bot.click("Bo", actions.encode("f-set"), {"language": "en"})
    )
    assert (await channel_row(bot)).language == "da"

    mine = await bot.say("Anna", "indstillinger")
    assert bot.button("lp:set-edit") == actions.encode("set-edit")
    assert any(isinstance(b, Buttons) for b in mine[0].message.blocks)  # type: ignore[union-attr]


async def test_the_form_validates_every_field_and_keeps_the_draft(bot: BotHarness) -> None:
    await bot.say("Anna", "mødeleder")
    opened = await bot.click("Anna", actions.encode("set-edit"))
    assert opened[0].kind == "form"
    form = opened[0].form
    assert form is not None and form.title == "Indstillinger"
    assert {f.name: f.initial for f in form.fields}["window"] == "08:00-16:00"

    bad = {
        "language": "fr",
        "timezone": "Mars/Olympus",
        "window": "16-8",
        "lead": "99",
        "nudge_every": "to",
        "nudge_max": "3",
        "reassess": "0",
    }
    rejected = await bot.click("Anna", actions.encode("f-set"), bad)
    assert rejected[0].kind == "form_error"
    errors = rejected[0].form.errors  # type: ignore[union-attr]
    assert errors == {
        "language": "Vælg da (dansk) eller en (English).",
        "timezone": "“Mars/Olympus” er ikke en tidszone, jeg kender. "
        "Skriv den som fx Europe/Copenhagen.",
        "window": "Skriv vinduet som to klokkeslæt, det første før det andet, fx 08:00-16:00.",
        "lead": "Skriv et helt tal fra 0 til 10.",
        "nudge_every": "Skriv et helt tal fra 1 til 20.",
        "reassess": "Skriv et helt tal fra 1 til 60.",
    }
    draft = {f.name: f.initial for f in rejected[0].form.fields}  # type: ignore[union-attr]
    assert draft["timezone"] == "Mars/Olympus" and draft["lead"] == "99"
    row = await channel_row(bot)
    assert row.language == "da" and row.timezone == "Europe/Copenhagen"


async def test_switching_to_english_makes_the_bot_answer_in_english(bot: BotHarness) -> None:
    await bot.say("Anna", "mødeleder")
    good = {
        "language": "en",
        "timezone": "Europe/London",
        "window": "9-15",
        "lead": "3",
        "nudge_every": "2",
        "nudge_max": "1",
        "reassess": "6",
    }
    saved = await bot.click("Anna", actions.encode("f-set"), good)
    assert [r.target for r in saved] == [ToChannel()]
    assert fallbacks(saved) == (
        "Anna changed the settings: Language: English; Time zone: Europe/London; "
        "Delivery window: 09:00-15:00; Notice before an agreement is due: 3 working days; "
        "Reminder to answer, at most every: 2 working days; "
        "Reminders to answer, at most in all: 1; Invitation to measure again after: 6 months."
    )
    assert "Lovende praksis – help" in texts(await bot.say("Bo", "help"))
    assert "Lovende praksis – help" in texts(await bot.say("Bo", "hjælp"))
    row = await channel_row(bot)
    assert (row.language, row.timezone) == ("en", "Europe/London")
    assert row.settings["delivery_window"] == "09:00-15:00"
    assert row.settings["timezone"] == "Europe/London"  # where other features read it
    assert row.settings["reassess_months"] == 6
    assert "unchanged" in texts(await bot.click("Anna", actions.encode("f-set"), good))

    back = texts(await bot.say("Anna", "settings language da"))
    assert "Anna har ændret indstillingerne: Sprog: Dansk." in back


async def test_typed_changes_and_their_errors(bot: BotHarness) -> None:
    await bot.say("Anna", "mødeleder")
    assert "ikke en tidszone" in texts(
        await bot.say("Anna", "indstillinger tidszone Europe/Aarhus")
    )
    assert "kender ikke indstillingen “farve”" in texts(
        await bot.say("Anna", "indstillinger farve 1")
    )
    assert "Skriv også den nye værdi" in texts(await bot.say("Anna", "indstillinger varsel"))
    assert "ændret indstillingerne: Leveringsvindue: 11:00-15:00" in texts(
        await bot.say("Anna", "indstillinger vindue 11-15")
    )
    assert (await channel_row(bot)).settings["delivery_window"] == "11:00-15:00"


async def test_reminders_follow_the_language_and_the_window(bot: BotHarness) -> None:
    await start_round(bot)  # Monday 2 March 2026, 10:00 CET; Anna is the facilitator
    await bot.say("Bo", "status")
    await bot.say("Anna", "settings language en")
    await bot.say("Anna", "settings window 11:00-15:00")
    # Thursday 10:00 local is before the window now: 11:00 CET = 10:00 UTC.
    assert await run_at(bot, utc(2026, 3, 5, 9, 0)) == []
    out = await run_at(bot, utc(2026, 3, 5, 10, 0))
    text = fallbacks(private_to(out, "bo"))
    assert "Assessment of Recovery-forløb: your answers are missing" in text
    assert "0 of your 1 colleagues have answered them all" in text
