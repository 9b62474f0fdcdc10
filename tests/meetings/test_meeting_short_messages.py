"""Short meeting messages (issue 17): the preparation request and each step's message say what
to do now, with the booklet's support questions behind "Vis støttespørgsmål" (shown privately,
word for word from content.json); buttons that have done their work are gone — the preparation
request's once the dialogue starts, *Siden sidst*'s status buttons once that step closes."""

from __future__ import annotations

from meeting_helpers import (
    closed_assessment,
    in_thread,
    meeting_id,
    plan,
    prepare_all,
    private_to,
    text_of,
)
from test_meeting_flow import run_meeting_to_paper, write_paper

from bot.testing import BotHarness, button_actions, meeting_plan
from dialogs import actions
from dialogs.meetings import content
from dialogs.messages import ToActorOnly
from dialogs.turn import Surface

SHORT = 600  # characters: a step's message is a few lines, not the booklet's pages


async def test_steps_are_short_and_their_support_questions_a_click_away(bot: BotHarness) -> None:
    await closed_assessment(bot)
    mid = await plan(bot)
    await prepare_all(bot, mid)
    steps = [await bot.say("Anna", "møde start")]
    steps += [await bot.say("Anna", "møde næste")]
    for number in (1, 2):
        header = next(
            r for r in in_thread(steps[number - 1]) if r.message and "af 4" in r.message.fallback
        )
        shown = text_of([header])
        assert len(shown) < SHORT, shown
        questions = content.step_questions(number, "da", practice=True)
        assert not any(q in shown for q in questions)
        assert f"lp:mt-help:{mid}:{number}" in button_actions([header])
        support = await bot.press("Carla", "mt-help", mid, number)
        assert [type(r.target) for r in support] == [ToActorOnly]
        for question in questions:  # verbatim, every one
            assert question in text_of(support)
        assert content.step_intro(number, "da", practice=True)[:80] in text_of(support)


async def test_the_preparation_request_is_short_and_updated_not_left_with_buttons(
    bot: BotHarness,
) -> None:
    await closed_assessment(bot)
    planned = await bot.press("Anna", "mtf-plan", values=meeting_plan(focus=""))
    mid = meeting_id(bot)
    dm = private_to(planned, "bo")
    assert len(dm) == 1 and len(text_of(dm)) < SHORT
    assert button_actions(dm) == [
        actions.encode("mt-prep", mid),
        actions.encode("mt-basis", mid),
        actions.encode("mt-help", mid, 0),
    ]
    support = text_of(await bot.press("Bo", "mt-help", mid, 0))
    for question in content.text("preparation.review_questions", "da"):
        assert question in support

    # Bo writes his points: his request says so (and offers to edit them), in place.
    done = await bot.press(
        "Bo",
        "mtf-prep",
        mid,
        values={"positive": "Flere egne mål", "improvement": "Opfølgning", "question": ""},
    )
    mine = [r for r in done if r.kind == "update" and r.ref == dm[0].ref]
    assert mine and "Du har skrevet dine tre pointer" in text_of(mine)
    assert "Ret mine tre pointer" in text_of(mine)

    # The dialogue starts: every request loses its buttons (the preparation is over).
    started = await bot.say("Anna", "møde start")
    updated = [r for r in started if r.kind == "update" and "Forberedelse til" in text_of([r])]
    assert len(updated) == 3
    assert not button_actions(updated)
    assert "forberedelsen er slut" in text_of(updated)


async def test_siden_sidst_loses_its_status_buttons_when_the_step_closes(bot: BotHarness) -> None:
    await closed_assessment(bot)
    mid = await run_meeting_to_paper(bot)
    await write_paper(bot, mid)
    await bot.say("Anna", "møde næste")  # meeting 1 ends with two agreements
    mid2 = await plan(bot, when="02.04.2026 13:00", focus="")
    await prepare_all(bot, mid2)
    since = in_thread(await bot.say("Anna", "møde start"))
    assert any(a.startswith("lp:ag-st:") for a in button_actions(since))
    refs = {r.ref for r in since if r.message and r.message.fallback.startswith("Aftale")}
    assert len(refs) == 2

    closed = await bot.say("Anna", "møde næste")
    again = [r for r in closed if r.kind == "update" and r.ref in refs]
    assert len(again) == 2
    assert not button_actions(again)
    assert "Aftale 1: Indføre fast månedlig opfølgning på mål" in text_of(again)
    # a status set later (from the list) updates them, still without buttons
    aid = int(actions.decode(next(a for a in button_actions(since) if "ag-st" in a)).args[0])
    later = await bot.press("Anna", "ag-st", aid, "done")
    shown = [r for r in later if r.kind == "update" and r.ref in refs]
    assert shown and not button_actions(shown) and "Gennemført" in text_of(shown)


async def test_meeting_texts_name_commands_as_they_are_typed_there(bot: BotHarness) -> None:
    """A Slack channel types `/lovende møde planlæg`, a Teams channel `@Lovende praksis …`, the
    console and private chats the words alone; and a private reply does not say "i kanalen"."""

    async def say(surface: Surface, text: str) -> str:
        return text_of(await bot.place(surface=surface).say("Anna", text))

    slack = await say(Surface(prefix="/lovende "), "møde start")
    assert "Planlæg et med `/lovende møde planlæg`." in slack
    teams = await say(Surface(prefix="@Lovende praksis "), "møde start")
    assert "Planlæg et med `@Lovende praksis møde planlæg`." in teams
    private = await say(Surface(threads=False, private=True), "aftaler")
    assert "Skriv `aftaler alle` for at se de afsluttede." in private
    assert "i kanalen" not in private
