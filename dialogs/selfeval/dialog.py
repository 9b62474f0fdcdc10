"""The self-evaluation dialog: a pure step from (turn, event) to data operations and messages.

Run like an assessment but reflective: the five dimensions are posted one at a time or all at
once, each with its questions in a thread; every member writes free-text reflections, the
facilitator may give a dimension the team's own rating (1–5), and anyone may add development
points, which a facilitator can turn into agreements.
"""

from __future__ import annotations

from dataclasses import replace

from dialogs import actions
from dialogs import effects as fx
from dialogs.actions import Action
from dialogs.assessment.pace import DEFAULT_PACE, parse_pace
from dialogs.assessment.words import typed_here
from dialogs.effects import OpenForm, Outcome, Post, Refresh, RejectForm
from dialogs.feature import FeatureDialog, Values, command, verb
from dialogs.i18n import t
from dialogs.messages import Button, Buttons, Form, Message, Text, ToActorOnly
from dialogs.replies import Refusal, announce, show_help, tell
from dialogs.selfeval import ops
from dialogs.selfeval import views as v
from dialogs.selfeval.agreements import agreement_form, agreement_op
from dialogs.selfeval.model import LEADER, OWNER, ROLES, STAFF, PointView, SelfEvalView, selfeval_of
from dialogs.text_input import check_text
from dialogs.turn import Turn
from scoring.org_catalogue import RATINGS, Dimension, OrgCatalogue, OrgQuestion, load_org_catalogue

# The first word of every command.
SELFEVAL = ("selvevaluering", "selvevalueringen", "selveval", "selfeval", "self-evaluation")


NO_RATING = {"ingen", "none", "-", "0"}

# What people type for the role they answer as (`selvevaluering rolle leder`).
ROLE_WORDS = {
    LEADER: {"leder", "ledere", "ledelse", "leader", "leaders", "manager", "management"},
    STAFF: {"medarbejder", "medarbejdere", "ansat", "staff", "employee", "employees"},
}
# `selvevaluering min vurdering ledelse 4` and `selvevaluering min ledelse 4` alike.
OWN_RATING_FILLERS = {"vurdering", "rating"}


def parse_role(text: str) -> str | None:
    word = text.strip().casefold()
    return next((role for role, words in ROLE_WORDS.items() if word in words), None)


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


class SelfEvalDialog(FeatureDialog):
    name = OWNER
    reads = frozenset({OWNER})
    bad_action = "se.err.bad_action"

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

    # ---- commands ----
    @command("hjælp", "hjaelp", "help", under=SELFEVAL)
    @command(under=SELFEVAL)
    def cmd_help(self, turn: Turn, _rest: str) -> Outcome:
        return show_help(turn, "selvevaluering")

    def unknown_command(self, turn: Turn, line: str) -> Outcome:
        sub = line.split()[1] if len(line.split()) > 1 else ""
        return tell(turn, "se.err.unknown_sub", word=sub.casefold()[:40]) + show_help(
            turn, "selvevaluering"
        )

    @command("start", "begynd", under=SELFEVAL)
    def cmd_start(self, turn: Turn, rest: str) -> Outcome:
        view = selfeval_of(turn)
        if view is not None and view.is_open:
            raise Refusal("se.err.already_open", round=view.round_no)
        if rest:
            error = check_text(rest, "practice_name", turn.lang)
            if error:
                return tell(turn, "se.err.input", error=error)
        items: list[object] = [ops.StartSelfEval(rest.strip() or None)]
        if not turn.has_facilitator:
            items.insert(0, fx.SetRole(turn.actor.external_id, "facilitator"))
        return with_ops(*items, out=(refresh("intro"), refresh("progress")))

    @command("status", under=SELFEVAL)
    def cmd_status(self, turn: Turn, _rest: str) -> Outcome:
        view = self.current(turn)
        shown = Outcome(out=(refresh("progress"), refresh("progress_private")))
        return shown + self.pace_offer(turn, view)

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

    @command("refleksion", "reflektér", "reflekter", "reflect", "reflection", under=SELFEVAL)
    def cmd_reflect(self, turn: Turn, rest: str) -> Outcome:
        started, view = self.ensure_pace(turn, self.open_round(turn))
        qid, _, text = rest.partition(" ")
        if not qid:
            raise Refusal("se.err.needs_question")
        q = self.question(view, qid.rstrip(".:"), turn)
        if not text.strip():
            return started + self.open_reflection(turn, view, q)
        return started + self.save_reflection(turn, view, q, text, typed=True)

    def open_reflection(self, turn: Turn, view: SelfEvalView, q: OrgQuestion) -> Outcome:
        current = view.my_reflection(q.id, turn.actor.external_id)
        return Outcome(out=(OpenForm(v.reflection_form(turn.lang, view.id, q, current)),))

    def save_reflection(
        self, turn: Turn, view: SelfEvalView, q: OrgQuestion, text: str, *, typed: bool
    ) -> Outcome:
        error = check_text(text, v.REFLECTION_KIND, turn.lang)
        if error:
            if typed:
                return tell(turn, "se.err.input", error=error)
            form = v.reflection_form(turn.lang, view.id, q, text)
            return Outcome(out=(RejectForm(replace(form, errors={"text": error})),))
        return (
            with_ops(
                ops.SetReflection(view.id, q.id, text.strip()),
                out=(
                    refresh("question", view.id, q.id),
                    refresh("dim_root", view.id, q.dimension),
                    refresh("progress"),
                ),
            )
            + tell(turn, "se.ok.reflection", question=q.id)
            + self.first_answer_asks_role(turn, view)
        )

    # ---- leaders and staff: which the respondent answers as ----
    def first_answer_asks_role(self, turn: Turn, view: SelfEvalView) -> Outcome:
        """Asked once per self-evaluation: with a member's first answer, when they have not
        said yet (the intro's buttons and `selvevaluering rolle` change it at any time)."""
        me = turn.actor.external_id
        if view.role_of(me) is not None or view.has_answered(me):
            return Outcome()
        return self.role_offer(turn, view, "se.role.ask")

    def role_offer(self, turn: Turn, view: SelfEvalView, key: str, **values: object) -> Outcome:
        """A line to the actor with the two role buttons (the command is in the text too)."""
        text = t(turn.lang, key, **self.role_commands(turn), **values)
        msg = Message((Text(text), v.role_buttons(turn.lang, view.id)), text)
        return Outcome(out=(Post(msg, ToActorOnly()),))

    def role_commands(self, turn: Turn) -> dict[str, str]:
        # Spelled per language here: the shared English word list (assessment/words.py)
        # does not know the self-evaluation's sub-commands.
        return {role: turn.surface.command(t(turn.lang, f"se.role.cmd_{role}")) for role in ROLES}

    @command("rolle", "role", under=SELFEVAL)
    def cmd_role(self, turn: Turn, rest: str) -> Outcome:
        view = self.open_round(turn)
        if not rest.strip():
            role = view.role_of(turn.actor.external_id)
            if role is None:
                return self.role_offer(turn, view, "se.role.ask")
            name = t(turn.lang, f"se.role.{role}")
            return self.role_offer(turn, view, "se.role.current", role=name)
        role = parse_role(rest)
        if role is None:
            raise Refusal("se.err.bad_role", **self.role_commands(turn))
        return self.set_role(turn, view, role)

    def set_role(self, turn: Turn, view: SelfEvalView, role: str) -> Outcome:
        me = turn.actor.external_id
        name = t(turn.lang, f"se.role.{role}")
        if view.role_of(me) == role:
            return tell(turn, "se.ok.role_same", role=name)
        # The member's answers move with the role: their questions and the dimensions' cards.
        mine = [qid for qid, rows in view.reflections.items()
                if any(r.member_external_id == me for r in rows)]  # fmt: skip
        out: list[fx.Outbound] = [refresh("question", view.id, qid) for qid in mine]
        out += [refresh("dim_root", view.id, d.key) for d in self.catalogue.dimensions]
        out += [refresh("progress")]
        return with_ops(ops.SetRespondentRole(view.id, role), out=tuple(out)) + tell(
            turn, "se.ok.role", role=name
        )

    # ---- each respondent's own rating of a dimension ----
    @command("min", "mit", "my", "mine", under=SELFEVAL)
    def cmd_own_rating(self, turn: Turn, rest: str) -> Outcome:
        started, view = self.ensure_pace(turn, self.open_round(turn))
        parts = rest.split()
        if parts and parts[0].casefold() in OWN_RATING_FILLERS:
            parts = parts[1:]
        if not parts:
            raise Refusal("se.err.needs_own_dimension")
        dim = self.posted_dimension(view, parts[0], turn)
        if len(parts) == 1:
            return started + self.open_own_rating(turn, view, dim)
        try:
            rating = parse_rating(" ".join(parts[1:]))
        except BadRating:
            raise Refusal("se.err.bad_rating") from None
        return started + self.save_own_rating(turn, view, dim, rating)

    def open_own_rating(self, turn: Turn, view: SelfEvalView, dim: Dimension) -> Outcome:
        current = view.my_rating(dim.key, turn.actor.external_id)
        return Outcome(out=(OpenForm(v.own_rating_form(turn.lang, view.id, dim, current)),))

    def save_own_rating(
        self, turn: Turn, view: SelfEvalView, dim: Dimension, rating: int | None
    ) -> Outcome:
        name = dim.name[turn.lang]
        said = (
            tell(turn, "se.ok.own_rating", name=name, rating=rating)
            if rating is not None
            else tell(turn, "se.ok.own_rating_removed", name=name)
        )
        return (
            with_ops(
                ops.SetOwnRating(view.id, dim.key, rating),
                out=(refresh("dim_root", view.id, dim.key), refresh("progress")),
            )
            + said
            + self.first_answer_asks_role(turn, view)
        )

    @command("vurdering", "vurder", "rate", "rating", under=SELFEVAL)
    def cmd_rate(self, turn: Turn, rest: str) -> Outcome:
        view = self.open_round(turn)
        self.facilitator_only(turn, "se.err.rate_facilitator")
        parts = rest.split()
        if not parts:
            raise Refusal("se.err.needs_dimension")
        dim = self.posted_dimension(view, parts[0], turn)
        if len(parts) == 1:
            return self.open_rating(turn, view, dim)
        try:
            rating = parse_rating(" ".join(parts[1:]))
        except BadRating:
            raise Refusal("se.err.bad_rating") from None
        return self.save_rating(turn, view, dim, rating)

    def open_rating(self, turn: Turn, view: SelfEvalView, dim: Dimension) -> Outcome:
        current = view.ratings.get(dim.key)
        form = v.rating_form(turn.lang, view.id, dim, current.rating if current else None)
        return Outcome(out=(OpenForm(form),))

    def save_rating(
        self, turn: Turn, view: SelfEvalView, dim: Dimension, rating: int | None
    ) -> Outcome:
        name = dim.name[turn.lang]
        said = (
            announce(
                turn,
                "se.ok.rating",
                who=turn.actor.name,
                name=name,
                rating=rating,
                label=t(turn.lang, "se.rating.label"),
            )
            if rating is not None
            else announce(turn, "se.ok.rating_removed", who=turn.actor.name, name=name)
        )
        return (
            with_ops(
                ops.SetTeamRating(view.id, dim.key, rating),
                out=(refresh("dim_root", view.id, dim.key), refresh("progress")),
            )
            + said
        )

    @command("udviklingspunkt", "punkt", "point", under=SELFEVAL)
    def cmd_point(self, turn: Turn, rest: str) -> Outcome:
        view = self.open_round(turn)
        key, _, text = rest.partition(" ")
        if not key:
            raise Refusal("se.err.needs_dimension")
        dim = self.posted_dimension(view, key, turn)
        if not text.strip():
            return Outcome(out=(OpenForm(v.point_form(turn.lang, view.id, dim, None)),))
        return self.save_point(turn, view, dim, text, typed=True)

    def save_point(
        self, turn: Turn, view: SelfEvalView, dim: Dimension, text: str, *, typed: bool
    ) -> Outcome:
        error = check_text(text, v.REFLECTION_KIND, turn.lang)
        if error:
            if typed:
                return tell(turn, "se.err.input", error=error)
            form = v.point_form(turn.lang, view.id, dim, text)
            return Outcome(out=(RejectForm(replace(form, errors={"text": error})),))
        return with_ops(
            ops.AddDevelopmentPoint(view.id, dim.key, text.strip()),
            out=(
                refresh("points", view.id, dim.key),
                refresh("dim_root", view.id, dim.key),
                refresh("progress"),
            ),
        ) + tell(turn, "se.ok.point_added", name=dim.name[turn.lang])

    def point_number(self, rest: str) -> int:
        word = rest.strip().lstrip("#").split(" ")[0]
        if not word.isdigit():
            raise Refusal("se.err.needs_point")
        return int(word)

    @command("fjern", "remove", under=SELFEVAL)
    def cmd_remove(self, turn: Turn, rest: str) -> Outcome:
        view = self.open_round(turn)
        return self.remove_point(turn, view, self.point(view, self.point_number(rest)))

    def remove_point(self, turn: Turn, view: SelfEvalView, p: PointView) -> Outcome:
        if p.author_external_id != turn.actor.external_id and not turn.is_facilitator:
            raise Refusal("se.err.not_your_point")
        if p.agreed:
            raise Refusal("se.err.already_agreed", id=p.id)
        return with_ops(
            ops.RemoveDevelopmentPoint(view.id, p.id),
            out=(
                refresh("points", view.id, p.dimension),
                refresh("dim_root", view.id, p.dimension),
                refresh("progress"),
            ),
        ) + tell(turn, "se.ok.removed", id=p.id)

    @command("aftale", "agreement", "agree", under=SELFEVAL)
    def cmd_agree(self, turn: Turn, rest: str) -> Outcome:
        view = self.open_round(turn)
        return self.open_agreement(turn, view, self.point(view, self.point_number(rest)))

    def open_agreement(self, turn: Turn, view: SelfEvalView, p: PointView) -> Outcome:
        self.facilitator_only(turn)
        if p.agreed:
            raise Refusal("se.err.already_agreed", id=p.id)
        dim = self.catalogue.dimension(p.dimension)
        return Outcome(out=(OpenForm(agreement_form(turn, view.id, p, dim, {})),))

    @command("spørgsmål", "spoergsmaal", "questions", under=SELFEVAL)
    def cmd_questions(self, turn: Turn, _rest: str) -> Outcome:
        started, view = self.ensure_pace(turn, self.open_round(turn))
        return started + Outcome(out=(refresh("my_questions", view.id),))

    @command("luk", "close", under=SELFEVAL)
    def cmd_close(self, turn: Turn, _rest: str) -> Outcome:
        view = self.open_round(turn)
        self.facilitator_only(turn)
        return (
            with_ops(ops.CloseSelfEval(view.id))
            + announce(turn, "se.ok.closed", who=turn.actor.name)
            + Outcome(out=(refresh("progress"), refresh("all_dims"), refresh("summary")))
        )

    @command("resultat", "opsummering", "summary", "result", under=SELFEVAL)
    def cmd_summary(self, turn: Turn, _rest: str) -> Outcome:
        self.current(turn)
        return Outcome(out=(refresh("summary"),))

    # ---- clicks and forms ----
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

    @verb("se-refl")
    def act_refl(self, turn: Turn, a: Action, _v: Values) -> Outcome:
        view = self.open_round(turn, a.int_arg(0))
        return self.open_reflection(turn, view, self.question(view, a.arg(1), turn))

    @verb("se-f-refl")
    def act_f_refl(self, turn: Turn, a: Action, values: Values) -> Outcome:
        view = self.open_round(turn, a.int_arg(0))
        q = self.question(view, a.arg(1), turn)
        return self.save_reflection(turn, view, q, values.get("text", ""), typed=False)

    @verb("se-role")
    def act_role(self, turn: Turn, a: Action, _v: Values) -> Outcome:
        view = self.open_round(turn, a.int_arg(0))
        role = a.arg(1)
        if role not in (LEADER, STAFF):
            raise actions.BadAction(role)
        return self.set_role(turn, view, role)

    @verb("se-own")
    def act_own(self, turn: Turn, a: Action, _v: Values) -> Outcome:
        view = self.open_round(turn, a.int_arg(0))
        return self.open_own_rating(turn, view, self.posted_dimension(view, a.arg(1), turn))

    @verb("se-f-own")
    def act_f_own(self, turn: Turn, a: Action, values: Values) -> Outcome:
        view = self.open_round(turn, a.int_arg(0))
        dim = self.posted_dimension(view, a.arg(1), turn)
        try:
            rating = parse_rating(values.get("rating", ""))
        except BadRating:
            error = t(turn.lang, "se.err.bad_rating")
            form = v.own_rating_form(turn.lang, view.id, dim, None)
            return Outcome(out=(RejectForm(replace(form, errors={"rating": error})),))
        return self.save_own_rating(turn, view, dim, rating)

    @verb("se-rate")
    def act_rate(self, turn: Turn, a: Action, _v: Values) -> Outcome:
        view = self.open_round(turn, a.int_arg(0))
        self.facilitator_only(turn, "se.err.rate_facilitator")
        return self.open_rating(turn, view, self.posted_dimension(view, a.arg(1), turn))

    @verb("se-f-rate")
    def act_f_rate(self, turn: Turn, a: Action, values: Values) -> Outcome:
        view = self.open_round(turn, a.int_arg(0))
        self.facilitator_only(turn, "se.err.rate_facilitator")
        dim = self.posted_dimension(view, a.arg(1), turn)
        try:
            rating = parse_rating(values.get("rating", ""))
        except BadRating:
            error = t(turn.lang, "se.err.bad_rating")
            form = v.rating_form(turn.lang, view.id, dim, None)
            return Outcome(out=(RejectForm(replace(form, errors={"rating": error})),))
        return self.save_rating(turn, view, dim, rating)

    @verb("se-pt")
    def act_pt(self, turn: Turn, a: Action, _v: Values) -> Outcome:
        view = self.open_round(turn, a.int_arg(0))
        dim = self.posted_dimension(view, a.arg(1), turn)
        return Outcome(out=(OpenForm(v.point_form(turn.lang, view.id, dim, None)),))

    @verb("se-f-pt")
    def act_f_pt(self, turn: Turn, a: Action, values: Values) -> Outcome:
        view = self.open_round(turn, a.int_arg(0))
        dim = self.posted_dimension(view, a.arg(1), turn)
        return self.save_point(turn, view, dim, values.get("text", ""), typed=False)

    @verb("se-rm")
    def act_rm(self, turn: Turn, a: Action, _v: Values) -> Outcome:
        view = self.open_round(turn, a.int_arg(0))
        return self.remove_point(turn, view, self.point(view, a.int_arg(1)))

    @verb("se-agree")
    def act_agree(self, turn: Turn, a: Action, _v: Values) -> Outcome:
        view = self.open_round(turn, a.int_arg(0))
        return self.open_agreement(turn, view, self.point(view, a.int_arg(1)))

    @verb("se-f-agree")
    def act_f_agree(self, turn: Turn, a: Action, values: Values) -> Outcome:
        view = self.open_round(turn, a.int_arg(0))
        self.facilitator_only(turn)
        p = self.point(view, a.int_arg(1))
        if p.agreed:
            raise Refusal("se.err.already_agreed", id=p.id)
        dim = self.catalogue.dimension(p.dimension)
        result = agreement_op(turn, view.id, p, dim, values)
        if isinstance(result, Form):
            return Outcome(out=(RejectForm(result),))
        return with_ops(
            result,
            ops.MarkPointAgreed(view.id, p.id),
            out=(refresh("points", view.id, p.dimension),),
        ) + announce(
            turn,
            "se.ok.agreed",
            who=turn.actor.name,
            id=p.id,
            name=dim.name[turn.lang],
        )

    # ---- derived messages ----
    def render(self, r: Refresh, turn: Turn) -> list[Post]:
        from dialogs.selfeval.render import render

        return render(self, r, turn)
