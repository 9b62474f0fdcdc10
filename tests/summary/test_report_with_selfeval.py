"""The Word report includes the organisational self-evaluation when the channel has one."""

from __future__ import annotations

import docx

from bot.testing import BotHarness
from dialogs.messages import File


async def test_word_report_carries_the_self_evaluation_section(bot: BotHarness) -> None:
    await bot.start_assessment()
    await bot.say("Anna", "svar 1.1 ja")
    await bot.start_selfeval("Bostedet")
    await bot.say("Bo", "selvevaluering refleksion L1 Lederen taler ofte om kvalitet.")
    await bot.say("Anna", "selvevaluering vurdering ledelse 4")

    records = await bot.say("Anna", "eksport word")
    files = [b for r in records if r.message for b in r.message.blocks if isinstance(b, File)]
    assert len(files) == 1
    doc = docx.Document(files[0].path)
    body = "\n".join(p.text for p in doc.paragraphs)
    assert any(r.cells[0].text == "1.1" for t in doc.tables for r in t.rows)  # the assessment
    assert "Lederen taler ofte om kvalitet." in body
    assert "4/5" in body and "teamets egen vurdering" in body


async def test_word_report_without_self_evaluation_has_no_such_section(bot: BotHarness) -> None:
    await bot.say("Anna", "start Recovery-forløb")
    records = await bot.say("Anna", "eksport word")
    files = [b for r in records if r.message for b in r.message.blocks if isinstance(b, File)]
    body = "\n".join(p.text for p in docx.Document(files[0].path).paragraphs)
    assert "teamets egen vurdering" not in body
