"""The organisational self-evaluation shows each dimension's whole description (booklet 1,
section 2.2) on its card, through the bot: Kultur starts with its first sentence, not with a
dangling "Altså …", and lists the six culture practices; Strategi, Organisering and
Kompetencer keep their second halves. Each piece is matched against the seeds (OCR-tolerant)."""

from __future__ import annotations

from test_selfeval_catalogue import ocr_pattern, pieces, seed_corpus

from bot.console.channel import Record
from bot.testing import BotHarness
from dialogs import actions
from dialogs.messages import Text
from scoring.org_catalogue import load_org_catalogue


def card(records: list[Record], name: str) -> str:
    for r in records:
        if r.message and r.message.fallback.endswith(name):
            return "\n".join(b.text for b in r.message.blocks if isinstance(b, Text))
    raise LookupError(name)


async def test_dimension_cards_carry_the_whole_descriptions(bot: BotHarness) -> None:
    await bot.say("Anna", "selvevaluering start")
    sid = int(actions.decode(bot.button("lp:se-pace:")).args[0])
    records = await bot.press("Anna", "se-pace", sid, "all")
    kultur = card(records, "Kultur")
    assert "Vidensbaseret udviklingsarbejde forudsætter, at der er motivation" in kultur
    assert kultur.index("Vidensbaseret udviklingsarbejde forudsætter") < kultur.index("Altså")
    assert kultur.count("• At ") == 6
    assert "• At sprede viden hurtigt og effektivt i hele organisationen." in kultur
    assert "hvordan I vil gribe arbejdet an" in card(records, "Strategi")
    assert "etablere et såkaldt kvalitetsteam" in card(records, "Organisering")
    assert "prøvehandlinger" in card(records, "Kompetencer")
    corpus = seed_corpus()
    for dim in load_org_catalogue().dimensions:
        shown = card(records, dim.name["da"])
        assert dim.description["da"] in shown
        for piece in pieces(dim.description["da"]):
            assert ocr_pattern(piece).search(corpus), piece
