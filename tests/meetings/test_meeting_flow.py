"""A live reflection meeting through the fake channel: plan → preparation by three members →
the four steps → agreements with owners and dates → summary; then the next meeting's
*Siden sidst* with the updated statuses; and a restart in the middle losing nothing."""

from __future__ import annotations

from meeting_helpers import (
    PREP,
    closed_assessment,
    in_thread,
    meeting_id,
    meeting_under_way,
    observation_ids,
    plan,
    prepare_all,
    private_to,
    text_of,
    theme_ids,
)

from bot.testing import BotHarness, meeting_plan, texts
from dialogs import actions
from dialogs.messages import ToActorOnly, ToChannel


async def run_meeting_to_paper(bot: BotHarness) -> int:
    """Plan, prepare, start and go through Siden sidst, Udforsk and Fortolk."""
    mid = await meeting_under_way(bot)
    ids = observation_ids(bot)
    first = ids[PREP["Bo"][1]]
    second = ids[PREP["Carla"][1]]
    await bot.click("Bo", bot.button(f"lp:mt-vote:{mid}:0"), {"selected": f"{first},{second}"})
    await bot.click("Carla", bot.button(f"lp:mt-vote:{mid}:0"), {"selected": f"{first}"})
    await bot.press("Anna", "mtf-themes", mid, 0, values={"selected": f"{first},{second}"})
    await bot.say("Anna", "møde næste")
    tids = theme_ids(bot, mid)
    await bot.press(
        "Bo", "mtf-int", mid, tids[0], values={"text": "Vi har ingen fast rytme for opfølgning"}
    )
    await bot.say("Carla", "møde forklaring 2 Introduktionen af nye kolleger er kort")
    await bot.say("Anna", "møde næste")
    return mid


async def write_paper(bot: BotHarness, mid: int) -> None:
    await bot.press(
        "Anna",
        "mtf-paper",
        mid,
        values={
            "short": "Alle beboere har en opfølgningssamtale om deres mål",
            "long": "Recovery-mål er en fast del af hverdagen",
            "months": "6",
            "progress": "Andel beboere med opdaterede mål i journalen",
            "next": "02.04.2026 13:00",
        },
    )
    anna_s = {
        "what": "Indføre fast månedlig opfølgning på mål",
        "owner": "bo",
        "follow_up": "anna",
        "due": "01.04.2026",
        "element": "1",
    }
    carla_s = {
        "what": "Lave en introduktion til metoden for nye kolleger",
        "owner": "Carla",
        "follow_up": "Anna",
        "due": "15.04.2026",
        "element": "",
    }
    for who, agreement in (("Anna", anna_s), ("Carla", carla_s)):
        await bot.press(who, "mtf-act", mid, values=agreement)


async def test_live_meeting_from_plan_to_summary(bot: BotHarness) -> None:
    await closed_assessment(bot)
    await bot.say("Dorte", "hjælp")  # in the channel, but did not answer the assessment

    opened = await bot.say("Anna", "møde planlæg")
    form = next(r.form for r in opened if r.form)  # beside it, privately, the planning guide
    assert form is not None and form.title == "Planlæg læringsdialog"
    defaults = {f.name: f.initial for f in form.fields}
    assert defaults["participants"] == "Anna, Bo, Carla"  # those who answered
    assert defaults["facilitator"] == "anna" and defaults["mode"] == "live"

    planned = await bot.press("Anna", "mtf-plan", values=meeting_plan())
    root = [r for r in planned if isinstance(r.target, ToChannel) and r.thread is None]
    assert "Læringsdialog 1 – 05.03.2026 kl. 13:00" in text_of(root)
    assert "Mødeleder: Anna · Deltagere: Anna, Bo, Carla" in text_of(root)
    assert "0 af 3 har forberedt" in text_of(root)
    for member in ("anna", "bo", "carla"):
        dm = text_of(private_to(planned, member))
        assert "Forberedelse til læringsdialog 1" in dm
        assert "En positiv tendens" in dm and "En mulighed for forbedring" in dm
        assert "resultatet af målingen af Recovery-forløb (runde 1)" in dm
        assert "Hvad undrer jeg mig mest over i data?" not in dm  # behind a button
    assert not private_to(planned, "dorte")
    mid = meeting_id(bot)
    # The data basis and the booklet's support questions, privately, to whoever asks.
    basis = await bot.press("Bo", "mt-basis", mid)
    assert isinstance(basis[-1].target, ToActorOnly)
    assert "1. Teori og viden ★" in text_of(basis)  # focus marked
    support = await bot.press("Bo", "mt-help", mid, 0)
    assert isinstance(support[-1].target, ToActorOnly)
    assert "Hvad undrer jeg mig mest over i data?" in text_of(support)
    assert "Som mødeleder" not in text_of(support)
    facilitator = text_of(await bot.press("Anna", "mt-help", mid, 0))
    assert "Som mødeleder har du i forberedelsesfasen ansvar" in facilitator

    await bot.press(
        "Bo",
        "mtf-prep",
        mid,
        values={"positive": PREP["Bo"][0], "improvement": PREP["Bo"][1], "question": ""},
    )
    who = texts(await bot.say("Anna", "møde"))
    assert "Anna –" in who and "Bo ✓" in who and "Carla –" in who
    assert PREP["Bo"][0] not in who  # the facilitator sees who, never what
    assert "Bo ✓" not in texts(await bot.say("Carla", "møde status"))
    await prepare_all(bot, mid)

    assert "kun mødelederen (Anna)" in texts(await bot.say("Bo", "møde start"))
    started = await bot.say("Anna", "møde start")
    thread = text_of(in_thread(started))
    assert "Trin 1 af 4: Siden sidst" in thread
    assert "Der er ingen aftaler fra tidligere møder" in thread
    support = text_of(await bot.click("Carla", bot.button(f"lp:mt-help:{mid}:1")))
    assert "Hvad blev der aftalt sidst?" in support
    assert "Hvad har vi lært af disse eksperimenter?" in support
    assert all(r.thread == in_thread(started)[0].thread for r in in_thread(started))

    explore = text_of(in_thread(await bot.say("Anna", "møde næste")))
    assert "Trin 2 af 4: Udforsk" in explore
    support = text_of(await bot.say("Dorte", "møde støttespørgsmål"))
    assert "Hvad fortæller data os?" in support
    assert "Holde sig i baggrunden og give plads til deltagernes observationer." in support
    for positive, improvement, _q in PREP.values():
        assert positive in explore and improvement in explore  # revealed at the start
    assert PREP["Carla"][2] in explore

    await bot.say("Dorte", "møde observation Vi mangler data fra pårørende")
    ids = observation_ids(bot)
    assert "Vi mangler data fra pårørende" in ids
    first, second = ids[PREP["Bo"][1]], ids[PREP["Carla"][1]]
    vote = bot.button(f"lp:mt-vote:{mid}:0")
    voted = texts(await bot.click("Bo", vote, {"selected": f"{first},{second}"}))
    assert "Dine temavalg er gemt" in voted
    three = ",".join(map(str, list(ids.values())[:3]))
    refused = texts(await bot.click("Carla", vote, {"selected": three}))
    assert "højst vælge 2 temaer" in refused
    await bot.click("Carla", vote, {"selected": str(first)})
    assert "Vælg temaerne først" in texts(await bot.say("Anna", "møde næste"))
    picker = await bot.press("Anna", "mt-themes", mid)
    assert isinstance(picker[-1].target, ToActorOnly)
    chosen = texts(
        await bot.say(
            "Anna",
            f"møde temaer {list(ids.values()).index(first) + 1},"
            f"{list(ids.values()).index(second) + 1}",
        )
    )
    assert "Temaerne er valgt" in chosen

    interpret = text_of(in_thread(await bot.say("Anna", "møde næste")))
    assert "Trin 3 af 4: Fortolk" in interpret
    support = text_of(await bot.click("Bo", bot.button(f"lp:mt-help:{mid}:3")))
    # About an assessment: the whole practice and its core elements (hæfte 7, afsnit 4).
    assert "Er det de rigtige kerneelementer, vi har fastlagt for indsatsen?" in support
    assert "Dagsordenen bliver holdt." in support
    assert f"Tema 1: {PREP['Bo'][1]}" in interpret and f"Tema 2: {PREP['Carla'][1]}" in interpret
    tids = theme_ids(bot, mid)
    updated = await bot.press(
        "Bo", "mtf-int", mid, tids[0], values={"text": "Vi har ingen fast rytme for opfølgning"}
    )
    assert any(r.kind == "update" and "Vi har ingen fast rytme" in texts([r]) for r in updated)
    await bot.say("Carla", "møde forklaring 2 Introduktionen af nye kolleger er kort")

    act = text_of(in_thread(await bot.say("Anna", "møde næste")))
    assert "Trin 4 af 4: Forbered handling" in act and "Aftalepapir" in act
    assert "Hvem følger op på tiltagene?" in text_of(await bot.say("Bo", "møde støttespørgsmål 4"))
    await write_paper(bot, mid)
    paper = [
        r
        for r in bot.channel.records
        if r.kind == "update" and r.message and r.message.fallback == "Aftalepapir"
    ]
    assert "Indføre fast månedlig opfølgning på mål" in texts(paper[-1:])

    finished = await bot.say("Anna", "møde næste")
    summary = texts(finished)
    assert "Referat af læringsdialog 1" in summary
    assert PREP["Bo"][1] in summary and "Vi har ingen fast rytme for opfølgning" in summary
    assert "Alle beboere har en opfølgningssamtale om deres mål" in summary
    assert "Mål om 6 måneder (langt sigt)" in summary
    assert (
        "1. Indføre fast månedlig opfølgning på mål – Ansvarlig: Bo · Opfølgning: Anna · "
        "Frist: 01.04.2026"
    ) in summary
    assert "Frist: 15.04.2026" in summary
    assert "Næste læringsdialog" in summary and "02.04.2026 kl. 13:00" in summary
    assert "Resultat: Recovery-forløb" in summary  # the score summary follows
    assert "Afsluttet" in summary  # the root message updated

    listed = texts(await bot.say("Bo", "aftaler mine"))
    assert "Aftale 1: Indføre fast månedlig opfølgning på mål" in listed
    assert "Aftale 2" not in listed
    assert "Aftale 2" in texts(await bot.say("Bo", "aftaler"))


async def test_next_meeting_follows_up_on_agreements_with_updated_status(bot: BotHarness) -> None:
    await closed_assessment(bot)
    mid = await run_meeting_to_paper(bot)
    await write_paper(bot, mid)
    await bot.say("Anna", "møde næste")

    await bot.say("Bo", "aftaler mine")
    done = bot.button("lp:ag-st:")  # newest list: Bo's agreement 1
    aid = int(actions.decode(done).args[0])
    changed = texts(await bot.press("Bo", "ag-st", aid, "done"))
    assert "Aftale 1 har nu status: Gennemført" in changed
    same = texts(await bot.press("Bo", "ag-st", aid, "done"))
    assert "har allerede status Gennemført" in same
    assert "Aftale 2 har nu status: I gang" in texts(
        await bot.say("Carla", "aftale 2 i gang: vi har lavet en første udgave")
    )

    opened = await bot.press("Anna", "mt-plan")
    form = next(r.form for r in opened if r.form)
    assert form is not None
    assert {f.name: f.initial for f in form.fields}["when"] == "02.04.2026 13:00"
    mid2 = await plan(bot, when="02.04.2026 13:00", focus="")
    assert mid2 != mid
    since = text_of(in_thread(await bot.say("Anna", "møde start")))
    assert "Aftale 1: Indføre fast månedlig opfølgning på mål" in since
    assert "Status: Gennemført" in since
    assert "Aftale 2: Lave en introduktion til metoden for nye kolleger" in since
    assert "Status: I gang" in since and "Læring: vi har lavet en første udgave" in since

    # A status set from the Siden sidst message updates that message in place.
    b = bot.button("lp:ag-note:")
    note_aid = int(actions.decode(b).args[0])
    noted = await bot.press(
        "Carla", "agf-note", note_aid, values={"status": "done", "note": "Introduktionen virker"}
    )
    updates = [r for r in noted if r.kind == "update"]
    assert updates and "Introduktionen virker" in texts(updates)
    assert "Status: Gennemført" in texts(updates)


async def test_restart_in_the_middle_of_a_meeting_loses_nothing(bot: BotHarness) -> None:
    await closed_assessment(bot)
    mid = await plan(bot)
    await prepare_all(bot, mid)
    await bot.restart()
    await bot.say("Anna", "møde start")
    await bot.say("Anna", "møde næste")
    ids = observation_ids(bot)
    first = ids[PREP["Anna"][1]]
    await bot.restart()  # a new process: only the database remembers
    voted = await bot.press("Bo", "mt-vote", mid, 0, values={"selected": str(first)})
    assert [
        r.kind for r in voted if r.message and r.message.fallback.startswith("Observationer")
    ] == ["update"]  # the message's reference came from the database
    await bot.restart()
    await bot.say("Anna", f"møde temaer {list(ids.values()).index(first) + 1}")
    await bot.say("Anna", "møde næste")
    tid = theme_ids(bot, mid)[0]
    await bot.restart()
    await bot.press("Carla", "mtf-int", mid, tid, values={"text": "Det kræver tid"})
    await bot.say("Anna", "møde næste")
    await bot.restart()
    await write_paper(bot, mid)
    await bot.restart()
    summary = texts(await bot.say("Anna", "møde næste"))
    assert PREP["Anna"][1] in summary and "Det kræver tid" in summary
    assert "Indføre fast månedlig opfølgning på mål" in summary
    assert "Alle beboere har en opfølgningssamtale om deres mål" in summary
    # the stored summary is the same after yet another restart
    await bot.restart()
    again = texts(await bot.say("Bo", "møde referat"))
    assert "Referat af læringsdialog 1" in again and "Det kræver tid" in again


async def test_a_member_marks_at_most_the_meetings_number_of_themes(bot: BotHarness) -> None:
    """Dot voting (dialogs/votes.py): marks beyond the limit (2 by default) are refused with
    the reason; a choice within it is taken."""
    await closed_assessment(bot)
    mid = await meeting_under_way(bot)
    first, second, third = list(observation_ids(bot).values())[:3]
    await bot.press("Bo", "mt-vote", mid, 0, values={"selected": f"{first},{second}"})
    refused = await bot.press(
        "Bo", "mt-vote", mid, 0, values={"selected": f"{first},{second},{third}"}
    )
    assert "Du kan højst vælge 2 temaer – du har valgt 3. Intet er ændret." in texts(refused)
    again = await bot.press("Bo", "mt-vote", mid, 0, values={"selected": str(third)})
    assert "Du kan højst vælge" not in texts(again)
