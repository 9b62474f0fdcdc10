"""The round's end through the whole bot (issue 17): `luk` shows the gaps and asks for
confirmation (the button, or `luk` again within 15 minutes), `genåbn` for a while after
closing, the "Fastsæt teamsvar" button gone from the facilitator's list once the team answer
is recorded — and the words around it: the short help with topics, unknown input in one line,
the welcome, and commands named as the surface types them ("her" in a private chat)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from sqlalchemy import select

from bot.console.channel import Record
from bot.inbound import Inbound
from bot.teams.handler import welcome_step
from bot.testing import BotHarness, assert_has, button_labels, texts
from dialogs import actions
from dialogs.events import Command
from dialogs.messages import ToActorOnly
from dialogs.turn import Surface
from storage.models import Assessment
from storage.reminder_models import PENDING, Reminder

SLACK_CHANNEL = Surface(prefix="/lovende ", threads=True, private=False)
PRIVATE = Surface(prefix="", threads=False, private=True)


async def round_id(bot: BotHarness) -> int:
    async with bot.runtime.sessions() as session:
        found = await session.scalar(select(Assessment.id).order_by(Assessment.id.desc()))
    assert found is not None
    return found


async def started(bot: BotHarness, answers: int = 0) -> int:
    """Anna starts (and so facilitates); Anna and Bo answer the first `answers` of element 1
    alike, so those have a team answer by agreement."""
    await bot.say("Anna", "start Recovery-forløb")
    for i in range(1, answers + 1):
        for person in ("Anna", "Bo"):
            await bot.say(person, f"svar 1.{i} ja")
    return await round_id(bot)


async def say_on(bot: BotHarness, user: str, text: str, surface: Surface) -> list[Record]:
    """`user` types `text` where the adapter says the place looks like `surface`."""
    return await bot.place(surface=surface).say(user, text)


async def status(bot: BotHarness) -> str:
    async with bot.runtime.sessions() as session:
        a = await session.scalar(select(Assessment).order_by(Assessment.id.desc()))
    assert a is not None
    return a.status


# ---- luk: the gaps, then a confirmation ----
async def test_closing_lists_the_gaps_privately_and_waits_for_a_confirmation(
    bot: BotHarness,
) -> None:
    await started(bot, answers=2)
    await bot.say("Anna", "svar 1.3 ja")  # only Anna: 1 svar
    await bot.say("Anna", "svar 1.4 ja")
    await bot.say("Bo", "svar 1.4 nej")  # a disagreement
    assert "kun mødelederen" in texts(await bot.say("Bo", "luk"))

    shown = await bot.say("Anna", "luk")
    assert [r.target for r in shown] == [ToActorOnly()]  # to the facilitator only
    text = texts(shown)
    assert_has(
        text,
        "Før målingen af Recovery-forløb lukkes",
        "Ikke besvaret: 55 spørgsmål (1.5, 1.6 og hele element 2–11)",
        "Kun 1 svar: 1 spørgsmål (1.3)",
        "Uenigheder: 1 uenighed (1.4)",
        "Uden samlet vurdering: 11 elementer (1–11)",
        "Afgrænsning: ikke skrevet",
        "genåbne den i 14 dage efter lukningen med `genåbn`",
    )
    assert button_labels(shown) == ["Luk målingen", "Fortsæt målingen"]
    assert await status(bot) == "open"  # nothing closed yet

    closing = await bot.say("Anna", "luk")  # typed again: confirmed
    assert "Anna har lukket målingen af Recovery-forløb" in texts(closing)
    assert "Resultat: Recovery-forløb – runde 1" in texts(closing)
    assert await status(bot) == "closed"


async def test_the_buttons_close_or_keep_the_round_open(bot: BotHarness) -> None:
    aid = await started(bot, answers=1)
    await bot.say("Anna", "luk")
    kept = await bot.click("Anna", bot.button("lp:close-no:"))
    assert texts(kept) == "Målingen fortsætter – intet er lukket."
    assert await status(bot) == "open"
    # Kept open: a typed `luk` shows the gaps again instead of closing.
    assert "Før målingen" in texts(await bot.say("Anna", "luk"))
    assert "kun mødelederen" in texts(await bot.click("Bo", actions.encode("close-ok", aid)))
    closing = await bot.click("Anna", bot.button("lp:close-ok:"))
    assert "har lukket målingen" in texts(closing)
    assert await status(bot) == "closed"
    late = texts(await bot.click("Anna", actions.encode("close-ok", aid)))
    assert "Målingen er lukket" in late  # an old button changes nothing


async def test_a_confirmation_is_good_for_15_minutes(bot: BotHarness) -> None:
    await started(bot)
    await bot.say("Anna", "luk")
    bot.clock.advance(minutes=16)
    again = texts(await bot.say("Anna", "luk"))
    assert "Før målingen" in again and await status(bot) == "open"  # shown again
    bot.clock.advance(minutes=14)
    assert "har lukket" in texts(await bot.say("Anna", "luk"))


async def test_a_complete_round_says_so_and_still_asks(bot: BotHarness) -> None:
    aid = await started(bot)
    for q in bot.runtime.catalogue.questions:
        if q.condition is None:
            answer = "a" if q.type == "multi" else "ja"
            for person in ("Anna", "Bo"):
                await bot.say(person, f"svar {q.id} {answer}")
    await bot.say("Anna", "afgrænsning Unge 18–25 i eget hjem")
    for n in range(1, 12):
        await bot.click(
            "Anna", actions.encode("f-notes", aid, n), {"overall": "Godt.", "potential": ""}
        )
    text = texts(await bot.say("Anna", "luk"))
    assert "Alle spørgsmål har et svar, der er ingen åbne uenigheder" in text
    assert "Ikke besvaret" not in text and "Kun 1 svar" not in text
    assert await status(bot) == "open"


# ---- genåbn ----
async def test_the_facilitator_reopens_within_the_setting_and_closes_again(
    bot: BotHarness,
) -> None:
    await started(bot, answers=1)
    await bot.say("Anna", "luk")
    await bot.say("Anna", "luk")
    assert "Målingen er lukket" in texts(await bot.say("Bo", "svar 1.2 ja"))
    assert "kun mødelederen" in texts(await bot.say("Bo", "genåbn"))

    bot.clock.advance(days=13)
    reopened = await bot.say("Anna", "genåbn")
    said = texts(reopened)
    assert "Anna har genåbnet målingen af Recovery-forløb (runde 1)" in said
    assert "Recovery-forløb – runde 1 (i gang)" in said  # the progress message, updated
    assert await status(bot) == "open"
    assert "Gemt: 1.2 Ja." in texts(await bot.say("Bo", "svar 1.2 ja"))
    summary = texts(await bot.say("Bo", "resultat"))
    assert "Målingen er i gang, så resultatet er foreløbigt" in summary
    assert "ikke lukket" in texts(await bot.say("Anna", "genåbn"))

    await bot.say("Anna", "luk")
    closing = texts(await bot.say("Anna", "luk"))
    assert "har lukket målingen" in closing and "foreløbigt" not in closing


async def test_reopening_has_an_end_and_a_setting(bot: BotHarness) -> None:
    await started(bot, answers=1)
    await bot.say("Anna", "luk")
    await bot.say("Anna", "luk")
    bot.clock.advance(days=14, minutes=1)
    late = texts(await bot.say("Anna", "genåbn"))
    assert late == (
        "Målingen af Recovery-forløb blev lukket 02.03.2026 og kan kun genåbnes i 14 dage "
        "efter lukningen. Start en ny runde med `start «praksis»`."
    )
    assert "Genåbning mulig i: 30 dage" in texts(await bot.say("Anna", "indstillinger genåbn 30"))
    assert "har genåbnet" in texts(await bot.say("Anna", "genåbn"))
    await bot.say("Anna", "luk")
    await bot.say("Anna", "luk")
    await bot.say("Anna", "indstillinger genåbn 0")
    off = texts(await bot.say("Anna", "genåbn"))
    assert "Genåbning er slået fra i indstillingerne" in off
    assert await status(bot) == "closed"


async def test_reopening_takes_the_invitation_to_measure_again_with_it(bot: BotHarness) -> None:
    aid = await started(bot, answers=1)
    await bot.say("Anna", "luk")
    await bot.say("Anna", "luk")
    await bot.run_due()  # the sweep plans the invitation a year on

    async def invitations() -> list[tuple[str, datetime]]:
        async with bot.runtime.sessions() as session:
            rows = await session.execute(
                select(Reminder.status, Reminder.due_at).where(
                    Reminder.kind == "reassess", Reminder.subject_id == aid
                )
            )
            return [(s, d.replace(tzinfo=UTC) if d.tzinfo is None else d) for s, d in rows]

    first = await invitations()
    assert [s for s, _d in first] == [PENDING]
    bot.clock.advance(days=2)
    await bot.say("Anna", "genåbn")
    assert await invitations() == []  # gone in the same transaction as the reopening
    await bot.run_due()
    assert await invitations() == []  # an open round is not invited to measure again
    bot.clock.advance(days=5)
    await bot.say("Anna", "luk")
    await bot.say("Anna", "luk")
    await bot.run_due()
    (again,) = await invitations()
    assert again[0] == PENDING and again[1] > first[0][1]  # a year after the new close


async def test_a_running_discussion_or_a_newer_round_blocks_reopening(bot: BotHarness) -> None:
    await started(bot, answers=1)
    await bot.say("Anna", "luk")
    await bot.say("Anna", "luk")
    await bot.say("Anna", "drøftelse start live")
    blocked = texts(await bot.say("Anna", "genåbn"))
    assert "Resultatdrøftelsen af runde 1 er i gang" in blocked
    await bot.say("Anna", "drøftelse aflys")
    await bot.say("Anna", "start Recovery-forløb")  # round 2 is open: nothing to reopen
    assert "er ikke lukket" in texts(await bot.say("Anna", "genåbn"))


# ---- the facilitator's disagreement list loses a question's button once it is decided ----
async def test_deciding_from_the_list_draws_the_list_again_without_that_button(
    bot: BotHarness,
) -> None:
    aid = await started(bot)
    for qid in ("1.1", "1.2"):
        await bot.say("Anna", f"svar {qid} ja")
        await bot.say("Bo", f"svar {qid} nej")
    members = await bot.say("Bo", "uenighed")
    assert "Fastsæt teamsvar" not in button_labels(members)
    listed = await bot.say("Anna", "uenighed")
    (post,) = [r for r in listed if r.kind == "post"]
    assert button_labels(listed) == ["Fastsæt teamsvar", "Fastsæt teamsvar"]
    assert "Hvor I svarer forskelligt (2 uenigheder)" in texts(listed)

    form = await bot.click("Anna", bot.button(f"lp:dec:{aid}:1.1:"))
    assert form[-1].form is not None
    action = form[-1].form.action
    assert actions.decode(action).args[:2] == (str(aid), "1.1")
    decided = await bot.click("Anna", action, {"value": "delvist", "justification": "Begge dele."})
    (updated,) = [r for r in decided if r.kind == "update" and r.ref == post.ref]
    assert "Hvor I svarer forskelligt (1 uenighed)" in texts([updated])
    assert button_labels([updated]) == ["Fastsæt teamsvar"]  # only 1.2's is left
    assert f"lp:dec:{aid}:1.2:" in bot.button(f"lp:dec:{aid}:")

    # The last one decided: the list says there are none left.
    await bot.click("Anna", bot.button(f"lp:dec:{aid}:1.2:"))
    decided = await bot.click(
        "Anna", bot.channel.records[-1].form.action,  # type: ignore[union-attr]
        {"value": "ja", "justification": "Vi er enige nu."},
    )  # fmt: skip
    (last,) = [r for r in decided if r.kind == "update" and r.ref == post.ref]
    assert texts([last]) == "Der er ingen åbne uenigheder." and button_labels([last]) == []

    # A typed team answer has no list to update; a new `uenighed` posts a new list.
    assert "Der er ingen åbne uenigheder." in texts(await bot.say("Anna", "uenighed"))


# ---- help, unknown input, the welcome ----
async def test_the_help_is_short_and_grouped_with_topics(bot: BotHarness) -> None:
    short = texts(await bot.say("Anna", "hjælp"))
    lines = short.splitlines()
    assert lines[0] == "== Lovende praksis – hjælp =="
    assert len(lines) <= 16
    for group in ("Kom i gang", "Svar", "Sammen", "Mere"):
        assert group in lines
    assert "`hjælp «emne»` – emner: måling, svar, team, resultat, drøftelse, møde" in short
    assert "<" not in short  # no <placeholders> (Teams would swallow them)

    topic = texts(await bot.say("Anna", "hjælp svar"))
    assert topic.startswith("== Hjælp: svar ==")
    assert "`svar 2.2 a,c`" in topic and "2.3 stilles kun, når I har valgt c i 2.2" in topic
    assert "`hjælp` viser oversigten." in topic
    for asked, expected in (
        ("hjælp luk", "Hjælp: måling"),
        ("hjælp eksport", "Hjælp: resultat"),
        ("help meeting", "Hjælp: møde"),
        ("hjælp data", "`eksporter-data`"),
        ("drøftelse hjælp", "`drøftelse stem 1,3`"),
    ):
        assert expected in texts(await bot.say("Anna", asked)), asked
    unknown = texts(await bot.say("Anna", "hjælp kaffe"))
    assert unknown.startswith("Jeg har ingen hjælp om “kaffe”. Emner: måling, svar")


async def test_unknown_input_gets_one_line_and_a_hint(bot: BotHarness) -> None:
    said = await bot.say("Anna", "hvad kan du")
    assert len(said) == 1 and said[0].target == ToActorOnly()
    assert texts(said) == (
        "Den kender jeg ikke: “hvad kan du”. Skriv `hjælp` for at se, hvad jeg kan."
    )
    typo = texts(await bot.say("Anna", "resulat"))
    assert typo == "Den kender jeg ikke: “resulat”. Mente du `resultat`? Ellers skriv `hjælp`."
    slack = texts(await say_on(bot, "Anna", "stauts", SLACK_CHANNEL))
    assert "Mente du `/lovende status`? Ellers skriv `/lovende hjælp`." in slack


async def test_the_welcome_is_a_greeting_and_three_first_steps(bot: BotHarness) -> None:
    for surface, start in ((SLACK_CHANNEL, "`/lovende start «praksis»`"), (PRIVATE, "`start")):
        inbound = Inbound(
            replace(bot.conv(None), surface=surface), Command("hjælp"), channel_name="team"
        )
        mark = len(bot.channel.records)
        await bot.runtime.engine.act(inbound, welcome_step, bot.channel)
        text = texts(bot.channel.records[mark:])
        assert text.startswith("== Hej – jeg er Lovende praksis ==")
        assert "Tre første skridt" in text and "1. " in text and "3. " in text
        assert start in text
        assert "Skriv" not in text.split("Tre første skridt")[0]  # the greeting, then steps
        assert len(text.splitlines()) <= 8


# ---- words that fit the surface ----
async def test_commands_are_named_as_the_surface_types_them_and_private_says_here(
    bot: BotHarness,
) -> None:
    private = texts(await say_on(bot, "Anna", "status", PRIVATE))
    assert private == "Der er ingen måling her endnu. Start en med `start «praksis»`."
    channel = texts(await say_on(bot, "Anna", "status", SLACK_CHANNEL))
    assert channel == (
        "Der er ingen måling i kanalen endnu. Start en med `/lovende start «praksis»`."
    )
    await bot.say("Anna", "start Recovery-forløb")
    await bot.say("Anna", "svar 1.1 ja")
    gaps = texts(await say_on(bot, "Anna", "luk", SLACK_CHANNEL))
    assert "skriv `/lovende luk` igen" in gaps and "resultatet bliver vist i kanalen" in gaps
    summary = texts(await say_on(bot, "Bo", "resultat", SLACK_CHANNEL))
    assert "Mødelederen lukker den med `/lovende luk`." in summary
    await bot.click("Anna", bot.button("lp:close-no:"))
    gaps = texts(await say_on(bot, "Anna", "luk", PRIVATE))
    assert "skriv `luk` igen" in gaps and "i kanalen" not in gaps
    assert "resultatet bliver vist her" in gaps
    assert "Bo er nu mødeleder her." in texts(await say_on(bot, "Anna", "mødeleder Bo", PRIVATE))
