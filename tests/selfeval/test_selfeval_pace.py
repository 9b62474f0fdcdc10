"""The self-evaluation's pace (issue 17): it never locks when nobody presses a pace button (a
default brings the first dimension), `selvevaluering tempo ét|alle` chooses or changes it, and
`status` offers the choice again."""

from __future__ import annotations

from bot.console.channel import Record
from bot.testing import BotHarness, button_actions, texts
from dialogs import actions
from dialogs.messages import ToActorOnly


def dimensions(records: list[Record]) -> list[str]:
    """The dimensions put to the team (their messages' headers, "1/5 · Ledelse")."""
    return [
        r.message.fallback
        for r in records
        if r.kind == "post"
        and r.message
        and not isinstance(r.target, ToActorOnly)
        and r.message.fallback[1:5] == "/5 ·"
    ]


async def test_without_a_chosen_pace_the_self_evaluation_goes_on(bot: BotHarness) -> None:
    await bot.say("Anna", "selvevaluering start")
    sid = int(actions.decode(bot.button("lp:se-pace:")).args[0])
    # nobody presses a pace button: a reflection brings the first dimension
    said = await bot.say("Bo", "selvevaluering refleksion L1 Vi taler om kvalitet hver uge.")
    assert "din refleksion til L1 er gemt" in texts(said)
    assert dimensions(bot.channel.records) == ["1/5 · Ledelse"]
    refused = texts(await bot.say("Bo", "selvevaluering refleksion S1 Strategien er klar."))
    assert "Strategi er ikke lagt frem endnu" in refused
    assert "`selvevaluering næste`" in refused and "`selvevaluering tempo alle`" in refused

    # `næste` goes on (it used to say "you chose all at once")
    await bot.say("Anna", "selvevaluering næste")
    assert dimensions(bot.channel.records)[-1] == "2/5 · Strategi"
    status = await bot.say("Bo", "selvevaluering status")
    assert "Tempo: én dimension ad gangen – 2 af 5 er lagt frem" in texts(status)
    assert f"lp:se-pace:{sid}:all" in button_actions(status)

    assert "kun mødelederen" in texts(await bot.say("Bo", "selvevaluering tempo alle"))
    rest = await bot.say("Anna", "selvevaluering tempo alle")
    assert dimensions(rest) == ["3/5 · Organisering", "4/5 · Kompetencer", "5/5 · Kultur"]
    assert "Alle fem dimensioner er lagt frem" in texts(
        await bot.say("Anna", "selvevaluering næste")
    )


async def test_next_before_any_pace_brings_the_first_dimension(bot: BotHarness) -> None:
    await bot.say("Anna", "selvevaluering start")
    first = await bot.say("Anna", "selvevaluering næste")
    assert dimensions(first) == ["1/5 · Ledelse"]
    assert "Skriv `selvevaluering tempo ét`" in texts(
        await bot.say("Anna", "selvevaluering tempo hurtigt")
    )
    offer = texts(await bot.say("Anna", "selvevaluering tempo"))
    assert "Tempo: én dimension ad gangen – 1 af 5" in offer
