"""Pure computations of the discussion: the vote count of step 4 and the elements step 3
revisits (the lowest scores among the elements with enough answers)."""

from __future__ import annotations

from dataclasses import dataclass

from dialogs.assessment.model import AssessmentView
from dialogs.assessment.team import team_answers
from dialogs.discussion.model import DiscussionView, NoteView
from scoring.catalogue import Catalogue
from scoring.scores import ElementScore, all_scores
from scoring.table import ScoringTable

LOWEST = 3  # elements revisited in step 3 …
LOWEST_WITH_TIES = 5  # … more when several share the third-lowest score, never more than this
MIN_COVERAGE = 0.5  # an element needs team answers to half its scored questions to be ranked
PRIORITISED = 5  # potentials offered as agreements or as a meeting's data basis


@dataclass(frozen=True)
class Ranked:
    number: int  # the potential's number (what people vote by)
    note: NoteView
    votes: int


def ranking(view: DiscussionView) -> list[Ranked]:
    """Every potential with its votes, most votes first; ties keep the order they were
    written in (the number), so the list never reshuffles between two renderings."""
    ranked = [Ranked(i, n, len(set(n.voters))) for i, n in enumerate(view.potentials, 1)]
    return sorted(ranked, key=lambda r: (-r.votes, r.number))


def prioritised(view: DiscussionView) -> list[Ranked]:
    """The potentials the team prioritised: those with votes, most first (at most
    PRIORITISED). When nobody voted, the first ones written, so the result still leads on."""
    ranked = ranking(view)
    voted = [r for r in ranked if r.votes]
    return (voted or sorted(ranked, key=lambda r: r.number))[:PRIORITISED]


def enough_answers(s: ElementScore) -> bool:
    return s.score is not None and s.answered >= MIN_COVERAGE * s.total


def lowest_elements(
    view: AssessmentView, catalogue: Catalogue, table: ScoringTable
) -> tuple[list[ElementScore], list[ElementScore]]:
    """The elements step 3 revisits — the lowest scores (below full marks) among the elements
    with enough answers, lowest first — and the elements left out for too few answers."""
    scores = all_scores(catalogue, table, team_answers(view, catalogue))
    ranked = sorted(
        (s for s in scores if enough_answers(s) and (s.score or 0.0) < 1.0),
        key=lambda s: (s.score or 0.0, s.number),
    )
    chosen = ranked[:LOWEST]
    if chosen:
        cut = chosen[-1].score
        chosen += [s for s in ranked[LOWEST:LOWEST_WITH_TIES] if s.score == cut]
    return chosen, [s for s in scores if not enough_answers(s)]
