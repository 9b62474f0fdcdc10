"""Seed 001's advice on how to work with the tool ("Sådan kan I arbejde med Lovende praksis",
"Organisering af arbejdet"), briefly where a team meets it: one line in the start message (who
takes part, and the help topic with the rest) and the whole advice in `hjælp råd`; the element
cards: tests/unit/test_method_bot.py and, without threads, tests/teams/test_teams_method_advice.
The advice is our own short wording; the template's sentences behind it are checked against the
seeds."""

from __future__ import annotations

import pytest
from seedtext import in_seeds

from bot.testing import BotHarness, texts
from dialogs.i18n import t
from dialogs.messages import Text

# The template's own sentences behind each piece of advice (seed 001).
SOURCES = {
    "advice.group": "fx både ledelse og medarbejdere, forskellige faggrupper mv.",
    "advice.brainstorm": "starte med en brainstorm/refleksion om jeres praksis i forhold til "
    "elementet",
    "advice.comments": "Tænk eventuelt en ny kollega ind som målgruppe for jeres tekst i "
    "kommentarfeltet.",
    "advice.own_description": "om I rent faktisk efterlever jeres egen beskrivelse af praksis",
}


@pytest.mark.parametrize("key", sorted(SOURCES))
def test_each_advice_stands_for_a_sentence_of_the_template(key: str) -> None:
    if not in_seeds(SOURCES[key]):
        pytest.fail(f"not in the seeds: {SOURCES[key]!r}")
    assert t("da", key) and t("en", key)


async def test_the_start_message_gives_the_advice_in_one_line(bot: BotHarness) -> None:
    records = await bot.say("Anna", "start Recovery-forløb")
    intro = next(r for r in records if r.message and r.message.fallback.startswith("Måling"))
    assert intro.message is not None
    lines = [b.text for b in intro.message.blocks if isinstance(b, Text)]
    advice = [line for line in lines if t("da", "advice.group") in line]
    assert advice == [
        "*Råd:* Arbejd gerne i en gruppe med både ledelse og medarbejdere fra flere faggrupper. "
        "Flere råd fra skabelonen: `hjælp råd`."
    ]
    assert len(lines) == 5  # still short: title, what a practice is, scope, pace, the advice

    # The line names the help topic, which has all four pieces of advice.
    topic = texts(await bot.say("Bo", "hjælp råd"))
    for key in SOURCES:
        assert t("da", key) in topic, key


async def test_english_start_message_names_the_english_help(bot: BotHarness) -> None:
    await bot.say("Anna", "start Recovery")
    await bot.say("Anna", "settings language en")
    await bot.say("Anna", "luk")
    await bot.say("Anna", "luk")  # confirmed: closed, so a new round can start in English
    intro = texts(await bot.say("Anna", "start Recovery"))
    assert (
        "Advice: If you can, work in a group with both management and staff from several "
        "professions. More advice from the template: `help advice`." in intro
    )
    assert t("en", "advice.own_description") in texts(await bot.say("Anna", "help advice"))
