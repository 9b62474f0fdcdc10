"""Bad input in meetings and agreements: each answered clearly (Danish, and English in an
English channel), the form shown again with the draft, and nothing stored half-way."""

from __future__ import annotations

from meeting_helpers import closed_assessment, meeting_under_way, plan
from sqlalchemy import func, select, update

from bot.console.channel import Record
from bot.testing import BotHarness, meeting_plan, texts
from dialogs import actions
from dialogs.messages import Form
from storage.meeting_models import Agreement, Meeting, MeetingObservation
from storage.models import Channel

CPR = "Borgeren 010203-1234 har det svært"


async def count(bot: BotHarness, model: type[object]) -> int:
    async with bot.runtime.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


def rejected(records: list[Record]) -> Form:
    forms = [r.form for r in records if r.kind == "form_error" and r.form is not None]
    assert forms, texts(records)
    return forms[-1]


def drafts(form: Form) -> dict[str, str | None]:
    return {f.name: f.initial for f in form.fields}


async def at_forbered_handling(bot: BotHarness) -> int:
    await closed_assessment(bot)
    mid = await meeting_under_way(bot)
    await bot.say("Anna", "møde temaer 1")
    await bot.say("Anna", "møde næste")
    await bot.say("Anna", "møde næste")
    return mid


GOOD = {"what": "Fast opfølgning", "owner": "bo", "follow_up": "anna", "due": "01.04.2026"}


async def test_bad_agreements_are_refused_and_nothing_is_stored(bot: BotHarness) -> None:
    mid = await at_forbered_handling(bot)
    act = actions.encode("mtf-act", mid)

    past = rejected(await bot.click("Anna", act, {**GOOD, "due": "01.03.2026"}))
    assert past.errors["due"] == (
        "Fristen 01.03.2026 er allerede passeret. Vælg i dag (02.03.2026) eller en senere dato."
    )
    assert drafts(past)["what"] == "Fast opfølgning"  # the draft is kept

    not_a_date = rejected(await bot.click("Anna", act, {**GOOD, "due": "snart"}))
    assert "“snart” er ikke en dato" in not_a_date.errors["due"]

    stranger = rejected(await bot.click("Anna", act, {**GOOD, "owner": "Xavier"}))
    assert stranger.errors["owner"].startswith("Jeg kender ikke “Xavier” i denne kanal.")

    empty = rejected(await bot.click("Anna", act, {**GOOD, "what": "   "}))
    assert empty.errors["what"] == "Beskriv, hvad der skal gøres – en aftale kan ikke være tom."

    long = rejected(await bot.click("Anna", act, {**GOOD, "what": "x" * 501}))
    assert long.errors["what"].startswith("Teksten er for lang: 501 tegn – højst 500.")

    cpr = rejected(await bot.click("Anna", act, {**GOOD, "what": CPR}))
    assert "CPR-nummer" in cpr.errors["what"]

    several = rejected(
        await bot.click(
            "Anna",
            act,
            {"what": "", "owner": "", "due": "1.1.2020", "follow_up": "anna", "element": "12"},
        )
    )
    assert set(several.errors) == {"what", "owner", "due", "element"}
    assert await count(bot, Agreement) == 0

    ok = texts(await bot.click("Anna", act, GOOD))
    assert "Aftalen er gemt" in ok and await count(bot, Agreement) == 1


async def test_only_the_facilitator_moves_the_meeting(bot: BotHarness) -> None:
    await closed_assessment(bot)
    mid = await plan(bot)
    assert "Det kan kun mødelederen (Anna) gøre. Intet er ændret." in texts(
        await bot.say("Bo", "møde start")
    )
    assert "Det kan kun mødelederen (Anna) gøre" in texts(
        await bot.click("Bo", actions.encode("mt-start", mid))
    )
    await bot.say("Anna", "møde start")
    assert "Det kan kun mødelederen (Anna) gøre" in texts(await bot.say("Carla", "møde næste"))
    assert "Det kan kun mødelederen (Anna) gøre" in texts(
        await bot.click("Carla", actions.encode("mt-next", mid, 1))
    )
    assert "Det kan kun mødelederen (Anna) gøre" in texts(await bot.say("Bo", "møde aflys"))
    async with bot.runtime.sessions() as session:
        m = await session.get(Meeting, mid)
        assert m is not None and (m.status, m.step) == ("running", 1)
    # A second click on an old "next" button does not skip a step.
    await bot.click("Anna", actions.encode("mt-next", mid, 1))
    again = texts(await bot.click("Anna", actions.encode("mt-next", mid, 1)))
    assert "Dialogen er allerede gået videre – den er nu på Udforsk" in again


async def test_bad_plans_keep_the_draft(bot: BotHarness) -> None:
    await closed_assessment(bot)
    plan_action = actions.encode("mtf-plan")
    bad_date = rejected(await bot.click("Anna", plan_action, meeting_plan(when="31.02.2026 13:00")))
    assert "“31.02.2026 13:00” er ikke et tidspunkt" in bad_date.errors["when"]
    assert drafts(bad_date)["when"] == "31.02.2026 13:00"
    past = rejected(await bot.click("Anna", plan_action, meeting_plan(when="01.03.2026 13:00")))
    assert past.errors["when"] == "Tidspunktet er allerede passeret. Vælg et tidspunkt i fremtiden."
    people = rejected(
        await bot.click("Anna", plan_action, meeting_plan(participants="Bo, Xavier, Yrsa"))
    )
    assert "Jeg kender ikke Xavier, Yrsa i denne kanal" in people.errors["participants"]
    window = rejected(await bot.click("Anna", plan_action, meeting_plan(mode="async", window="0")))
    assert window.errors["window"] == "Skriv et tal fra 1 til 10."
    focus = rejected(await bot.click("Anna", plan_action, meeting_plan(focus="3, 14")))
    assert "1 til 11" in focus.errors["focus"]
    boss = rejected(await bot.click("Anna", plan_action, meeting_plan(facilitator="Xavier")))
    assert "Xavier" in boss.errors["facilitator"]
    assert await count(bot, Meeting) == 0

    await plan(bot)
    twice = texts(await bot.say("Bo", "møde planlæg"))
    assert "Læringsdialog 1 (05.03.2026 kl. 13:00) er allerede planlagt" in twice
    assert await count(bot, Meeting) == 1


async def test_preparation_and_dialogue_text_is_checked(bot: BotHarness) -> None:
    await closed_assessment(bot)
    mid = await plan(bot)
    form = rejected(
        await bot.click(
            "Bo",
            actions.encode("mtf-prep", mid),
            {"positive": CPR, "improvement": "", "question": ""},
        )
    )
    assert "CPR-nummer" in form.errors["positive"]
    assert form.errors["improvement"] == "Feltet må ikke være tomt."
    assert drafts(form)["positive"] == CPR  # shown again so it can be corrected
    assert await count(bot, MeetingObservation) == 0
    assert "0 af 3 har forberedt" in texts(await bot.say("Anna", "møde"))

    assert "Dialogen er ikke startet endnu" in texts(await bot.say("Anna", "møde næste"))
    await bot.say("Anna", "møde start")
    assert "Forberedelsen er slut" in texts(await bot.click("Bo", actions.encode("mt-prep", mid)))
    wrong_step = texts(await bot.say("Bo", "møde observation Noget"))
    assert "Det hører ikke til det trin, dialogen er på nu (trin 1: Siden sidst)" in wrong_step
    await bot.say("Anna", "møde næste")
    too_long = texts(await bot.say("Bo", "møde observation " + "y" * 600))
    assert "Teksten er for lang: 600 tegn – højst 500." in too_long
    assert "CPR-nummer" in texts(await bot.say("Bo", f"møde observation {CPR}"))
    assert await count(bot, MeetingObservation) == 0
    forged = texts(await bot.click("Bo", actions.encode("mt-vote", mid, 0), {"selected": "999"}))
    assert "Den handling kan jeg ikke udføre her" in forged
    assert "Skriv numrene på observationerne" in texts(await bot.say("Anna", "møde temaer 5"))


async def test_status_changes_are_checked(bot: BotHarness) -> None:
    mid = await at_forbered_handling(bot)
    await bot.click("Anna", actions.encode("mtf-act", mid), GOOD)
    assert "Skriv fx `aftale 2 gennemført`" in texts(await bot.say("Bo", "aftale 7 gennemført"))
    assert "Skriv fx" in texts(await bot.say("Bo", "aftale 1 færdig-ish"))
    async with bot.runtime.sessions() as session:
        aid = int(await session.scalar(select(Agreement.id)) or 0)
    note = rejected(
        await bot.click("Bo", actions.encode("agf-note", aid), {"status": "done", "note": CPR})
    )
    assert "CPR-nummer" in note.errors["note"]
    # Another channel cannot touch this channel's agreement.
    other = texts(await bot.click("Bo", actions.encode("ag-st", aid, "done"), channel="andet"))
    assert "Den handling kan jeg ikke udføre her" in other
    async with bot.runtime.sessions() as session:
        a = await session.get(Agreement, aid)
        assert a is not None and a.status == "not_started" and a.learned is None


async def test_english_channel(bot: BotHarness) -> None:
    await closed_assessment(bot)
    async with bot.runtime.sessions() as session, session.begin():
        await session.execute(update(Channel).values(language="en"))
    await plan(bot, when="05.03.2026 13:00")
    assert "Only the facilitator (Anna) can do that" in texts(await bot.say("Bo", "meeting start"))
    started = texts(await bot.say("Anna", "meeting start"))
    assert "Step 1 of 4: Since last time" in started
    support = texts(await bot.click("Bo", bot.button("lp:mt-help:")))
    assert "What did we agree last time?" in support
    await bot.say("Anna", "meeting next")
    assert "Your observation is added." in texts(
        await bot.say("Bo", "meeting observe We lack data from relatives")
    )
    await bot.say("Anna", "meeting themes 1")
    await bot.say("Anna", "meeting next")
    await bot.say("Anna", "meeting next")
    mid = int(actions.decode(bot.button("lp:mt-act:")).args[0])
    form = rejected(
        await bot.click("Anna", actions.encode("mtf-act", mid), {**GOOD, "due": "01.03.2026"})
    )
    assert form.errors["due"] == (
        "The due date 01 Mar 2026 has already passed. Choose today (02 Mar 2026) or a later date."
    )
    assert "The agreement is saved" in texts(
        await bot.click("Anna", actions.encode("mtf-act", mid), GOOD)
    )
    assert "Open agreements (1)" in texts(await bot.say("Bo", "agreements"))
