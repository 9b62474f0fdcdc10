"""Leaders and staff side by side (booklet 1: "en fælles proces med ledere og medarbejdere"):
which role each respondent answers as — asked once, with their first answer, changeable —
and each respondent's own rating of a dimension, so both perspectives can be shown."""

from __future__ import annotations

from dataclasses import replace

from dialogs import actions
from dialogs import effects as fx
from dialogs.actions import Action
from dialogs.effects import OpenForm, Outcome, Post, RejectForm
from dialogs.feature import Values, command, verb
from dialogs.i18n import t
from dialogs.messages import Message, Text, ToActorOnly
from dialogs.replies import Refusal, tell
from dialogs.selfeval import ops
from dialogs.selfeval import views as v
from dialogs.selfeval.base import (
    SELFEVAL,
    BadRating,
    SelfEvalBase,
    parse_rating,
    refresh,
    with_ops,
)
from dialogs.selfeval.model import LEADER, ROLES, STAFF, SelfEvalView
from dialogs.turn import Turn
from scoring.org_catalogue import Dimension

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


class Roles(SelfEvalBase):
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

    # ---- their buttons and form ----
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
