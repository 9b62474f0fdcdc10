"""The results discussion refuses what it cannot do with one clear Danish line to the person
(never a post to the channel, nothing changed): starting at the wrong time, people other than
the facilitator leading it, notes that are too long or too many or hold a CPR number, votes
that are too many or not numbers, stale and foreign buttons."""

from __future__ import annotations

from discussion_helpers import closed_assessment, last_form, start, to_actor, write_notes

from bot.console.channel import Record
from bot.testing import BotHarness
from dialogs import actions
from dialogs.messages import ToActorOnly


def refused(records: list[Record], expected: str) -> None:
    """One line to the actor only, saying `expected`."""
    assert records, "no answer"
    assert all(r.kind == "post" and isinstance(r.target, ToActorOnly) for r in records)
    assert expected in to_actor(records), to_actor(records)


def form_errors(records: list[Record]) -> dict[str, str]:
    (record,) = records
    assert record.kind == "form_error" and record.form is not None
    return record.form.errors


async def test_starting_needs_a_closed_assessment_and_the_facilitator(bot: BotHarness) -> None:
    refused(await bot.say("Anna", "drøftelse start"), "Der er ingen måling i kanalen endnu")
    await closed_assessment(bot, close=False)
    refused(await bot.say("Anna", "drøftelse start live"), "Luk den med `luk`")
    await bot.say("Anna", "luk")
    await bot.say("Anna", "luk")  # the gaps first, then closing
    refused(await bot.say("Bo", "drøftelse start"), "kan kun mødelederen gøre")
    refused(await bot.say("Anna", "drøftelse start hurtigt"), "`drøftelse start asynkron 2`")
    refused(await bot.say("Anna", "drøftelse start asynkron 99"), "et helt tal fra 1 til 10")
    refused(await bot.say("Anna", "drøftelse start live 3"), "`drøftelse start live`")
    errors = form_errors(
        await bot.press("Anna", "dcf-start", values={"mode": "async", "window": "0", "votes": "9"})
    )
    assert errors == {
        "window": "Skriv et helt tal fra 1 til 10.",
        "votes": "Skriv et helt tal fra 1 til 5.",
    }
    assert last_form(bot).fields[1].initial == "0"  # the draft is kept
    refused(await bot.say("Anna", "drøftelse næste"), "Der er ingen resultatdrøftelse")
    await start(bot)
    refused(await bot.say("Anna", "drøftelse start"), "allerede i gang – I er på trin 1")
    refused(await bot.say("Anna", "drøftelse bogstavsuppe"), "“drøftelse bogstavsuppe”")
    assert "`drøftelse stem 1,3`" in to_actor(await bot.say("Bo", "drøftelse hjælp"))


async def test_only_the_facilitator_leads_but_everyone_takes_part(bot: BotHarness) -> None:
    await closed_assessment(bot)
    did = await start(bot)
    await write_notes(bot, did)  # Bo and Carla write notes too
    refused(await bot.say("Bo", "drøftelse næste"), "det kan kun mødelederen gøre")
    refused(await bot.press("Carla", "dc-next", did, 1), "kun mødelederen")
    refused(await bot.say("Bo", "drøftelse aflys"), "kun mødelederen")
    for _ in range(3):
        await bot.say("Anna", "drøftelse næste")
    assert "Dine valg er gemt: 1." in to_actor(await bot.say("Bo", "drøftelse stem 1"))
    await bot.say("Anna", "drøftelse næste")
    refused(await bot.click("Bo", bot.button(f"lp:dc-agree:{did}:")), "kun mødelederen")
    refused(await bot.say("Carla", "drøftelse aftale 1"), "kun mødelederen")
    refused(await bot.press("Bo", "dc-meet", did), "kun mødelederen")
    refused(await bot.press("Bo", "dcf-meet", did, values={}), "kun mødelederen")
    refused(await bot.say("Anna", "drøftelse aftale 9"), "intet udviklingspotentiale nummer “9”")
    refused(await bot.say("Anna", "drøftelse aftale x"), "vælg et fra 1 til 4")


async def test_notes_that_are_too_long_too_many_or_hold_a_cpr_number(bot: BotHarness) -> None:
    await closed_assessment(bot)
    did = await start(bot)
    submit = actions.encode("dcf-notes", did)
    errors = form_errors(
        await bot.click(
            "Bo",
            submit,
            {
                "strengths": "x" * 301,
                "potentials": "\n".join(f"punkt {i}" for i in range(6)),
                "surprises": "Ok\nBorgeren 010190-1234 sagde det",
            },
        )
    )
    assert errors == {
        "strengths": "Teksten er for lang: 301 tegn – højst 300. Forkort den og prøv igen.",
        "potentials": "Højst 5 pr. slags – her er der 6. Vælg det vigtigste, eller saml nogle "
        "af dem.",
        "surprises": "Linje 2: Teksten ser ud til at indeholde et CPR-nummer. Skriv om praksis, "
        "ikke om enkelte borgere – fjern nummeret og prøv igen.",
    }
    assert last_form(bot).fields[0].initial == "x" * 301  # the draft comes back
    empty = form_errors(await bot.click("Bo", submit, {"strengths": " \n ", "potentials": ""}))
    assert empty == {"strengths": "Skriv mindst én styrke, ét udviklingspotentiale eller én "
                     "overraskelse."}  # fmt: skip
    refused(await bot.say("Bo", "drøftelse styrke"), "Skriv styrken efter kommandoen")
    refused(await bot.say("Bo", "drøftelse potentiale " + "y" * 400), "400 tegn – højst 300")
    refused(await bot.say("Bo", "drøftelse overraskelse 1201851234"), "CPR-nummer")
    for i in range(5):
        await bot.say("Bo", f"drøftelse styrke Nummer {i}")
    refused(await bot.say("Bo", "drøftelse styrke Nummer 6"), "Højst 5 pr. slags")
    errors = form_errors(await bot.press("Bo", "dcf-pot", did, 0, values={"text": ""}))
    assert errors == {"text": "Feltet må ikke være tomt."}
    refused(await bot.press("Bo", "dc-pot", did, 12), "kan jeg ikke udføre her")


async def test_votes_in_the_wrong_step_too_many_or_not_numbers(bot: BotHarness) -> None:
    await closed_assessment(bot)
    did = await start(bot, votes="2")
    refused(await bot.say("Bo", "drøftelse stem 1"), "Der stemmes i trin 4")
    await write_notes(bot, did)
    for _ in range(3):
        await bot.say("Anna", "drøftelse næste")
    refused(await bot.say("Bo", "drøftelse stem 9"), "fx `drøftelse stem 1,3` (1–4)")
    refused(await bot.say("Bo", "drøftelse stem en og to"), "(1–4)")
    refused(await bot.say("Bo", "drøftelse stem"), "(1–4)")
    refused(await bot.say("Bo", "drøftelse stem 1,2,3"), "højst vælge 2")
    vote = actions.encode("dc-vote", did, 0)
    refused(await bot.click("Bo", vote, {"selected": "7"}), "kan jeg ikke udføre her")
    refused(await bot.press("Bo", "dc-vote", did, 3, values={}), "ikke udføre her")
    refused(await bot.click("Bo", vote, {"selected": "1,2,3"}), "det her ville give 3")
    assert "Dine valg er gemt: 1, 2." in to_actor(await bot.click("Bo", vote, {"selected": "1,2"}))
    # Typed, the picks replace all earlier ones.
    assert "Dine valg er gemt: 3." in to_actor(await bot.say("Bo", "drøftelse stem 3"))
    assert "Dine valg er fjernet." in to_actor(await bot.say("Bo", "drøftelse stem ingen"))
    refused(await bot.say("Bo", "drøftelse noter"), "Noterne kan ikke længere ændres")
    refused(await bot.say("Bo", "drøftelse resultat"), "ikke afsluttet endnu")


async def test_stale_and_foreign_buttons_change_nothing(bot: BotHarness) -> None:
    await closed_assessment(bot)
    did = await start(bot)
    await bot.say("Anna", "drøftelse næste")
    await bot.say("Anna", "drøftelse næste")
    # Nobody wrote a potential: the vote would have nothing to prioritise.
    refused(await bot.say("Anna", "drøftelse næste"), "ingen udviklingspotentialer")
    refused(await bot.press("Anna", "dc-next", did, 1), "allerede gået videre")
    refused(await bot.press("Anna", "dc-next", did + 1, 3), "anden resultatdrø")
    refused(await bot.press("Anna", "dc-next", "x", 3), "ikke udføre her")
    # The same discussion id from another channel is that channel's no discussion.
    await bot.say("Eve", "hjælp", channel="other")
    other = await bot.click("Eve", actions.encode("dc-next", did, 3), channel="other")
    assert "en anden resultatdrøftelse" in to_actor(other)
    refused(await bot.say("Anna", "drøftelse møde"), "ikke afsluttet endnu")
