"""Message references: opaque strings the engine stores to update or thread under a message.

`C123:1700000000.000100` is one message; a message that had to be split over several Slack
messages keeps all their timestamps (`C123:ts1,ts2`); an ephemeral message, which Slack cannot
update, is `eph:U9:C123:ts`.
"""

from __future__ import annotations

from dataclasses import dataclass

EPHEMERAL = "eph"


@dataclass(frozen=True)
class Ref:
    channel: str
    stamps: tuple[str, ...] = ()
    user: str | None = None  # set for ephemeral messages (visible to this user only)

    @property
    def root(self) -> str | None:
        return self.stamps[0] if self.stamps else None

    def dump(self) -> str:
        head = f"{self.channel}:{','.join(self.stamps)}"
        return f"{EPHEMERAL}:{self.user}:{head}" if self.user else head

    @classmethod
    def load(cls, text: str) -> Ref:
        parts = text.split(":")
        if parts[0] == EPHEMERAL and len(parts) == 4:
            return cls(parts[2], _stamps(parts[3]), parts[1])
        if len(parts) != 2 or not parts[0]:
            raise ValueError("not a Slack message reference")
        return cls(parts[0], _stamps(parts[1]))


def _stamps(text: str) -> tuple[str, ...]:
    return tuple(s for s in text.split(",") if s)
