"""The turn: everything a dialog step may look at, loaded by the engine for one event.

The core part (the actor, the channel's members, the actor's dialog state, the channel's
settings) is in every turn; each feature's data is in `extra` under its store's name, loaded
only for the features whose `reads` name it (`Turn.read` refuses a store that was not loaded).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Surface:
    """What the place a turn happens in looks like to the person there, so that the words fit
    it (the adapter that received the request says): how a command is typed there, whether it
    shows threads, and whether it is a private (1:1) conversation."""

    prefix: str = ""  # typed before a command: "/lovende " in a Slack channel, "@Lovende …"
    threads: bool = True  # False in flat chats (Teams 1:1 and group chats, Slack DMs)
    private: bool = False  # a 1:1 chat or DM: "i kanalen" would be wrong there

    def command(self, words: str) -> str:
        """A command as the person types it here, formatted as code: `/lovende luk`."""
        return f"`{self.prefix}{words}`"


class NotLoaded(LookupError):
    """A step read a store's data that its dialog does not declare in `reads`."""


@dataclass(frozen=True)
class MemberView:
    external_id: str
    name: str
    role: str


@dataclass(frozen=True)
class Turn:
    """Everything a step may look at: no database, no clock of its own."""

    now: datetime
    lang: str
    actor: MemberView
    members: tuple[MemberView, ...]
    state_kind: str | None = None
    state_data: dict[str, object] = field(default_factory=dict)
    extra: dict[str, object] = field(default_factory=dict)  # per store (Store.load), by name
    channel_settings: dict[str, object] = field(default_factory=dict)
    surface: Surface = field(default_factory=Surface)

    def command(self, words: str) -> str:
        """A command as the actor types it where this turn happens (see `Surface`)."""
        return self.surface.command(words)

    def read(self, store: str) -> object:
        """The data a store loaded for this turn (None when it had none). Raises NotLoaded when
        the store was not loaded: the engine loads only the stores a dialog declares."""
        try:
            return self.extra[store]
        except KeyError:
            raise NotLoaded(f"{store!r} is not loaded: add it to the dialog's reads") from None

    @property
    def is_facilitator(self) -> bool:
        return self.actor.role == "facilitator"

    @property
    def has_facilitator(self) -> bool:
        return any(m.role == "facilitator" for m in self.members)

    def member_by_name(self, name: str) -> MemberView | None:
        wanted = name.strip().lstrip("@").casefold()
        for m in self.members:
            if wanted in (m.name.casefold(), m.external_id.casefold()):
                return m
        return None
