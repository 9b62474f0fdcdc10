"""What every part of the self-evaluation dialog stands on: the round and its dimensions,
questions and points looked up (refusing what does not exist or is not posted yet), the
facilitator check, and the pace (one dimension at a time, or all; `selvevaluering næste`)."""

from __future__ import annotations

from dataclasses import replace

from dialogs import actions
from dialogs import effects as fx
from dialogs.actions import Action
from dialogs.assessment.pace import DEFAULT_PACE, parse_pace
from dialogs.assessment.words import typed_here
from dialogs.effects import Outcome, Post, Refresh
from dialogs.feature import FeatureDialog, Values, command, verb
from dialogs.i18n import t
from dialogs.messages import Button, Buttons, Message, Text, ToActorOnly
from dialogs.replies import Refusal, tell
from dialogs.selfeval import ops
from dialogs.selfeval.model import OWNER, PointView, SelfEvalView, selfeval_of
from dialogs.turn import Turn
from scoring.org_catalogue import RATINGS, Dimension, OrgCatalogue, OrgQuestion, load_org_catalogue

# The first word of every command.
SELFEVAL = ("selvevaluering", "selvevalueringen", "selveval", "selfeval", "self-evaluation")


NO_RATING = {"ingen", "none", "-", "0"}


def refresh(what: str, sid: int | None = None, arg: str | None = None) -> Refresh:
    return Refresh(what, sid, arg, owner=OWNER)


def with_ops(*items: object, out: tuple[fx.Outbound, ...] = ()) -> Outcome:
    return Outcome(ops=items, out=out)


class BadRating(ValueError):
    pass


def parse_rating(text: str) -> int | None:
    """1–5, or None for "no rating"; BadRating for anything else (7, "godt", 2.5)."""
    word = text.strip().casefold()
    if word in NO_RATING:
        return None
    if word in {str(r) for r in RATINGS}:  # ASCII digits only: "٣".isdigit() is true too
        return int(word)
    raise BadRating(word)


class SelfEvalBase(FeatureDialog):
    def __init__(self, catalogue: OrgCatalogue | None = None) -> None:
        self.catalogue = catalogue or load_org_catalogue()

    # ---- checks ----
    def current(self, turn: Turn) -> SelfEvalView:
        view = selfeval_of(turn)
        if view is None:
            raise Refusal("se.err.none")
        return view

    def open_round(self, turn: Turn, sid: int | None = None) -> SelfEvalView:
        view = self.current(turn)
        if sid is not None and sid != view.id:
            raise Refusal("se.err.not_this_round")
        if not view.is_open:
            raise Refusal("se.err.closed")
        return view

    def facilitator_only(self, turn: Turn, key: str = "se.err.facilitator_only") -> None:
        if not turn.is_facilitator:
            raise Refusal(key)

    def dimension(self, key: str) -> Dimension:
        try:
            return self.catalogue.dimension(key)
        except KeyError:
            raise Refusal("se.err.unknown_dimension", name=key[:40]) from None

    def posted_dimension(self, view: SelfEvalView, key: str, turn: Turn) -> Dimension:
        dim = self.dimension(key)
        if not view.posted(dim.number):
            name = dim.name[turn.lang]
            raise Refusal("se.err.not_posted", name=name, **self.pace_commands(turn))
        return dim

    def question(self, view: SelfEvalView, qid: str, turn: Turn) -> OrgQuestion:
        if not self.catalogue.has_question(qid):
            raise Refusal("se.err.unknown_question", question=qid[:12])
        q = self.catalogue.question(qid)
        self.posted_dimension(view, q.dimension, turn)
        return q

    def point(self, view: SelfEvalView, point_id: int) -> PointView:
        p = view.point(point_id)
        if p is None:
            raise Refusal("se.err.unknown_point", id=point_id)
        return p

    # ---- the pace: one dimension at a time, or all ----
    @command("tempo", "pace", under=SELFEVAL)
    def cmd_pace(self, turn: Turn, rest: str) -> Outcome:
        view = self.open_round(turn)
        if not rest:
            return self.pace_offer(turn, view)
        pace = parse_pace(rest)
        if pace is None:
            raise Refusal(
                "se.err.bad_pace",
                one=typed_here(turn, "selvevaluering tempo ét"),
                all=typed_here(turn, "selvevaluering tempo alle"),
            )
        return self.set_pace(turn, view, pace)

    def set_pace(self, turn: Turn, view: SelfEvalView, pace: str) -> Outcome:
        if view.pacing is not None and not turn.is_facilitator:
            raise Refusal("se.err.pace_facilitator")
        total, posted = len(self.catalogue.dimensions), view.current_dimension or 0
        if view.pacing is None:
            first = total if pace == "all" else 1
            return with_ops(
                ops.SetSelfEvalPacing(view.id, pace, first), out=(refresh("all_dims", view.id),)
            )
        if posted >= total:
            return tell(turn, "se.ok.pace_all_posted")
        if pace == view.pacing:
            return tell(turn, "se.ok.pace_same_one")
        current = self.catalogue.dimensions[posted - 1].key if posted else None
        out: tuple[fx.Outbound, ...] = (refresh("dims_from", view.id, str(posted + 1)),)
        if current:  # its "next" button goes away
            out = (refresh("dim_root", view.id, current), *out)
        return with_ops(ops.SetSelfEvalPacing(view.id, "all", total), out=out) + tell(
            turn, "se.ok.pace_all"
        )

    def ensure_pace(self, turn: Turn, view: SelfEvalView) -> tuple[Outcome, SelfEvalView]:
        """Nobody chose a pace, and someone needs the questions: the default (one dimension at
        a time) puts the first dimension to the team, so the round never waits for a button."""
        if view.pacing is not None:
            return Outcome(), view
        started = with_ops(
            ops.SetSelfEvalPacing(view.id, DEFAULT_PACE, 1), out=(refresh("all_dims", view.id),)
        )
        said = tell(turn, "se.ok.pace_default", **self.pace_commands(turn))
        return started + said, replace(view, pacing=DEFAULT_PACE, current_dimension=1)

    def pace_offer(self, turn: Turn, view: SelfEvalView) -> Outcome:
        """The pace as it is, and the choice again (on `status` and `tempo`)."""
        if not view.is_open:
            return Outcome()
        total, posted = len(self.catalogue.dimensions), view.current_dimension or 0
        lang, sid, commands = turn.lang, view.id, self.pace_commands(turn)
        every = Button(t(lang, "se.intro.pace_all"), actions.encode("se-pace", sid, "all"))
        buttons: tuple[Button, ...] = ()
        if view.pacing is None:
            one = Button(t(lang, "se.intro.pace_one"), actions.encode("se-pace", sid, "one"))
            text, buttons = t(lang, "se.pace.none", **commands), (one, every)
        elif posted < total:
            text = t(lang, "se.pace.one", posted=posted, total=total, **commands)
            buttons = (every,)
        else:
            text = t(lang, "se.pace.all")
        blocks: tuple[Text | Buttons, ...] = (Text(text),)
        if buttons:
            blocks += (Buttons(buttons),)
        return Outcome(out=(Post(Message(blocks, text), ToActorOnly()),))

    def pace_commands(self, turn: Turn) -> dict[str, str]:
        return {
            "next": typed_here(turn, "selvevaluering næste"),
            "all": typed_here(turn, "selvevaluering tempo alle"),
        }

    @command("næste", "naeste", "next", under=SELFEVAL)
    def cmd_next(self, turn: Turn, _rest: str) -> Outcome:
        view = self.open_round(turn)
        return self.next_dimension(turn, view)

    def next_dimension(self, turn: Turn, view: SelfEvalView) -> Outcome:
        if view.pacing is None:  # nobody chose: the default brings the first dimension
            return self.ensure_pace(turn, view)[0]
        self.facilitator_only(turn)
        current = view.current_dimension or 0
        if current >= len(self.catalogue.dimensions):
            raise Refusal("se.err.no_more")
        previous = self.catalogue.dimensions[current - 1].key if current else None
        out: tuple[fx.Outbound, ...] = (refresh("dim", view.id, str(current + 1)),)
        if previous:  # its "next" button goes away
            out = (refresh("dim_root", view.id, previous), *out)
        return with_ops(ops.SetSelfEvalPacing(view.id, "one", current + 1), out=out)

    @verb("se-pace")
    def act_pace(self, turn: Turn, a: Action, _v: Values) -> Outcome:
        view = self.open_round(turn, a.int_arg(0))
        pacing = a.arg(1)
        if pacing not in ("one", "all"):
            raise actions.BadAction(pacing)
        return self.set_pace(turn, view, pacing)

    @verb("se-next")
    def act_next(self, turn: Turn, a: Action, _v: Values) -> Outcome:
        return self.next_dimension(turn, self.open_round(turn, a.int_arg(0)))
