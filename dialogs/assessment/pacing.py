"""The pace's commands and buttons (`tempo ét|alle`, the pace buttons, `næste` for the next
element), the default pace when nobody chose one, and the pace offered again with the
method's first advice (the delimitation) — shared with round.py's status and delimitation.
How the pace is stored and the elements laid out is pace.py's."""

from __future__ import annotations

from dataclasses import replace

from dialogs import actions
from dialogs.actions import Action
from dialogs.assessment import ops as fx
from dialogs.assessment.base import AssessmentBase, refresh
from dialogs.assessment.model import AssessmentView
from dialogs.assessment.pace import ALL, DEFAULT_PACE, ONE, PACES, parse_pace
from dialogs.assessment.render import pace_of
from dialogs.assessment.status import pace_blocks, scope_blocks
from dialogs.assessment.words import typed_here
from dialogs.effects import Outbound, Outcome, Post
from dialogs.feature import Values, command, verb
from dialogs.messages import Block, Button, Buttons, Message, Text, ToActorOnly
from dialogs.replies import Refusal, tell
from dialogs.turn import Turn


def private(lang: str, text: str, *buttons: Button) -> Post:
    blocks: tuple[Text | Buttons, ...] = (Text(text),)
    if buttons:
        blocks += (Buttons(buttons),)
    return Post(Message(blocks, text), ToActorOnly())


def ensure_pace(turn: Turn, view: AssessmentView) -> tuple[Outcome, AssessmentView]:
    """The default pace, when nobody chose one yet and someone needs the questions: the first
    element is put to the team (the outcome), and the round as it will be (the view)."""
    if view.pacing is not None:
        return Outcome(), view
    stored = pace_of(view, turn).stored(DEFAULT_PACE)
    said = tell(
        turn, "ok.pace_default", next=typed_here(turn, "næste"), all=typed_here(turn, "tempo alle")
    )
    outcome = Outcome(ops=(fx.SetPacing(view.id, stored, 1),), out=(refresh("elements", view.id),))
    return outcome + said, replace(view, pacing=stored, current_element=1)


def scope_reminder(turn: Turn, view: AssessmentView) -> Outcome:
    """The method's first advice, until it is followed: delimit the practice."""
    blocks = scope_blocks(turn, view)
    return Outcome(out=(private_blocks(blocks),)) if blocks else Outcome()


def pace_offer(turn: Turn, view: AssessmentView, elements: int) -> Outcome:
    """The pace as it is, with the choice offered again, and the delimitation while it is
    missing: one message (`tempo` alone; `status` adds the progress above, render.py)."""
    blocks = [*pace_blocks(turn, view, elements), *scope_blocks(turn, view)]
    return Outcome(out=(private_blocks(blocks),)) if blocks else Outcome()


def private_blocks(blocks: list[Block]) -> Post:
    first = next(b.text for b in blocks if isinstance(b, Text))
    return Post(Message(tuple(blocks), first), ToActorOnly())


class Pacing(AssessmentBase):
    @verb("pace")
    def pace_click(self, turn: Turn, a: Action, _values: Values) -> Outcome:
        view = self.open_round(turn, a.int_arg(0))
        pace = a.arg(1)
        if pace not in PACES:
            raise actions.BadAction(pace)
        # (no words: the elements appearing are the answer to the button)
        return self.set_pace(turn, view, pace, typed=False)

    @command("tempo", "pace")
    def tempo(self, turn: Turn, rest: str) -> Outcome:
        view = self.open_round(turn)
        if not rest:
            return pace_offer(turn, view, len(self.catalogue.elements))
        pace = parse_pace(rest)
        if pace is None:
            one, all_ = typed_here(turn, "tempo ét"), typed_here(turn, "tempo alle")
            raise Refusal("err.bad_pace", one=one, all=all_)
        return self.set_pace(turn, view, pace, typed=True)

    def set_pace(self, turn: Turn, view: AssessmentView, pace: str, *, typed: bool) -> Outcome:
        current = pace_of(view, turn)
        if current.pace == pace:
            return tell(turn, f"ok.pace_same_{pace}", next=typed_here(turn, "næste"))
        if current.pace is not None and not turn.is_facilitator:
            raise Refusal("err.pace_facilitator", guided=typed_here(turn, "næste spørgsmål"))
        total, posted = len(self.catalogue.elements), view.current_element or 0
        if pace == ALL:
            out: tuple[Outbound, ...] = (refresh("elements", view.id, str(posted + 1)),)
            if posted:  # the card that offered "next element" no longer does
                out = (refresh("element_root", view.id, str(posted)), *out)
            said = tell(turn, "ok.pace_all", guided=typed_here(turn, "næste spørgsmål"))
            ops = (fx.SetPacing(view.id, current.stored(ALL), total),)
        else:
            out = () if posted else (refresh("elements", view.id),)
            key = "ok.pace_one" if posted < total else "ok.pace_one_all_posted"
            guided = typed_here(turn, "næste spørgsmål")
            said = tell(turn, key, next=typed_here(turn, "næste"), guided=guided)
            ops = (fx.SetPacing(view.id, current.stored(ONE), max(posted, 1)),)
        if not typed:
            return Outcome(ops=ops, out=out)
        return Outcome(ops=ops, out=out) + said + scope_reminder(turn, view)

    def next_element(self, turn: Turn, view: AssessmentView) -> Outcome:
        if view.pacing is None:  # nobody chose: the default brings the first element
            return ensure_pace(turn, view)[0]
        if not turn.is_facilitator:
            raise Refusal("err.next_facilitator", guided=typed_here(turn, "næste spørgsmål"))
        current, total = view.current_element or 0, len(self.catalogue.elements)
        if current >= total:
            raise Refusal("err.no_more_elements", guided=typed_here(turn, "næste spørgsmål"))
        said = tell(
            turn,
            "ok.next_posted",
            number=current + 1,
            total=total,
            all=typed_here(turn, "tempo alle"),
        )
        return (
            Outcome(
                ops=(fx.SetPacing(view.id, view.pacing, current + 1),),
                out=(
                    refresh("element_root", view.id, str(current)),
                    refresh("element", view.id, str(current + 1)),
                ),
            )
            + said
        )
