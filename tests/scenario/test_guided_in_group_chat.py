"""One question at a time in a group chat (issue 17, the Agents Playground walkthrough: the
personal question cards and "Gemt: …" went into the shared chat for everyone): the questions
go to the person's own chat with the bot, with one line in the group chat saying so."""

from __future__ import annotations

from bot.testing import BotHarness, texts
from dialogs.messages import ToActorOnly, ToMember
from dialogs.turn import Surface

GROUP_CHAT = Surface(prefix="@Lovende praksis ", threads=False, private=False)


async def test_guided_questions_go_to_the_persons_own_chat(bot: BotHarness) -> None:
    chat = bot.place(channel="groupchat", surface=GROUP_CHAT)
    await chat.say("Anna", "start Recovery-forløb")
    await chat.say("Anna", "tempo ét")
    started = await chat.say("Bo", "næste spørgsmål")
    (note,) = [r for r in started if r.target == ToActorOnly()]
    assert "i din chat med mig" in texts([note])
    (question,) = [r for r in started if isinstance(r.target, ToMember)]
    assert question.target == ToMember("bo")
    shown = texts([question])
    assert "1.1" in shown and "i gruppechatten" in shown and "skriv `j`" not in shown

    # answered with a typed word in the group chat, the next one comes privately too
    went_on = await chat.say("Bo", "ja")
    assert [r.target for r in went_on if r.message and "1.2" in r.message.fallback] == [
        ToMember("bo")
    ]
