"""Commands named in the meetings' texts as the person types them where they are: in a Slack
channel `/lovende møde start`, in a Teams channel `@Lovende praksis møde start`, in the console
and in private chats `møde start` (`Surface.command`). A text writes `{cmd[møde start]}` (the
words in its own language), the convention of all features' texts (`dialogs.replies`)."""

from __future__ import annotations

from dataclasses import dataclass

from dialogs import replies
from dialogs.effects import Outcome
from dialogs.turn import Surface, Turn


@dataclass(frozen=True)
class Commands:
    """`{cmd[møde start]}`: str.format looks the words up with []."""

    surface: Surface

    def __getitem__(self, words: str) -> str:
        return self.surface.command(words)


def commands(surface: Surface) -> dict[str, object]:
    return {"cmd": Commands(surface)}


def tell(turn: Turn, key: str, **values: object) -> Outcome:
    """A line to the actor, with the commands it names as they type them there."""
    return replies.tell(turn, key, **{**commands(turn.surface), **values})


def announce(turn: Turn, key: str, **values: object) -> Outcome:
    """A line to the channel, with the commands it names as they are typed there."""
    return replies.announce(turn, key, **{**commands(turn.surface), **values})
