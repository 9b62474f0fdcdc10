"""Commands named in the meetings' texts as the person types them where they are: in a Slack
channel `/lovende møde start`, in a Teams channel `@Lovende praksis møde start`, in the console
and in private chats `møde start` (`Turn.command`). The texts take them as placeholders
("Planlæg et med {c_plan}."), the words in the channel's language (`mt.cmd.*`)."""

from __future__ import annotations

from functools import cache

from dialogs import replies
from dialogs.effects import Outcome
from dialogs.i18n import t
from dialogs.turn import Surface, Turn

COMMANDS = (
    "plan",
    "prepare",
    "join",
    "start",
    "next",
    "cancel",
    "observe",
    "themes",
    "interpret",
    "support",
    "help",
    "list",
    "all",
    "mine",
    "done",
    "learned",
    "result",
)


@cache
def commands(lang: str, surface: Surface) -> dict[str, str]:
    """`{"c_plan": "`/lovende møde planlæg`", …}` for the texts' placeholders."""
    return {f"c_{name}": surface.command(t(lang, f"mt.cmd.{name}")) for name in COMMANDS}


def tell(turn: Turn, key: str, **values: object) -> Outcome:
    """A line to the actor, with the commands it names as they type them there."""
    return replies.tell(turn, key, **{**commands(turn.lang, turn.surface), **values})


def announce(turn: Turn, key: str, **values: object) -> Outcome:
    """A line to the channel, with the commands it names as they are typed there."""
    return replies.announce(turn, key, **{**commands(turn.lang, turn.surface), **values})
