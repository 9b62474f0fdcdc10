"""Answering and pace through the whole bot (issue 17): the pace with a command and a default
(nothing locks when nobody chooses), a flat chat never flooded, the delimitation asked for until
it is given, lenient and bulk typed answers, `svar` alone, one question at a time (`næste
spørgsmål`), 2.3 only after 2.2 c, and each person's own answer shown to them."""

from __future__ import annotations

from sqlalchemy import select

from bot.console.channel import Record
from bot.testing import BotHarness, texts
from dialogs import actions
from dialogs.events import Command, Interaction
from dialogs.messages import Buttons, MultiSelect, OwnAnswer, ToActorOnly
from dialogs.turn import Surface
from storage.models import MemberAnswer

GROUP_CHAT = Surface(prefix="@Lovende praksis ", threads=False)  # a Teams group chat
ONE_TO_ONE = Surface(prefix="", threads=False, private=True)  # a Teams 1:1 chat, a Slack DM


async def act(
    bot: BotHarness, user: str, event: Command | Interaction, surface: Surface
) -> list[Record]:
    """`user` says or clicks something in a place that looks like `surface`."""
    return await bot.place(surface=surface).send(user, event)


async def started(bot: BotHarness, pace: str | None = None) -> int:
    await bot.say("Anna", "start Recovery-forløb")
    aid = bot.assessment_id()
    if pace:
        await bot.click("Anna", actions.encode("pace", aid, pace))
    return aid


def roots(records: list[Record]) -> list[Record]:
    """The elements' messages in the channel (their roots, or their cards)."""
    return [
        r
        for r in records
        if r.kind == "post"
        and not isinstance(r.target, ToActorOnly)
        and r.message
        and r.message.fallback.startswith("Element ")
    ]


def in_thread(records: list[Record]) -> list[Record]:
    return [r for r in records if r.kind == "post" and r.thread is not None]


def private(records: list[Record]) -> list[Record]:
    return [r for r in records if isinstance(r.target, ToActorOnly)]


def questions(records: list[Record]) -> list[str]:
    """The question numbers of the questions shown privately."""
    return [
        r.message.fallback.split()[0]
        for r in private(records)
        if r.message and r.message.fallback[:1].isdigit()
    ]


def button_actions(record: Record) -> list[str]:
    assert record.message is not None
    return [
        b.action for block in record.message.blocks if isinstance(block, Buttons)
        for b in block.buttons
    ]  # fmt: skip


# ---- the pace ----
async def test_without_a_chosen_pace_nothing_locks(bot: BotHarness) -> None:
    aid = await started(bot)  # nobody presses a pace button
    mine = await bot.say("Bo", "spørgsmål")
    assert "Du har svaret på alle" not in texts(mine)
    assert questions(mine) == ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6"]
    assert len(roots(bot.channel.records)) == 1 and len(in_thread(bot.channel.records)) == 6

    nxt = await bot.say("Anna", "næste")  # (it used to say "you chose all at once")
    assert len(roots(bot.channel.records)) == 2
    assert "Element 2 af 11 er lagt frem" in texts(nxt)

    status = await bot.say("Anna", "status")
    assert "Tempo: ét element ad gangen – 2 af 11 er lagt frem" in texts(status)
    assert f"lp:pace:{aid}:all" in [a for r in private(status) for a in button_actions(r)]

    assert "kun mødelederen" in texts(await bot.say("Bo", "tempo alle"))
    everything = await bot.say("Anna", "tempo alle")
    assert len(roots(bot.channel.records)) == 11
    # element 2 kept its thread and lost its "next element" button; nothing was posted twice
    assert len(roots(everything)) == 9
    element_2 = [r for r in everything if r.kind == "update"]
    assert element_2 and all(f"lp:next-el:{aid}" not in button_actions(r) for r in element_2)
    assert "Alle 11 elementer er lagt frem" in texts(await bot.say("Anna", "næste"))


async def test_pace_words_and_the_offer_on_tempo(bot: BotHarness) -> None:
    aid = await started(bot)
    offer = await bot.say("Bo", "tempo")
    assert "Tempo: ikke valgt endnu" in texts(offer)
    assert {f"lp:pace:{aid}:one", f"lp:pace:{aid}:all"} <= set(button_actions(private(offer)[0]))
    assert "Skriv `tempo ét`" in texts(await bot.say("Bo", "tempo hurtigt"))
    one = await bot.say("Bo", "tempo ét")  # the first choice is anyone's
    assert len(roots(one)) == 1 and "Tempo: ét element ad gangen" in texts(one)
    assert "allerede ét element ad gangen" in texts(await bot.say("Anna", "tempo 1"))
    # the element card offers the next one
    assert f"lp:next-el:{aid}" in button_actions(roots(one)[0])
    await bot.click("Anna", actions.encode("next-el", aid))
    assert len(roots(bot.channel.records)) == 2


# ---- the delimitation ----
async def test_the_delimitation_is_asked_for_until_it_is_given(bot: BotHarness) -> None:
    intro = texts(await bot.say("Anna", "start Recovery-forløb"))
    assert "Start med at afgrænse praksis" in intro and "`afgrænsning …`" in intro
    aid = bot.assessment_id()
    chosen = await bot.click("Anna", actions.encode("pace", aid, "one"))
    (card,) = roots(chosen)
    assert "Afgrænsningen mangler stadig" in texts([card])
    assert f"lp:scope:{aid}" in button_actions(card)
    status = await bot.say("Bo", "status")
    assert "Husk at afgrænse praksis" in texts(status)
    assert f"lp:scope:{aid}" in [a for r in private(status) for a in button_actions(r)]
    assert "Husk at afgrænse praksis" in texts(await bot.say("Anna", "tempo"))

    given = await bot.say("Anna", "afgrænsning Unge 18–25 i botilbuddet, ikke efterværn")
    (again,) = [r for r in given if r.kind == "update" and r.ref == card.ref]
    assert "Afgrænsningen mangler" not in texts([again])  # the card stops asking
    assert "Husk at afgrænse" not in texts(await bot.say("Bo", "status"))
    assert "Afgrænsningen mangler" not in texts(roots(await bot.say("Anna", "næste")))


async def test_saving_the_delimitation_first_brings_the_first_element(bot: BotHarness) -> None:
    await bot.say("Anna", "start Recovery-forløb")
    saved = await bot.say("Anna", "afgrænsning Unge 18–25 i botilbuddet")
    assert "Afgrænsningen er gemt" in texts(saved)
    assert len(roots(saved)) == 1 and len(in_thread(saved)) == 6


# ---- flat chats ----
async def test_a_group_chat_gets_one_card_per_element_never_a_flood(bot: BotHarness) -> None:
    intro = await act(bot, "Anna", Command("start Recovery-forløb"), GROUP_CHAT)
    assert "Her i chatten kommer hvert element som ét kort" in texts(intro)
    assert "`@Lovende praksis næste spørgsmål`" in texts(intro)
    aid = bot.assessment_id()
    everything = await act(bot, "Anna", Interaction(actions.encode("pace", aid, "all")), GROUP_CHAT)
    posts = [r for r in everything if r.kind == "post"]
    assert not in_thread(everything)
    assert len(roots(posts)) == 11 and len(posts) <= 13  # 11 cards and two private lines
    card_1 = roots(posts)[0]
    assert [a for a in button_actions(card_1) if a.startswith(f"lp:ans:{aid}:1.")][:2] == [
        f"lp:ans:{aid}:1.1:ja", f"lp:ans:{aid}:1.1:delvist"
    ]  # fmt: skip

    clicked = await act(bot, "Bo", Interaction(actions.encode("ans", aid, "1.1", "ja")), GROUP_CHAT)
    (updated,) = [r for r in clicked if r.kind == "update" and r.ref == card_1.ref]
    assert "1 har svaret." in texts([updated])
    (mine,) = [r for r in clicked if isinstance(r.target, OwnAnswer)]
    assert mine.message is not None and mine.message.fallback == "Dit svar på 1.1: Ja"
    assert mine.target == OwnAnswer((("1.1", "ja"),), (f"element:{aid}:1",))

    card_2 = roots(posts)[1]
    assert "2.3" not in texts([card_2])
    chose_c = Interaction(actions.encode("multi", aid, "2.2"), {"selected": "a,c"})
    after = await act(bot, "Anna", chose_c, GROUP_CHAT)
    assert any(r.ref == card_2.ref and "2.3" in texts([r]) for r in after if r.kind == "update")
    assert not [r for r in after if r.kind == "post" and not isinstance(r.target, ToActorOnly)]


async def test_a_one_to_one_chat_shows_the_persons_own_answer_in_the_card(
    bot: BotHarness,
) -> None:
    await act(bot, "Anna", Command("start Recovery-forløb"), ONE_TO_ONE)
    aid = bot.assessment_id()
    first = await act(bot, "Anna", Command("svar 1.1 ja"), ONE_TO_ONE)  # the default pace
    (card,) = roots(first)
    assert "Dit svar: Ja" in texts([card]) and "har svaret" not in texts([card])
    assert "Gemt: 1.1 Ja." in texts(first)

    clicked = await act(
        bot, "Anna", Interaction(actions.encode("ans", aid, "1.2", "nej")), ONE_TO_ONE
    )
    (updated,) = [r for r in clicked if r.kind == "update" and r.ref == card.ref]
    assert updated.message is not None
    styles = {
        b.action: b.style
        for block in updated.message.blocks if isinstance(block, Buttons)
        for b in block.buttons
    }  # fmt: skip
    assert styles[f"lp:ans:{aid}:1.2:nej"] == "primary"
    assert styles[f"lp:ans:{aid}:1.2:ja"] == "default"
    assert styles[f"lp:ans:{aid}:1.1:ja"] == "primary"
    # the card shows it: no extra message in the chat for a click
    assert not [r for r in clicked if r.kind == "post"]

    await act(bot, "Anna", Command("næste"), ONE_TO_ONE)
    card_2 = roots(bot.channel.records)[-1]
    ticked = Interaction(actions.encode("multi", aid, "2.2"), {"selected": "c,a"})
    again = await act(bot, "Anna", ticked, ONE_TO_ONE)
    (shown,) = [r for r in again if r.kind == "update" and r.ref == card_2.ref]
    assert shown.message is not None
    (boxes,) = [b for b in shown.message.blocks if isinstance(b, MultiSelect)]
    assert boxes.selected == ("a", "c")  # 2.2's selection is kept


# ---- typing ----
async def test_lenient_typed_answers(bot: BotHarness) -> None:
    await started(bot, "all")
    said = {
        "svar 1,2 ja": "Gemt: 1.2 Ja.",
        "svar 1.3 delvis": "Gemt: 1.3 Delvist.",
        "svar 1.4 ja.": "Gemt: 1.4 Ja.",
        "svar 1.5 ved-ikke": "Gemt: 1.5 Ved ikke.",
        "svar 1.6 ikke relevant fordi vi ikke bygger på en teori": "Gemt: 1.6 Ikke relevant.",
        "svar 1.1: n": "Gemt: 1.1 Nej.",
        "svar 1.1 j, vi bruger LØFT": "Gemt: 1.1 Ja.",
        "svar 2.2 a og c": "Gemt: 2.2 a) Ja, erfaringer fra egen praksis, c)",
        "svar 2.3 kommunale": "Gemt: 2.3 Kommunale konsulenter.",
    }
    for line, expected in said.items():
        assert expected in texts(await bot.say("Bo", line)), line
    await bot.say("Bo", "kommentar 1.6")
    form = bot.channel.records[-1].form
    assert form is not None and form.fields[0].initial == "fordi vi ikke bygger på en teori"
    await bot.say("Bo", "kommentar 1,1")
    form = bot.channel.records[-1].form
    assert form is not None and form.fields[0].initial == "vi bruger LØFT"
    assert "Hvilket spørgsmål?" in texts(await bot.say("Bo", "svar ja"))
    assert "Hvad svarer du på 1.1?" in texts(await bot.say("Bo", "svar 1.1"))


async def test_svar_alone_explains_itself(bot: BotHarness) -> None:
    await started(bot, "all")
    how = texts(await bot.say("Bo", "svar"))
    assert "Sådan svarer du" in how
    for example in ("`svar 1,1 ja`", "`svar 1: j j d n i:grund j`", "`næste spørgsmål`"):
        assert example in how


async def test_a_whole_element_in_a_row(bot: BotHarness) -> None:
    aid = await started(bot, "all")
    row = texts(await bot.say("Anna", "svar 1: j j d n i:grund j"))
    assert "Gemt: 1.1 Ja · 1.2 Ja · 1.3 Delvist · 1.4 Nej · 1.5 Ikke relevant · 1.6 Ja" in row
    await bot.say("Anna", "kommentar 1.5")
    form = bot.channel.records[-1].form
    assert form is not None and form.fields[0].initial == "grund"

    # all or nothing: a mistake saves none of the row
    assert "men du skrev 7 svar" in texts(await bot.say("Bo", "svar 1: j j j j j j j"))
    assert "“x” forstod jeg ikke som svar på 1.2" in texts(await bot.say("Bo", "svar 1: j x d"))
    assert "kræver en begrundelse" in texts(await bot.say("Bo", "svar 1: j j i"))
    assert "1.1 " in texts(private(await bot.say("Bo", "spørgsmål")))  # still unanswered

    partly = texts(await bot.say("Bo", "svar 1: j; d; n; n; i: passer ikke til os"))
    assert "Gemt: 1.1 Ja · 1.2 Delvist · 1.3 Nej · 1.4 Nej · 1.5 Ikke relevant" in partly
    assert "Mangler stadig fra dig i elementet: 1.6" in partly
    # 2.3 follows 2.2 in the row when 2.2 includes c
    with_c = texts(await bot.say("Bo", "svar 2: ja a,c universitet"))
    assert "2.2 a) Ja, erfaringer fra egen praksis" in with_c and "2.3 Universitet" in with_c
    assert "Element 12 findes ikke" in texts(await bot.say("Bo", "svar 12: j"))
    assert aid


async def test_2_3_is_refused_unless_2_2_includes_c(bot: BotHarness) -> None:
    aid = await started(bot, "all")
    refused = texts(await bot.say("Bo", "svar 2.3 universitet"))
    assert "2.3 stilles kun, når svaret på 2.2 omfatter c" in refused
    await bot.say("Bo", "svar 2.2 a")
    assert "stilles kun" in texts(await bot.say("Bo", "svar 2.3 universitet"))
    await bot.say("Anna", "svar 2.2 c")  # the card for 2.3 appears (Anna chose c) …
    click = await bot.click("Bo", actions.encode("ans", aid, "2.3", "universitet"))
    assert "stilles kun" in texts(click)  # … but Bo's own 2.2 does not include c
    await bot.say("Bo", "svar 2.2 a,c")
    assert "Gemt: 2.3 Universitet" in texts(await bot.say("Bo", "svar 2.3 universitet"))


# ---- one question at a time ----
async def test_guided_mode_asks_one_question_at_a_time(bot: BotHarness) -> None:
    aid = await started(bot, "one")
    first = await bot.say("Bo", "næste spørgsmål")
    (q11,) = [r for r in private(first) if questions([r])]
    assert q11.message is not None and q11.message.fallback.startswith("1.1 ")
    assert "6 spørgsmål tilbage til dig" in texts([q11])
    assert f"lp:ans:{aid}:1.1:ja:g" in button_actions(q11)

    typed = await bot.say("Bo", "j")
    assert "Gemt: 1.1 Ja." in texts(typed)
    assert questions(typed) == ["1.2"]
    clicked = await bot.click("Bo", actions.encode("ans", aid, "1.2", "delvist", "g"))
    assert "Dit svar på 1.2: Delvist" in texts(clicked)
    assert questions(clicked) == ["1.3"]

    skipped = await bot.say("Bo", "næste spørgsmål")  # skips 1.3: it comes back at the end
    assert questions(skipped) == ["1.4"]
    not_relevant = await bot.say("Bo", "ikke relevant fordi vi ikke samarbejder med andre")
    assert "Gemt: 1.4 Ikke relevant." in texts(not_relevant)
    assert "Ikke relevant" in texts(await bot.say("Bo", "i"))  # (needs a reason)
    await bot.say("Bo", "ved ikke")
    await bot.say("Bo", "n")
    back = await bot.say("Bo", "d: vi bruger kun dele af den")  # the letter with its mark
    assert "Gemt: 1.3 Delvist." in texts(back)
    async with bot.runtime.sessions() as session:
        comment = await session.scalar(
            select(MemberAnswer.comment).where(MemberAnswer.question_id == "1.3")
        )
    assert comment == "vi bruger kun dele af den"
    assert "Du har svaret på alle" in texts(back)
    assert "Næste element kommer, når mødelederen skriver `næste`" in texts(back)

    await bot.say("Anna", "næste")
    await bot.say("Bo", "næste spørgsmål")
    assert "Så stopper jeg" in texts(await bot.say("Bo", "stop"))
    assert "Skriv `næste spørgsmål`" in texts(await bot.say("Bo", "j"))  # not at it any more


async def test_the_persons_own_answer_is_confirmed_privately_after_a_click(
    bot: BotHarness,
) -> None:
    aid = await started(bot, "all")
    clicked = await bot.click("Bo", actions.encode("ans", aid, "1.1", "ja"))
    (mine,) = [r for r in clicked if isinstance(r.target, OwnAnswer)]
    assert mine.message is not None and mine.message.fallback == "Dit svar på 1.1: Ja"
    assert mine.target == OwnAnswer((("1.1", "ja"),), (f"q:{aid}:1.1",))
    # it follows the card's update, so a port may act on the card just shown
    assert clicked.index(mine) > max(
        i for i, r in enumerate(clicked) if r.kind == "update" and "1.1" in texts([r])
    )
    ticked = await bot.click("Bo", actions.encode("multi", aid, "2.2"), {"selected": "c,a"})
    (chosen,) = [r for r in ticked if isinstance(r.target, OwnAnswer)]
    assert chosen.message is not None
    assert chosen.message.fallback.startswith("Dit svar på 2.2: a) Ja, erfaringer fra egen praksis")
    (boxes,) = [b for b in chosen.message.blocks if isinstance(b, MultiSelect)]
    assert boxes.selected == ("a", "c")  # the check boxes Bo sees again show his choice
