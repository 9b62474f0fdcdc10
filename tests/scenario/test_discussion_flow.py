"""A results discussion through the fake channel, live and asynchronous, on SQLite and
PostgreSQL: private notes → the round → the questions behind the lowest scores → the vote →
the result, which becomes an agreement and the data basis of the first reflection meeting."""

from __future__ import annotations

from datetime import UTC, datetime

from discussion_helpers import (
    COMMENT_8,
    NOTES,
    TEAM,
    channel_text,
    closed_assessment,
    discussion_id,
    last_form,
    private_to,
    start,
    to_actor,
    write_notes,
)

from bot.testing import BotHarness, assert_has, texts
from dialogs import actions


def utc(day: int, hour: int) -> datetime:
    return datetime(2026, 3, day, hour, 0, tzinfo=UTC)


async def due_now(bot: BotHarness) -> str:
    """What the reminders due at the clock's now post, as text."""
    mark = len(bot.channel.records)
    await bot.run_due()
    return texts(bot.channel.records[mark:])


async def test_a_live_discussion_from_notes_to_agreement_and_meeting(bot: BotHarness) -> None:
    await closed_assessment(bot)
    opened = await bot.say("Anna", "drøftelse start")
    assert opened[-1].form is not None and opened[-1].form.title == "Resultatdrøftelse"
    did = await start(bot, votes="2")
    root = texts(bot.channel.records[-2:])
    assert "Resultatdrøftelse: Recovery-forløb (runde 1)" in root
    assert "Trin 1 af 4: Hver for sig" in root
    assert "Hvad er jeres styrker? Hvor er jeres udviklingspotentialer?" in root

    # Step 1: each for themselves — the notes stay private.
    mark = len(bot.channel.records)
    await write_notes(bot, did)
    await bot.say("Carla", "drøftelse overraskelse Vi kender ikke alle metoden")
    during = bot.channel.records[mark:]
    assert "Forankre forandringsteorien" not in channel_text(during)
    assert "Noter fra 3 personer" in channel_text(during)
    mine = to_actor(await bot.say("Anna", "drøftelse"))
    assert "Forankre forandringsteorien" in mine and "Klare mål for beboerne" in mine
    assert "Har skrevet noter: Anna ✓, Bo ✓, Carla ✓" in mine  # the facilitator sees who
    theirs = to_actor(await bot.say("Bo", "drøftelse status"))
    assert "Vi dokumenterer mere end før" in theirs
    assert "Forankre forandringsteorien" not in theirs and "Har skrevet noter" not in theirs

    # Step 2: the round — grouped by the three questions, with names and numbers.
    await bot.restart()  # nothing lives only in memory
    shared = channel_text(await bot.say("Anna", "drøftelse næste"))
    assert_has(
        shared,
        "Trin 2 af 4: Runden",
        "Styrker\n• Klare mål for beboerne – Anna",
        "Udviklingspotentialer\n1. Forankre forandringsteorien – Anna",
        "2. Faste aftaler om samarbejdet med kommunen – Bo",
        "4. Introduktion af nye kolleger – Carla",
        "• Vi kender ikke alle metoden – Carla",
    )

    # Step 3: the questions behind the lowest scores, with team answers and comments.
    lowest = await bot.say("Anna", "drøftelse næste")
    text = channel_text(lowest)
    assert "Trin 3 af 4: Laveste scorer" in text
    assert text.index("8. Relationelt samarbejde:") < text.index("1. Teori og viden:")
    assert "For få teamsvar til at indgå: " in text and "4. Mål" in text.split("For få")[1]
    assert "8.1 Er der retningslinjer for, hvilke kompetencer" in text
    assert "Teamets svar: Nej (enige, 3 svar) · 0,00 point" in text
    assert all(f"{who}: “{c}”" in text for who, c in COMMENT_8.items())
    posts = [r for r in lowest if r.kind == "post"]
    assert len(posts) == 3 and all(r.thread for r in posts)  # in the discussion's thread
    await bot.click("Carla", bot.button(f"lp:dc-pot:{did}:8"))
    assert "8. Relationelt samarbejde" in (last_form(bot).intro or "")
    await bot.press("Carla", "dcf-pot", did, 8, values={"text": "Fast samarbejdsmøde"})

    # Step 4: the vote (at most two each), typed or with the check boxes.
    await bot.say("Anna", "drøftelse næste")
    assert "5. Fast samarbejdsmøde" in texts(bot.channel.records[-1:])
    assert "Dine valg er gemt: 2, 5." in to_actor(await bot.say("Anna", "drøftelse stem 2, 5"))
    refused = await bot.say("Bo", "drøftelse stem 1,2,3")
    assert "højst vælge 2" in to_actor(refused)
    await bot.press("Bo", "dc-vote", did, 0, values={"selected": "2,3"})
    await bot.say("Carla", "drøftelse stem 5")
    assert "3 af 3 har stemt" in texts(bot.channel.records[-2:])

    # The result: by votes, ties in the order written.
    finished = channel_text(await bot.say("Anna", "drøftelse næste"))
    result = finished[finished.index("prioriterede udviklingspotentialer") :]
    order = [result.index(f"{n}. ") for n in (2, 5, 3, 1, 4)]
    assert order == sorted(order)
    assert "2. Faste aftaler om samarbejdet med kommunen – 2 stemmer" in result
    assert "3. Opfølgning på beboernes mål – 1 stemme" in result

    # A prioritised potential becomes an agreement (the meetings feature's form and rules).
    await bot.click("Anna", bot.button(f"lp:dc-agree:{did}:"))
    form = last_form(bot)
    initial = {f.name: f.initial for f in form.fields}
    assert initial["what"] == "Faste aftaler om samarbejdet med kommunen"
    done = await bot.click(
        "Anna",
        form.action,
        {
            "what": initial["what"] or "",
            "owner": "bo",
            "follow_up": "anna",
            "due": "01.04.2026",
            "element": "8",
        },
    )
    assert "Anna har gjort udviklingspotentiale 2 til en aftale" in channel_text(done)
    assert "(aftale)" in channel_text(done)
    listed = to_actor(await bot.say("Bo", "aftaler"))
    assert "Faste aftaler om samarbejdet med kommunen" in listed
    await bot.click("Anna", bot.button(f"lp:dc-agree:{did}:"))  # now no. 5, noted on element 8
    assert {f.name: f.initial for f in last_form(bot).fields}["element"] == "8"

    # … or the data basis of the first reflection meeting.
    await bot.click("Anna", bot.button(f"lp:dc-meet:{did}"))
    plan = last_form(bot)
    assert plan.action == actions.encode("dcf-meet", did)
    assert {f.name: f.initial for f in plan.fields}["focus"] == "1, 8"
    assert "• Fast samarbejdsmøde" in (plan.intro or "")
    rejected = await bot.click("Anna", plan.action, {"when": "i går"})
    assert rejected[-1].kind == "form_error" and rejected[-1].form is not None
    assert rejected[-1].form.action == plan.action  # the corrected plan comes back here
    values = {f.name: f.initial or "" for f in plan.fields}
    planned = await bot.click("Anna", plan.action, {**values, "when": "10.03.2026 13:00"})
    assert "Sendt videre som datagrundlag til en læringsdialog" in channel_text(planned)
    assert "Fokus: 1. Teori og viden, 8. Relationelt samarbejde" in channel_text(planned)
    again = await bot.click("Anna", plan.action, values)
    assert "allerede sendt videre" in to_actor(again)
    await bot.say("Anna", "møde start")
    explore = texts(await bot.say("Anna", "møde næste"))
    assert "Muligheder for forbedring" in explore
    assert "Faste aftaler om samarbejdet med kommunen – Anna" in explore
    assert "Fast samarbejdsmøde – Anna" in explore


async def test_an_asynchronous_discussion_runs_on_the_clock(bot: BotHarness) -> None:
    await closed_assessment(bot)
    # Monday 2 March 10:00 in Copenhagen; one working day per step.
    did = await start(bot, mode="async", window="1")
    started = bot.channel.records[-(len(TEAM) + 3) :]
    assert "Trinnet er åbent til 03.03.2026 kl. 10:00" in texts(started)
    for person in TEAM:  # each is asked privately for their notes
        (request,) = private_to(started, person.casefold())
        assert request.message is not None and "Første trin er dit eget" in texts([request])
    await write_notes(bot, did)
    stats = await bot.run_due()  # plans the step change; nothing is due before the window ends
    assert stats.sent == 0
    upcoming = to_actor(await bot.say("Bo", "påmindelser"))
    assert "03.03.2026 10:00 – næste trin i resultatdrøftelsen" in upcoming
    bot.clock.set(utc(3, 9))
    round_text = await due_now(bot)
    assert "Trin 2 af 4: Runden" in round_text
    assert "1. Forankre forandringsteorien – Anna" in round_text
    assert "Trinnet er åbent til 04.03.2026 kl. 10:00" in round_text

    # The facilitator may move on early; the later steps keep their schedule.
    await bot.say("Anna", "drøftelse næste")
    await bot.say("Bo", "drøftelse potentiale Tid til supervision")
    bot.clock.set(utc(4, 9))
    await bot.restart()  # the schedule lives in the database
    mark = len(bot.channel.records)
    await bot.run_due()
    assert "Trin 4 af 4" not in texts(bot.channel.records[mark:])  # step 3 runs to the 5th
    bot.clock.set(utc(5, 9))
    await bot.run_due()
    assert "Trin 4 af 4: Prioritering" in texts(bot.channel.records[mark:])
    await bot.say("Anna", "drøftelse stem 5")
    await bot.say("Carla", "drøftelse stem 5, 2")

    bot.clock.set(utc(6, 9))
    result = await due_now(bot)
    assert "5. Tid til supervision – 2 stemmer" in result
    assert "prioriterede udviklingspotentialer" in result
    assert "Drøftelsen blev afsluttet 06.03.2026" in result
    mark = len(bot.channel.records)
    bot.clock.set(utc(9, 9))
    await bot.run_due()
    assert bot.channel.records[mark:] == []  # finished: nothing more is due
    assert discussion_id(bot) == did


async def test_a_new_round_can_be_discussed_and_the_old_buttons_are_refused(
    bot: BotHarness,
) -> None:
    await closed_assessment(bot)
    first = await start(bot)
    await bot.say("Anna", "drøftelse næste")
    await bot.say("Anna", "drøftelse aflys")
    assert "Drøftelsen er aflyst." in texts(bot.channel.records[-3:])
    assert "Drøftelsen er aflyst." in to_actor(await bot.say("Bo", "drøftelse"))
    second = await start(bot)
    assert second != first
    stale = await bot.press("Anna", "dc-next", first, 2)
    assert "en anden resultatdrøftelse" in to_actor(stale)
    assert set(NOTES) == set(TEAM)
