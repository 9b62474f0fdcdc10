"""What every part of the assessment dialog shares: its data, its checks and the renderer of
its messages (the parts: round.py, answering.py, teamwork.py; dialog.py joins them)."""

from __future__ import annotations

import difflib
from functools import partial

from dialogs import actions
from dialogs.assessment.model import OWNER, AssessmentView, assessment_of
from dialogs.assessment.render import Renderer
from dialogs.assessment.views import answer_label
from dialogs.effects import Outcome, Post, Refresh
from dialogs.feature import FeatureDialog
from dialogs.replies import Refusal, show_help, tell
from dialogs.turn import Turn
from scoring.catalogue import Catalogue, Question
from scoring.table import ScoringTable

refresh = partial(Refresh, owner=OWNER)


class AssessmentBase(FeatureDialog):
    def __init__(self, catalogue: Catalogue, table: ScoringTable) -> None:
        self.catalogue = catalogue
        self.renderer = Renderer(catalogue, table)

    def render(self, refresh: Refresh, turn: Turn) -> list[Post]:
        return self.renderer.render(refresh, turn)

    def unknown_command(self, turn: Turn, line: str) -> Outcome:
        """Every word no feature knows comes here: one line, with the command it most likely
        was (a typo of one of the assessment's) or the hint to `hjælp` — never the whole help."""
        if not line:
            return show_help(turn)
        first = line.split()[0].casefold()
        like = difflib.get_close_matches(first, sorted(self.words), n=1, cutoff=0.75)
        if like:
            return tell(
                turn, "err.unknown_command_like", text=line[:60], suggestion=turn.command(like[0])
            )
        return tell(turn, "err.unknown_command", text=line[:60])

    # ---- shared checks ----
    def open_round(self, turn: Turn, aid: int | None = None) -> AssessmentView:
        view = assessment_of(turn)
        if view is None:
            raise Refusal("err.no_assessment")
        if aid is not None and aid != view.id:
            raise Refusal("err.not_this_round")  # another channel's or an old round's ids
        if not view.is_open:
            raise Refusal("err.closed")
        return view

    def any_round(self, turn: Turn) -> AssessmentView:
        view = assessment_of(turn)
        if view is None:
            raise Refusal("err.no_assessment")
        return view

    def facilitator_only(self, turn: Turn) -> None:
        if not turn.is_facilitator:
            raise Refusal("err.facilitator_only")

    def question(self, qid: str) -> Question:
        if not self.catalogue.has_question(qid):
            raise Refusal("err.unknown_question", question=qid)
        return self.catalogue.question(qid)

    def my_comment(self, view: AssessmentView, turn: Turn, qid: str) -> str | None:
        return next(
            (
                a.comment
                for a in view.answers.get(qid, ())
                if a.member_external_id == turn.actor.external_id
            ),
            None,
        )

    def element_number(self, number: int) -> int:
        if not 1 <= number <= len(self.catalogue.elements):
            raise actions.BadAction(str(number))
        return number

    def choice_hint(self, turn: Turn, q: Question) -> str:
        if q.type == "multi":
            return "a–f (fx a,c)" if turn.lang == "da" else "a–f (e.g. a,c)"
        return " / ".join(answer_label(turn.lang, q, v) for v in q.choices())
