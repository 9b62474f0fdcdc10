"""In a 1:1 chat the element card always shows the person's own answers (issue 17, the Agents
Playground walkthrough: after a typed answer redrew the card, the ✓ of an answer clicked
earlier was gone and the answers showed as plain highlighted buttons)."""

from __future__ import annotations

from bot.testing import BotHarness
from dialogs.messages import Buttons, Message
from dialogs.turn import Surface

PRIVATE = Surface(prefix="", threads=False, private=True)


def marked(message: Message) -> list[str]:
    return [
        b.action.split(":")[3] + " " + b.label
        for block in message.blocks
        if isinstance(block, Buttons)
        for b in block.buttons
        if b.label.startswith("✓ ")
    ]


async def test_a_typed_answer_keeps_every_own_answer_marked(bot: BotHarness) -> None:
    solo = bot.place(channel="anna-dm", surface=PRIVATE)
    await solo.say("Anna", "start Recovery-forløb")
    await solo.say("Anna", "tempo ét")
    await solo.say("Anna", "svar 1.1 ja")
    typed = await solo.say("Anna", "svar 1.2 nej")
    (card,) = [
        r.message
        for r in typed
        if r.kind == "update" and r.message and r.message.fallback.startswith("Element 1")
    ]
    assert marked(card) == ["1.1 ✓ Ja", "1.2 ✓ Nej"]
