"""A closed round looks closed (issue 17, the Agents Playground walkthrough): closing draws the
element cards and the progress in their closed state — no answer buttons, a line that the round
is closed, the team answer on a flat chat's card — and the gaps just confirmed without their
buttons; `genåbn` brings the open state back. In a threaded channel the questions in the
threads are not redrawn (rate limits): a click there is refused with a clear message."""

from __future__ import annotations

from bot.console.channel import Record
from bot.testing import BotHarness, texts
from dialogs.messages import Buttons, Message, MultiSelect
from dialogs.turn import Surface

GROUP_CHAT = Surface(prefix="@Lovende praksis ", threads=False, private=False)
ANSWERING = ("lp:ans:", "lp:multi:", "lp:next-el:", "lp:scope:", "lp:notes:")


def actions_in(message: Message) -> list[str]:
    found = [
        b.action for block in message.blocks if isinstance(block, Buttons) for b in block.buttons
    ]
    return found + [b.action for b in message.blocks if isinstance(b, MultiSelect)]


def updates(records: list[Record], prefix: str) -> list[Message]:
    return [
        r.message
        for r in records
        if r.kind == "update" and r.message and r.message.fallback.startswith(prefix)
    ]


async def test_closing_draws_the_element_roots_progress_and_gaps_closed(bot: BotHarness) -> None:
    aid = await bot.start_assessment(pace="one")
    await bot.say("Anna", "svar 1.1 ja")
    await bot.say("Bo", "svar 1.1 ja")
    await bot.say("Anna", "luk")
    gaps_action = bot.button("lp:close-ok:")
    assert gaps_action.count(":") == 3  # the round and the gaps message's stamp

    closing = await bot.click("Anna", gaps_action)
    (root,) = updates(closing, "Element 1:")
    shown = texts([Record("update", closing[0].conv, "", root)])
    assert "Målingen er lukket" in shown and "`genåbn`" in shown
    assert "indtil målingen lukkes" not in shown and "Afgrænsningen mangler" not in shown
    assert not [a for a in actions_in(root) if a.startswith(ANSWERING)]
    (progress,) = updates(closing, "Recovery-forløb – runde 1 (lukket)")
    assert not actions_in(progress)
    (gaps,) = updates(closing, "Før målingen af Recovery-forløb lukkes")
    assert not actions_in(gaps)  # no "Luk målingen" / "Fortsæt målingen" after closing
    # In the past tense: the gaps card is not drawn again on `genåbn`, and stays true after it.
    assert "Målingen blev lukket, og resultatet blev vist i kanalen" in texts(
        [Record("update", closing[0].conv, "", gaps)]
    )
    # A question in a thread is not redrawn; its old button says why nothing changes.
    late = await bot.press("Bo", "ans", aid, "1.2", "ja")
    assert "Målingen er lukket, så svar kan ikke længere ændres" in texts(late)

    reopened = await bot.say("Anna", "genåbn")
    (again,) = updates(reopened, "Element 1:")
    assert any(a.startswith("lp:next-el:") for a in actions_in(again))
    assert "Målingen er lukket" not in texts([Record("update", reopened[0].conv, "", again)])


async def test_a_flat_chats_cards_show_the_team_answer_once_closed(bot: BotHarness) -> None:
    chat = bot.place(channel="groupchat", surface=GROUP_CHAT)
    await chat.say("Anna", "start Recovery-forløb")
    await chat.say("Anna", "tempo ét")
    await chat.say("Anna", "svar 1.1 ja")
    await chat.say("Bo", "svar 1.1 ja")
    await chat.say("Anna", "svar 1.2 delvist")
    await chat.say("Anna", "luk")
    closing = await chat.say("Anna", "luk")  # typed again: confirmed

    (card,) = updates(closing, "Element 1:")
    assert not [a for a in actions_in(card) if a.startswith(ANSWERING)]  # no "Gem valg" either
    shown = texts([Record("update", closing[0].conv, "", card)])
    assert "Teamsvar: Ja" in shown and "1 svar: Delvist" in shown and "Ikke besvaret" in shown
    assert "Målingen er lukket" in shown and "Du kan ændre det" not in shown
    (gaps,) = updates(closing, "Før målingen af Recovery-forløb lukkes")
    assert not actions_in(gaps)
    assert "resultatet blev vist i chatten" in texts([Record("update", closing[0].conv, "", gaps)])


async def test_the_close_confirmation_names_the_place_it_is_shown(bot: BotHarness) -> None:
    """ "resultatet bliver vist i kanalen" only in a channel: "i chatten" in a group chat,
    "her" in a 1:1 chat."""
    chat = bot.place(channel="groupchat", surface=GROUP_CHAT)
    await chat.say("Anna", "start Recovery-forløb")
    asked = texts(await chat.say("Anna", "luk"))
    assert "resultatet bliver vist i chatten" in asked and "i kanalen" not in asked

    private = Surface(prefix="", threads=False, private=True)
    solo = bot.place(channel="anna-dm", surface=private)
    await solo.say("Anna", "start Recovery-forløb")
    asked = texts(await solo.say("Anna", "luk"))
    assert "resultatet bliver vist her" in asked and "i kanalen" not in asked

    await bot.start_assessment()
    asked = texts(await bot.say("Anna", "luk"))
    assert "resultatet bliver vist i kanalen" in asked
