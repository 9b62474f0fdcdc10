"""What a dialog step asks the engine to do: change data, then send messages.

Data operations are applied in one transaction; outbound effects are performed after commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dialogs.messages import Form, Message, Target, ToChannel


# ---- data operations ----
@dataclass(frozen=True)
class StartAssessment:
    practice_name: str


@dataclass(frozen=True)
class SetDelimitation:
    assessment_id: int
    text: str


@dataclass(frozen=True)
class SetPacing:
    assessment_id: int
    pacing: str  # "all" | "one"
    current_element: int | None


@dataclass(frozen=True)
class SetMemberAnswer:
    assessment_id: int
    question_id: str
    value: str | None
    comment: str | None = None
    keep_comment: bool = True  # an answer click must not wipe an earlier comment


@dataclass(frozen=True)
class SetMemberComment:
    assessment_id: int
    question_id: str
    comment: str


@dataclass(frozen=True)
class SetTeamDecision:
    assessment_id: int
    question_id: str
    value: str
    justification: str


@dataclass(frozen=True)
class SetElementNotes:
    assessment_id: int
    element: int
    overall: str | None
    potential: str | None


@dataclass(frozen=True)
class SetOverallNotes:
    assessment_id: int
    overall: str | None
    potentials: str | None


@dataclass(frozen=True)
class CloseAssessment:
    assessment_id: int


@dataclass(frozen=True)
class SetRole:
    member_external_id: str
    role: str  # "facilitator" | "member"


@dataclass(frozen=True)
class SetDialogState:
    kind: str | None  # None clears the state
    data: dict[str, object] = field(default_factory=dict)


DataOp = (
    StartAssessment
    | SetDelimitation
    | SetPacing
    | SetMemberAnswer
    | SetMemberComment
    | SetTeamDecision
    | SetElementNotes
    | SetOverallNotes
    | CloseAssessment
    | SetRole
    | SetDialogState
)


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
    """Re-render derived messages after the data operations (progress, summaries)."""

    what: str  # see the owner's render() for the kinds
    assessment_id: int | None = None
    arg: str | None = None
    owner: str = "assessment"  # the feature whose render() draws it


Outbound = Post | OpenForm | RejectForm | Refresh


@dataclass(frozen=True)
class Outcome:
    # Any feature's operations: the engine hands each to the Store whose op_types include it.
    ops: tuple[object, ...] = ()
    out: tuple[Outbound, ...] = ()

    def __add__(self, other: Outcome) -> Outcome:
        return Outcome(self.ops + other.ops, self.out + other.out)
