"""The port for one inbound Teams turn: quiet replies and forms go where the actor is.

ToActorOnly messages and forms go to the reply place of the activity that started the turn
(the thread of the actor's message in a channel, the chat otherwise); a form rejected with
errors replaces the submitted form card in place, keeping the draft, and a saved one becomes a
read-only confirmation (`InPlaceOfForm`). Everything else goes through the shared TeamsPort.
"""

from __future__ import annotations

from bot.ports import Conversation
from bot.teams.port import TeamsPort
from bot.teams.refs import ReplyPlace
from dialogs.messages import Form, InPlaceOfForm, Message, OwnAnswer, Target, ToActorOnly


class TurnPort:
    def __init__(self, port: TeamsPort, place: ReplyPlace) -> None:
        self.port, self.place = port, place

    async def post(
        self, conv: Conversation, target: Target, message: Message, thread_ref: str | None
    ) -> str:
        if isinstance(target, InPlaceOfForm):
            ref = await self.port.replace_form(self.place, message)
            if ref is not None:
                return ref
        if isinstance(target, OwnAnswer) and self.place.submitted_card and not conv.surface.private:
            # A click's "Dit svar på 1.1: Ja": Teams shows no message to one person only in a
            # channel or group chat, and a reply there would tell everyone (the card's tally
            # shows that the answer counted). In a 1:1 chat it is a plain reply.
            return ""
        if isinstance(target, ToActorOnly):
            return await self.port.reply(self.place, message)
        return await self.port.post(conv, target, message, thread_ref)

    async def update(self, conv: Conversation, ref: str, message: Message) -> None:
        await self.port.update(conv, ref, message)

    async def open_form(self, conv: Conversation, form: Form) -> None:
        await self.port.reply_form(self.place, form, replace=False)

    async def reject_form(self, conv: Conversation, form: Form) -> None:
        await self.port.reply_form(self.place, form, replace=True)
