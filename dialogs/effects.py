"""What a dialog step asks the engine to do: change data, then send messages.

Data operations are applied in one transaction; outbound effects are performed after commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dialogs.messages import Form, Message, Target, ToChannel


# ---- core data operations (any feature may emit them) ----
@dataclass(frozen=True)
class SetRole:
    member_external_id: str
    role: str  # "facilitator" | "member"


@dataclass(frozen=True)
class SetDialogState:
    kind: str | None  # None clears the state
    data: dict[str, object] = field(default_factory=dict)


# ---- outbound ----
@dataclass(frozen=True)
class Post:
    """Post a message; with a key, a message already posted under that key is updated."""

    message: Message
    target: Target = ToChannel()  # noqa: RUF009 (frozen, so sharing one is safe)
    key: str | None = None


@dataclass(frozen=True)
class OpenForm:
    form: Form


@dataclass(frozen=True)
class RejectForm:
    """The submitted form has errors: show them and keep the user's draft."""

    form: Form


@dataclass(frozen=True)
class Refresh:
    """Re-render derived messages after the data operations (progress, summaries): the
    `owner` feature's render() draws it from the data as it is after the operations."""

    what: str  # see the owner's render() for the kinds
    subject_id: int | None = None  # the round, meeting or self-evaluation it is about
    arg: str | None = None
    owner: str = field(kw_only=True)


Outbound = Post | OpenForm | RejectForm | Refresh


@dataclass(frozen=True)
class Outcome:
    # Any feature's operations: the engine hands each to the Store whose op_types include it.
    ops: tuple[object, ...] = ()
    out: tuple[Outbound, ...] = ()

    def __add__(self, other: Outcome) -> Outcome:
        return Outcome(self.ops + other.ops, self.out + other.out)
