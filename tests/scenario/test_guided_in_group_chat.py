"""One question at a time in a group chat (issue 17, the Agents Playground walkthrough: the
personal question cards and "Gemt: …" went into the shared chat for everyone): the questions
go to the person's own chat with the bot, with one line in the group chat saying so."""

from __future__ import annotations

from dataclasses import replace

from bot.console.channel import Record
from bot.testing import BotHarness, Place, texts
from dialogs.events import Command
from dialogs.messages import ToActorOnly, ToMember
from dialogs.turn import Surface

GROUP_CHAT = Surface(prefix="@Lovende praksis ", threads=False, private=False)


async def say_on(place: Place, user: str, text: str, surface: Surface) -> list[Record]:
    inbound = place.inbound(user, Command(text))
    inbound = replace(inbound, conv=replace(inbound.conv, surface=surface))
    mark = len(place.bot.channel.records)
    await place.bot.runtime.engine.handle(inbound, place.bot.channel)
    return place.bot.channel.records[mark:]


async def test_guided_questions_go_to_the_persons_own_chat(bot: BotHarness) -> None:
    chat = bot.place(channel="groupchat")
    await say_on(chat, "Anna", "start Recovery-forløb", GROUP_CHAT)
    await say_on(chat, "Anna", "tempo ét", GROUP_CHAT)
    started = await say_on(chat, "Bo", "næste spørgsmål", GROUP_CHAT)
    (note,) = [r for r in started if r.target == ToActorOnly()]
    assert "i din chat med mig" in texts([note])
    (question,) = [r for r in started if isinstance(r.target, ToMember)]
    assert question.target == ToMember("bo")
    shown = texts([question])
    assert "1.1" in shown and "i gruppechatten" in shown and "skriv `j`" not in shown

    # answered with a typed word in the group chat, the next one comes privately too
    went_on = await say_on(chat, "Bo", "ja", GROUP_CHAT)
    assert [r.target for r in went_on if r.message and "1.2" in r.message.fallback] == [
        ToMember("bo")
    ]
