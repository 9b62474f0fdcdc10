"""Message references: opaque strings the engine stores to update or thread under a message.

`C123:1700000000.000100` is one message; a message that had to be split over several Slack
messages keeps all their timestamps (`C123:ts1,ts2`); an ephemeral message, which Slack cannot
update, is `eph:U9:C123:ts`; a message in a member's DM whose buttons carry the channel it is
about (see `bot.slack.origin`) is `dm:U9:D123:ts`, so that an update is signed for them too.
"""

from __future__ import annotations

from dataclasses import dataclass

EPHEMERAL = "eph"
DIRECT = "dm"


@dataclass(frozen=True)
class Ref:
    channel: str
    stamps: tuple[str, ...] = ()
    user: str | None = None  # set for ephemeral messages (visible to this user only)
    member: str | None = None  # set for signed messages in this member's DM

    @property
    def root(self) -> str | None:
        return self.stamps[0] if self.stamps else None

    def dump(self) -> str:
        head = f"{self.channel}:{','.join(self.stamps)}"
        if self.user:
            return f"{EPHEMERAL}:{self.user}:{head}"
        return f"{DIRECT}:{self.member}:{head}" if self.member else head

    @classmethod
    def load(cls, text: str) -> Ref:
        parts = text.split(":")
        if parts[0] == EPHEMERAL and len(parts) == 4:
            return cls(parts[2], _stamps(parts[3]), parts[1])
        if parts[0] == DIRECT and len(parts) == 4:
            return cls(parts[2], _stamps(parts[3]), member=parts[1] or None)
        if len(parts) != 2 or not parts[0]:
            raise ValueError("not a Slack message reference")
        return cls(parts[0], _stamps(parts[1]))


def _stamps(text: str) -> tuple[str, ...]:
    return tuple(s for s in text.split(",") if s)
