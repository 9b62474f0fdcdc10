"""The whole bot through the fake channel: assessment, disagreement, permissions, restart."""

from __future__ import annotations

from bot.testing import ELEMENT_1, BotHarness, texts


async def start(bot: BotHarness) -> int:
    return await bot.start_assessment()


async def test_start_posts_intro_progress_and_all_elements_in_threads(bot: BotHarness) -> None:
    records = await bot.say("Anna", "start Recovery-forløb")
    text = texts(records)
    assert "Måling af praksis: Recovery-forløb (runde 1)" in text
    assert "Hvad er en praksis?" in text
    aid = await start_after_intro(bot)
    posts = bot.channel.posts()
    questions = [r for r in posts if r.thread is not None]
    assert len(questions) == 59  # 2.3 waits until someone chooses 2.2 c
    roots = [r for r in posts if r.message and r.message.fallback.startswith("Element ")]
    assert len(roots) == 11
    assert {q.thread for q in questions} == {r.ref for r in roots}
    assert aid == 1


async def start_after_intro(bot: BotHarness) -> int:
    aid = bot.assessment_id()
    await bot.press("Anna", "pace", aid, "all")
    return aid


async def test_full_assessment_with_disagreement_resolved_by_facilitator(bot: BotHarness) -> None:
    aid = await start(bot)
    for person in ("Anna", "Bo", "Carla"):
        for i, answer in enumerate(ELEMENT_1, 1):
            if person == "Bo" and i == 3:
                answer = "ja"
            await bot.say(person, f"svar 1.{i} {answer}")
    status = texts(await bot.say("Carla", "uenighed"))
    assert "1.3" in status and "Bo: Ja" in status and "Anna: Delvist" in status
    assert "Fastsæt teamsvar" not in status  # Carla is not the facilitator

    refused = texts(await bot.say("Bo", "teamsvar 1.3 ja: fordi"))
    assert "kun mødelederen" in refused
    await bot.press("Anna", "dec", aid, "1.3")
    assert bot.channel.records[-1].kind == "form"
    await bot.press(
        "Anna",
        "f-dec",
        aid,
        "1.3",
        values={"value": "delvist", "justification": "Vi bruger det kun delvist."},
    )
    summary = texts(await bot.say("Anna", "resultat"))
    assert "1. Teori og viden" in summary and "0,50" in summary

    await bot.say("Anna", "luk")  # the gaps first
    closing = texts(await bot.say("Anna", "luk"))
    assert "har lukket målingen" in closing
    assert "Resultat: Recovery-forløb" in closing
    late = texts(await bot.say("Bo", "svar 1.1 nej"))
    assert "Målingen er lukket" in late


async def test_only_facilitator_closes_and_disagreement_needs_confirmation(bot: BotHarness) -> None:
    await start(bot)
    await bot.say("Anna", "svar 1.1 ja")
    await bot.say("Bo", "svar 1.1 nej")
    assert "kun mødelederen" in texts(await bot.say("Bo", "luk"))
    first = texts(await bot.say("Anna", "luk"))
    assert "Uenigheder: 1 uenighed (1.1)" in first
    assert "har lukket" in texts(await bot.say("Anna", "luk"))


async def test_answers_survive_a_restart(bot: BotHarness) -> None:
    await start(bot)
    await bot.say("Anna", "svar 1.1 ja: vi bruger LØFT")
    await bot.restart()
    await bot.say("Bo", "svar 1.1 ja")
    progress = texts(await bot.say("Bo", "status"))
    assert "Enige (2 eller flere)   1" in progress and "1/59" in progress
    # the keyed progress message is updated in place, also after the restart
    assert any(r.kind == "update" for r in bot.channel.records)


async def test_a_redelivered_event_has_no_second_effect(bot: BotHarness) -> None:
    await bot.say("Anna", "start Recovery", event_id="Ev1")
    again = await bot.say("Anna", "start Recovery", event_id="Ev1")
    assert again == []
    assert "allerede en måling" not in bot.lines[-1]


async def test_bad_input_is_refused_and_changes_nothing(bot: BotHarness) -> None:
    aid = await start(bot)
    assert "findes ikke" in texts(await bot.say("Anna", "svar 12.1 ja"))
    assert "forstod jeg ikke" in texts(await bot.say("Anna", "svar 1.1 måske"))
    assert "kræver en begrundelse" in texts(await bot.say("Anna", "svar 1.1 ikke relevant"))
    cpr = texts(await bot.say("Anna", "svar 1.1 ja: borger 010203-1234 siger"))
    assert "CPR-nummer" in cpr
    long = texts(await bot.say("Anna", "kommentar 1.1 " + "x" * 1600))
    assert "for lang" in long
    other = texts(await bot.press("Anna", "ans", aid + 99, "1.1", "ja"))
    assert "anden måling" in other
    forged = texts(await bot.click("Anna", "lp:ans:1:1.1:maybe"))
    assert "Intet er ændret" in forged
    progress = texts(await bot.say("Anna", "status"))
    assert " 0/59" in progress


async def test_not_relevant_click_asks_for_a_reason_and_keeps_the_draft(bot: BotHarness) -> None:
    aid = await start(bot)
    await bot.press("Bo", "ans", aid, "1.4", "ikke_relevant")
    form = bot.channel.records[-1]
    assert form.kind == "form" and form.form is not None
    too_long = "x" * 1501
    await bot.click("Bo", form.form.action, {"comment": too_long})
    rejected = bot.channel.records[-1]
    assert rejected.kind == "form_error" and rejected.form is not None
    assert rejected.form.fields[0].initial == too_long  # the draft is kept
    await bot.click("Bo", form.form.action, {"comment": "Vi samarbejder ikke med andre tilbud."})
    assert "1 har svaret" in texts(bot.channel.records[-3:])


async def test_multi_select_and_conditional_question(bot: BotHarness) -> None:
    aid = await start(bot)
    bad = texts(await bot.press("Anna", "multi", aid, "2.2", values={"selected": "a,f"}))
    assert "kun alene" in bad
    records = await bot.press("Anna", "multi", aid, "2.2", values={"selected": "c,a"})
    assert any(
        r.kind == "post" and r.message and r.message.fallback.startswith("2.3") for r in records
    )
    await bot.say("Anna", "svar 2.1 ja")
    await bot.say("Anna", "svar 2.3 universitet")
    assert "2. Virkning                     0,88" in texts(await bot.say("Anna", "resultat"))


async def test_reassessment_shows_last_round_beside_each_question(bot: BotHarness) -> None:
    await start(bot)
    await bot.say("Anna", "svar 1.1 ja: vi bruger LØFT")
    await bot.say("Anna", "luk")
    await bot.say("Anna", "luk")
    await bot.say("Anna", "start Recovery-forløb")
    await start_after_intro(bot)
    q11 = next(
        r
        for r in reversed(bot.channel.posts())
        if r.message and r.message.fallback.startswith("1.1 ")
    )
    assert "Sidste runde: Ja – “vi bruger LØFT”" in texts([q11])
    assert "runde 2" in texts(await bot.say("Anna", "status"))


async def test_elements_one_at_a_time(bot: BotHarness) -> None:
    await bot.start_assessment("Recovery", pace="one")
    assert len([r for r in bot.channel.posts() if r.thread]) == 6
    assert "kun mødelederen" in texts(await bot.say("Bo", "næste"))
    await bot.say("Anna", "næste")
    assert len([r for r in bot.channel.posts() if r.thread]) == 6 + 2  # 2.3 not yet asked


async def test_unknown_command_gets_one_line_and_help_in_english_alias_too(
    bot: BotHarness,
) -> None:
    text = texts(await bot.say("Anna", "hvad nu"))
    assert text == "Den kender jeg ikke: “hvad nu”. Skriv `hjælp` for at se, hvad jeg kan."
    assert "start «praksis»" in texts(await bot.say("Anna", "help"))


async def test_a_rejected_team_answer_form_keeps_the_draft(bot: BotHarness) -> None:
    aid = await start(bot)
    draft = {"value": "delvist", "justification": "cpr 010203-1234"}
    await bot.press("Anna", "f-dec", aid, "1.1", values=draft)
    rejected = bot.channel.records[-1]
    assert rejected.kind == "form_error" and rejected.form is not None
    assert "CPR" in rejected.form.errors["justification"]
    assert [f.initial for f in rejected.form.fields] == ["delvist", "cpr 010203-1234"]
