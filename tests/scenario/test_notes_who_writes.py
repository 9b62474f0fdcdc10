"""Who writes a round's Samlet vurdering and Udviklingspotentiale (issue 15.14).

The team writes them together; a facilitator (mødeleder) records them, as with team answers.
A member who tries — typed `vurdering`/`samlet`, the element's button, or a crafted form
submit — is told who records them and how to contribute, and nothing changes. A notes form
carries the version of the notes it was opened with: a save over notes someone else saved
meanwhile (even another facilitator) is refused with the notes as they are now shown above the
person's draft; saving that form again replaces them, knowingly. On SQLite and PostgreSQL.
"""

from __future__ import annotations

from sqlalchemy import func, select

from bot.console.channel import Record
from bot.inbound import Inbound
from bot.testing import BotHarness, texts
from dialogs import actions
from dialogs.assessment.ops import notes_version
from dialogs.effects import Outcome, SetRole
from dialogs.events import Command
from dialogs.messages import Form, ToActorOnly
from dialogs.turn import Turn
from storage.models import Assessment, ElementNote

EMPTY = notes_version(None, None)
REFUSED = "mødelederen (Anna) skriver den ind"


async def started(bot: BotHarness) -> int:
    aid = await bot.start_assessment("Recovery")
    await bot.say("Bo", "status")  # Bo is a member of the channel
    return aid


def form_of(records: list[Record]) -> Form:
    forms = [r.form for r in records if r.form is not None]
    assert len(forms) == 1, texts(records)
    return forms[0]


async def stored(bot: BotHarness, aid: int) -> tuple[object, ...]:
    async with bot.runtime.sessions() as s:
        notes = tuple(
            (n.element_no, n.overall, n.potential) for n in await s.scalars(select(ElementNote))
        )
        a = await s.get(Assessment, aid)
        assert a is not None
        return notes, a.overall_assessment, a.overall_potentials


async def test_a_member_is_told_who_records_the_notes_on_every_path(bot: BotHarness) -> None:
    aid = await started(bot)
    before = await stored(bot, aid)
    attempts = [
        bot.say("Bo", "vurdering 3"),
        bot.say("Bo", "samlet"),
        bot.click("Bo", actions.encode("notes", aid, 3)),
        bot.click(
            "Bo",
            actions.encode("f-notes", aid, 3, EMPTY),
            {"overall": "Bos tekst", "potential": "Mere"},
        ),
        bot.click(
            "Bo", actions.encode("f-overall", aid, EMPTY), {"overall": "Bos", "potentials": ""}
        ),
        bot.click("Bo", actions.encode("f-notes", aid, 3), {"overall": "Uden version"}),
    ]
    for attempt in attempts:
        records = await attempt
        said = texts(records)
        assert REFUSED in said and "Intet er ændret" in said, said
        assert "kommentar " in said  # how to contribute
        assert all(r.form is None for r in records)  # no form opens
        assert all(isinstance(r.target, ToActorOnly) for r in records)  # said to Bo alone
    assert texts(await bot.say("Bo", "vurdering 3")).count("kommentar 3.1") == 1
    assert await stored(bot, aid) == before


async def test_without_a_facilitator_the_member_learns_how_to_become_one(
    bot: BotHarness,
) -> None:
    aid = await started(bot)

    def step_down(_turn: Turn) -> Outcome:
        return Outcome(ops=(SetRole("anna", "member"),))

    anna = Inbound(bot.conv("Anna"), Command(""), user_name="Anna", channel_name="team")
    await bot.runtime.engine.act(anna, step_down, bot.channel)
    said = texts(await bot.click("Bo", actions.encode("notes", aid, 2)))
    assert "ingen mødeleder i kanalen endnu" in said and "`mødeleder`" in said


async def test_the_facilitator_records_the_notes_typed_and_by_button(bot: BotHarness) -> None:
    aid = await started(bot)
    form = form_of(await bot.say("Anna", "vurdering 3"))
    assert form.action == actions.encode("f-notes", aid, 3, EMPTY)
    said = texts(await bot.click("Anna", form.action, {"overall": "Godt", "potential": "Mere"}))
    assert "Anna har opdateret samlet vurdering og udviklingspotentiale" in said
    again = form_of(await bot.click("Anna", actions.encode("notes", aid, 3)))
    assert [f.initial for f in again.fields] == ["Godt", "Mere"]
    assert again.action == actions.encode("f-notes", aid, 3, notes_version("Godt", "Mere"))
    overall = form_of(await bot.say("Anna", "samlet"))
    await bot.click("Anna", overall.action, {"overall": "Lovende", "potentials": "Økonomi"})
    assert await stored(bot, aid) == (((3, "Godt", "Mere"),), "Lovende", "Økonomi")


async def test_a_save_over_notes_changed_meanwhile_is_refused_even_between_facilitators(
    bot: BotHarness,
) -> None:
    aid = await started(bot)
    await bot.say("Anna", "mødeleder Bo")
    annas = form_of(await bot.say("Anna", "vurdering 1"))
    bos = form_of(await bot.click("Bo", actions.encode("notes", aid, 1)))
    overall_annas = form_of(await bot.say("Anna", "samlet"))
    overall_bos = form_of(await bot.say("Bo", "samlet"))
    await bot.click("Anna", annas.action, {"overall": "Annas tekst", "potential": ""})
    await bot.click("Anna", overall_annas.action, {"overall": "Annas", "potentials": "Hendes"})

    # Bo saves on the text he opened: refused, Anna's text shown, his draft kept.
    records = await bot.click("Bo", bos.action, {"overall": "Bos tekst", "potential": "Mere"})
    refused = form_of(records)
    assert records[0].kind == "form_error" or records[0].form is refused
    assert "Mens du skrev" in (refused.intro or "")
    assert "Samlet vurdering: Annas tekst" in (refused.intro or "")
    assert "Udviklingspotentiale: (tom)" in (refused.intro or "")
    assert [f.initial for f in refused.fields] == ["Bos tekst", "Mere"]
    assert "har opdateret" not in texts(records)
    assert (await stored(bot, aid))[0] == ((1, "Annas tekst", None),)
    # The same for the practice's overall notes.
    refused_overall = form_of(
        await bot.click("Bo", overall_bos.action, {"overall": "Bos", "potentials": ""})
    )
    assert "Samlet vurdering af jeres praksis: Annas" in (refused_overall.intro or "")
    assert (await stored(bot, aid))[1:] == ("Annas", "Hendes")

    # Having seen it, he saves again from the form he was shown: his text replaces hers.
    said = texts(await bot.click("Bo", refused.action, {"overall": "Fælles", "potential": "Mere"}))
    assert "Bo har opdateret" in said
    await bot.click("Bo", refused_overall.action, {"overall": "Fælles", "potentials": "Begge"})
    assert await stored(bot, aid) == (((1, "Fælles", "Mere"),), "Fælles", "Begge")


async def test_an_invalid_draft_keeps_the_version_it_was_opened_with(bot: BotHarness) -> None:
    aid = await started(bot)
    form = form_of(await bot.say("Anna", "vurdering 2"))
    rejected = form_of(await bot.click("Anna", form.action, {"overall": "x" * 3001}))
    assert rejected.action == form.action and rejected.errors
    await bot.click("Anna", rejected.action, {"overall": "Kort", "potential": ""})
    async with bot.runtime.sessions() as s:
        assert await s.scalar(select(func.count()).select_from(ElementNote)) == 1
    # A malformed version matches no notes: refused as changed, nothing replaced.
    bad = actions.encode("f-notes", aid, 2, "nope")
    assert "Mens du skrev" in (form_of(await bot.click("Anna", bad, {"overall": "Ny"})).intro or "")
    assert (await stored(bot, aid))[0] == ((2, "Kort", None),)
