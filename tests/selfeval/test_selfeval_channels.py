"""Every message and form of a whole self-evaluation, rendered by the Slack and Teams adapters'
own renderers and validated: Block Kit with slack_sdk's models (and its limits), Adaptive Cards
1.5 with the official `adaptivecards` npm package. No platform code is specific to the
self-evaluation: it uses the neutral model only."""

from __future__ import annotations

from typing import Any

import testmodules

from bot.console.channel import Record
from bot.slack.blocks import render_message
from bot.slack.modals import form_view
from bot.slack.testing import valid_blocks, valid_view
from bot.teams.cards import form_card, message_cards
from bot.testing import BotHarness


async def run_through(bot: BotHarness) -> list[Record]:
    sid = await bot.start_selfeval("Bostedet Lærkely")
    for who in ("Anna", "Bo", "Carla"):
        await bot.say(who, "selvevaluering refleksion L1 " + "Lang refleksion. " * 80)
        await bot.say(who, f"selvevaluering udviklingspunkt KU Punkt fra {who}")
    await bot.press("Bo", "se-refl", sid, "O2")
    await bot.press("Bo", "se-f-refl", sid, "O2", values={"text": "1234567890 " * 200})
    # Leaders and staff: roles, own ratings (by button and form), so every surface shows both.
    await bot.press("Anna", "se-role", sid, "leader")
    await bot.say("Carla", "selvevaluering rolle medarbejder")
    await bot.press("Carla", "se-own", sid, "K")
    await bot.press("Carla", "se-f-own", sid, "K", values={"rating": "9"})
    await bot.press("Carla", "se-f-own", sid, "K", values={"rating": "1"})
    await bot.say("Anna", "selvevaluering min vurdering K 5")
    await bot.press("Anna", "se-rate", sid, "K")
    await bot.press("Anna", "se-f-rate", sid, "K", values={"rating": "4"})
    await bot.press("Anna", "se-pt", sid, "S")
    await bot.click("Anna", bot.button(f"lp:se-agree:{sid}:"))
    await bot.say("Bo", "selvevaluering spørgsmål")
    await bot.say("Anna", "selvevaluering luk")
    return bot.channel.records


async def test_slack_and_teams_render_every_message_and_form(bot: BotHarness) -> None:
    records = await run_through(bot)
    messages = [r.message for r in records if r.message is not None]
    forms = [r.form for r in records if r.form is not None]
    assert len(messages) > 30 and len(forms) >= 4
    assert any(f.errors for f in forms)  # the rejected (too long) reflection is among them

    slack_n = 0
    for m in messages:
        rendered = render_message(m)
        for chunk in rendered.chunks:
            valid_blocks(chunk)
            slack_n += 1
    for f in forms:
        valid_view(form_view(f, "C1", "Luk"))
        slack_n += 1

    cards: dict[str, dict[str, Any]] = {}
    for i, m in enumerate(messages):
        for j, c in enumerate(message_cards(m)):
            cards[f"message-{i}-{j}"] = c
    for i, f in enumerate(forms):
        cards[f"form-{i}"] = form_card(f)
    assert slack_n >= len(messages) + len(forms)
    testmodules.load("teams", "cardcheck_runner").check_cards(cards)
