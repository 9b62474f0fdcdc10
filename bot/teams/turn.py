"""The port for one inbound Teams turn: quiet replies and forms go where the actor is.

ToActorOnly messages and forms go to the reply place of the activity that started the turn
(the thread of the actor's message in a channel, the chat otherwise); a form rejected with
errors replaces the submitted form card in place, keeping the draft, and a saved one becomes a
read-only confirmation (`InPlaceOfForm`). Everything else goes through the shared TeamsPort.

A click shows the person their own answer where they clicked (bot/own_view.py):
- in a channel or group chat (an Action.Execute, `answering`): the turn's short private words
  are held for the answer to the click (handler.py), which Teams shows to that person alone —
  their view of the card, or the words in a pop-up; the card, updated for everyone, names them
  in its refresh so that their view comes back after every update (views.py). Should the
  answer have gone before the turn ends (`release`), the words go as replies, as before;
- in a 1:1 chat (an Action.Submit), the card they clicked becomes their view of it, the
  private words under it.
"""

from __future__ import annotations

from bot.own_view import Click, OwnView, is_note
from bot.ports import Conversation
from bot.teams.port import TeamsPort
from bot.teams.refs import Ref, ReplyPlace, base_id
from bot.teams.views import CardKey, Choice
from dialogs.messages import Form, InPlaceOfForm, Message, OwnAnswer, Target, ToActorOnly


class TurnPort:
    def __init__(
        self,
        port: TeamsPort,
        place: ReplyPlace,
        click: Click | None = None,
        *,
        user_id: str | None = None,
        answering: bool = False,
    ) -> None:
        self.port, self.place = port, place
        clicked = click is not None and place.submitted_card and place.card_conversation_id
        self.own = OwnView(click) if click is not None and clicked else None
        self.user_id = user_id or ""
        self.answering = answering  # the answer to the click is still to be given
        self.held: list[Message] = []  # private words waiting for that answer

    @property
    def card(self) -> CardKey:
        assert self.place.card_conversation_id and self.place.submitted_card
        return (base_id(self.place.card_conversation_id), self.place.submitted_card)

    @property
    def card_ref(self) -> str:
        assert self.place.card_conversation_id and self.place.submitted_card
        return Ref(self.place.card_conversation_id, (self.place.submitted_card,)).dumps()

    async def post(
        self, conv: Conversation, target: Target, message: Message, thread_ref: str | None
    ) -> str:
        if isinstance(target, InPlaceOfForm):
            ref = await self.port.replace_form(self.place, message)
            if ref is not None:
                return ref
        if isinstance(target, ToActorOnly):
            if self.own is not None and is_note(message, self.own.click) and conv.actor:
                if self.answering:
                    self.held.append(message)
                    self.own.notes.append(message)
                    self.port.views.note(self.card, conv.actor, message)
                    return self.card_ref
                if self.own.source is not None and self.place.personal:
                    self.own.notes.append(message)
                    self.port.views.note(self.card, conv.actor, message)
                    view = self.port.views.view(self.card, conv.actor) or self.own.view
                    assert view is not None
                    await self.port.show_own(self.place, view)
                    return self.card_ref
            shared = self.place.submitted_card is not None and not self.place.personal
            if isinstance(target, OwnAnswer) and shared:
                # A click's "Dit svar på 1.1: Ja" that could not go into the person's own view
                # (a card sent before cards had Action.Execute): a reply in a channel or group
                # chat would tell everyone, and the card's tally shows that the answer counted.
                return ""
            return await self.port.reply(self.place, message)
        return await self.port.post(conv, target, message, thread_ref)

    async def update(self, conv: Conversation, ref: str, message: Message) -> None:
        if self.own is not None and conv.actor and self.own.saw(message):
            choice = Choice(self.user_id, [self.own.click], list(self.own.notes))
            self.port.views.choose(self.card, conv.actor, choice, message)
            await self.port.update(conv, ref, message)
            clicked_here = self.place.submitted_card in Ref.loads(ref).activity_ids
            if not clicked_here and self.place.personal:
                view = self.own.view
                if view is not None:
                    await self.port.show_own(self.place, view)
            return
        if conv.actor and self.own is None:  # their command changed it: their view may be stale
            old = Ref.loads(ref)
            for activity_id in old.activity_ids:
                self.port.views.forget((base_id(old.conversation_id), activity_id), conv.actor)
        await self.port.update(conv, ref, message)

    async def release(self) -> None:
        """The answer to the click has gone without the turn's words: they go as replies."""
        self.answering = False
        held, self.held = self.held, []
        for message in held:
            await self.port.reply(self.place, message)

    async def open_form(self, conv: Conversation, form: Form) -> None:
        await self.port.reply_form(self.place, form, replace=False)

    async def reject_form(self, conv: Conversation, form: Form) -> None:
        await self.port.reply_form(self.place, form, replace=True)
