"""People's own views of shared cards (Universal Actions' user-specific views), in memory.

In a channel or group chat, everyone sees the same card; when a person clicks "Ja", the answer
to their Action.Execute shows them their own view of it (bot/own_view.py), and Teams shows it to
them alone. The card is also updated for everyone ("2 har svaret."), and an update would put
the shared card back in front of the person. So each updated card carries a `refresh` clause
naming (`userIds`) the people who have a view of it: their Teams client asks for their view
(an `adaptiveCard/action` invoke with cards.REFRESH_VERB), and gets it drawn from the card as
updated, with their choice marked.

Kept in memory, bounded, per process: what is lost (a restart, a refresh reaching another
replica, a card pushed out of the bound) only means that the person sees the shared card
again, as they would without views — never something wrong. A person's view of a card is
forgotten when their own typed command changes that card (their choice may have changed).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field, replace

from bot.own_view import Click, group_of, own_view
from dialogs.messages import Message

MAX_CARDS = 5000
MAX_USERS = 60  # Teams refreshes automatically for at most 60 userIds per card

CardKey = tuple[str, str]  # (conversation id without the thread part, activity id)


@dataclass
class Choice:
    user_id: str  # the person's Teams user id ("29:…"), as refresh.userIds names them
    clicks: list[Click]  # their latest click of each question on the card, oldest first
    notes: list[Message] = field(default_factory=list)  # the private words of the latest


@dataclass
class Card:
    base: Message
    people: dict[str, Choice] = field(default_factory=dict)  # member key → their choice


class OwnViews:
    def __init__(self, size: int = MAX_CARDS) -> None:
        self.size = size
        self.cards: OrderedDict[CardKey, Card] = OrderedDict()

    def choose(self, key: CardKey, member: str, choice: Choice, base: Message) -> None:
        """`member` clicked on the card `key`, which now shows `base` to everyone."""
        card = self.cards.pop(key, None) or Card(base)
        card.base = base
        earlier = card.people.pop(member, None)  # (the newest last: the first 60 are the newest)
        if earlier is not None:  # a card of several questions keeps their other answers
            replaced = frozenset().union(*(group_of(base, c.action) for c in choice.clicks))
            kept = [c for c in earlier.clicks if c.action not in replaced]
            choice = replace(choice, clicks=kept + choice.clicks)
        card.people[member] = choice
        self.cards[key] = card
        while len(self.cards) > self.size:
            self.cards.popitem(last=False)

    def note(self, key: CardKey, member: str, note: Message) -> None:
        choice = self.choice(key, member)
        if choice is not None:
            choice.notes.append(note)

    def updated(self, key: CardKey, base: Message) -> None:
        """The card now shows `base` to everyone: views are drawn from it from now on."""
        card = self.cards.get(key)
        if card is not None:
            card.base = base
            self.cards.move_to_end(key)

    def forget(self, key: CardKey, member: str) -> None:
        card = self.cards.get(key)
        if card is not None:
            card.people.pop(member, None)

    def choice(self, key: CardKey, member: str) -> Choice | None:
        card = self.cards.get(key)
        return card.people.get(member) if card is not None else None

    def users(self, key: CardKey) -> list[str]:
        """The Teams user ids of the people with a view of the card (the newest 60)."""
        card = self.cards.get(key)
        if card is None:
            return []
        return [c.user_id for c in list(card.people.values())[-MAX_USERS:]]

    def view(self, key: CardKey, member: str) -> Message | None:
        """`member`'s view of the card as it is now; None when there is none (here)."""
        card = self.cards.get(key)
        choice = card.people.get(member) if card is not None else None
        if card is None or choice is None:
            return None
        return own_view(card.base, choice.clicks, tuple(choice.notes))

    def only_view(self, key: CardKey) -> Message | None:
        """The view of the one person who has one (a 1:1 chat's card is theirs alone)."""
        card = self.cards.get(key)
        if card is None or len(card.people) != 1:
            return None
        (member,) = card.people
        return self.view(key, member)
