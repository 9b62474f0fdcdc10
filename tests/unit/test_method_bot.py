"""The method around the questions, through the bot: an element's whole text behind "Mere om
elementet" (a button on each element card, `mere <nr>` / `more <nr>`), answered privately; the
Word template's examples where a question's hint is shown; the method's advice on the card and
in the help. Every shown text of the instrument is checked against the seeds word for word (by
test_catalogue_data's matcher; skipped without the seeds)."""

from __future__ import annotations

import pytest
from seedtext import in_seeds

from bot.console.channel import Record
from bot.testing import BotHarness, texts
from dialogs import actions
from dialogs.i18n import t
from dialogs.messages import Buttons, Text, ToActorOnly, ToChannel
from scoring.catalogue import load_catalogue

CATALOGUE = load_catalogue()


def shown(records: list[Record]) -> list[str]:
    return [b.text for r in records if r.message for b in r.message.blocks if isinstance(b, Text)]


def private(records: list[Record]) -> list[Record]:
    return [r for r in records if isinstance(r.target, ToActorOnly)]


async def start_all(bot: BotHarness) -> int:
    aid = await bot.start_assessment()
    return aid


async def test_more_command_answers_privately_with_the_whole_text(bot: BotHarness) -> None:
    records = await bot.say("Bo", "mere 1")  # no round needed: the text is the instrument's
    assert records and records == private(records)
    blocks = shown(records)
    element = CATALOGUE.element(1)
    assert blocks[0] == "Element 1: Teori og viden"
    assert blocks[1] == f"*{element.definition['da']}*"
    paragraphs = [p["da"] for p in element.text]
    assert blocks[2 : 2 + len(paragraphs)] == paragraphs
    assert any("programteori eller forandringsteori" in b for b in blocks)  # for 1.6
    assert t("da", "advice.brainstorm") in blocks
    for paragraph in paragraphs:
        if not in_seeds(paragraph):
            pytest.fail(f"not in the seeds: {paragraph!r}")


async def test_card_button_opens_the_whole_text_and_cards_stay_short(bot: BotHarness) -> None:
    aid = await start_all(bot)
    card = next(
        r
        for r in bot.channel.records
        if r.message
        and isinstance(r.target, ToChannel)
        and r.message.fallback == "Element 2: Virkning"
    )
    assert card.message is not None
    card_text = "\n".join(b.text for b in card.message.blocks if isinstance(b, Text))
    assert "virksom betyder ikke det samme som ordet effekt" not in card_text  # behind the button
    assert t("da", "advice.brainstorm") in card_text and t("da", "advice.comments") in card_text
    labels = {
        b.label: b.action for x in card.message.blocks if isinstance(x, Buttons) for b in x.buttons
    }
    assert labels["Mere om elementet"] == actions.encode("el-more", 2)
    assert labels["Samlet vurdering og udviklingspotentiale"] == actions.encode("notes", aid, 2)

    records = await bot.click("Carla", labels["Mere om elementet"])
    assert records == private(records)
    text = texts(records)
    assert "Ordet virksom betyder ikke det samme som ordet effekt" in text  # for 2.1 and 2.2
    assert "Lovende praksis er således ikke bundet op på noget absolut krav" in text


async def test_more_in_english_and_refusals(bot: BotHarness) -> None:
    text = texts(await bot.say("Anna", "more 11"))
    assert "Element 11: Opfølgning" in text
    assert "ikke ændrer centrale dele af en eksisterende virksom metode" in text
    text = texts(await bot.say("Anna", "element 4."))
    assert "Element 4: Mål" in text
    for bad in ("mere", "mere 12", "mere nul"):
        refused = await bot.say("Anna", bad)
        assert texts(refused) == "Skriv et elementnummer fra 1 til 11, fx `mere 3`.", bad
        assert refused == private(refused)
    with pytest.raises(actions.BadAction):
        actions.decode("lp:el-more:x").int_arg(0)
    assert "Intet" not in texts(await bot.press("Anna", "el-more", 3))


async def test_template_examples_are_shown_with_the_questions(bot: BotHarness) -> None:
    await start_all(bot)
    text = "\n".join(shown(bot.channel.records))
    assert "*1.1* Er praksis baseret på en eller flere navngivne teorier eller metoder?" in text
    assert "_Fx LØFT, TEACH eller Jeg-støttende-samtaler_" in text
    for qid in ("2.1", "3.1", "4.8"):
        example = CATALOGUE.question(qid).example
        assert example is not None
        assert f"_{example['da']}_" in text, qid
        assert in_seeds(example["da"]), qid
    # The questions a person has not answered carry the example too.
    mine = "\n".join(shown(await bot.say("Bo", "spørgsmål")))
    assert "_Fx LØFT, TEACH eller Jeg-støttende-samtaler_" in mine


async def test_help_carries_the_method_advice_and_the_new_command(bot: BotHarness) -> None:
    text = texts(await bot.say("Anna", "hjælp team"))
    assert "`mere 3`" in text
    text = texts(await bot.say("Anna", "hjælp råd"))
    for key in ("advice.group", "advice.brainstorm", "advice.comments", "advice.own_description"):
        assert t("da", key) in text, key
    english = texts(await bot.say("Anna", "help more"))  # a Danish channel answers in Danish
    assert "`mere 3`" in english
