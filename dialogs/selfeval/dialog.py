"""The self-evaluation dialog: a pure step from (turn, event) to data operations and messages.

Run like an assessment but reflective: the five dimensions are posted one at a time or all at
once, each with its questions in a thread; every member writes free-text reflections, the
facilitator may give a dimension the team's own rating (1–5), and anyone may add development
points, which a facilitator can turn into agreements. Built on Roles (roles.py: leaders and
staff, and each respondent's own rating), which is built on SelfEvalBase (base.py: lookups,
checks and the pace).
"""

from __future__ import annotations

from dataclasses import replace

from dialogs import effects as fx
from dialogs.actions import Action
from dialogs.effects import OpenForm, Outcome, Post, Refresh, RejectForm
from dialogs.feature import Values, command, verb
from dialogs.i18n import t
from dialogs.messages import Form
from dialogs.replies import Refusal, announce, show_help, tell
from dialogs.selfeval import ops
from dialogs.selfeval import views as v
from dialogs.selfeval.agreements import agreement_form, agreement_op
from dialogs.selfeval.base import SELFEVAL, BadRating, parse_rating, refresh, with_ops
from dialogs.selfeval.model import OWNER, PointView, SelfEvalView, selfeval_of
from dialogs.selfeval.roles import Roles
from dialogs.text_input import check_text
from dialogs.turn import Turn
from scoring.org_catalogue import Dimension, OrgQuestion


class SelfEvalDialog(Roles):
    name = OWNER
    reads = frozenset({OWNER})
    bad_action = "se.err.bad_action"

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

    # ---- each respondent's own rating of a dimension ----
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
    @verb("se-refl")
    def act_refl(self, turn: Turn, a: Action, _v: Values) -> Outcome:
        view = self.open_round(turn, a.int_arg(0))
        return self.open_reflection(turn, view, self.question(view, a.arg(1), turn))

    @verb("se-f-refl")
    def act_f_refl(self, turn: Turn, a: Action, values: Values) -> Outcome:
        view = self.open_round(turn, a.int_arg(0))
        q = self.question(view, a.arg(1), turn)
        return self.save_reflection(turn, view, q, values.get("text", ""), typed=False)

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
