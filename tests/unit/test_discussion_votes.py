"""The results discussion's pure parts: the vote count of step 4, the elements step 3
revisits, and how a field of notes is read."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from dialogs.assessment.model import AssessmentView, MemberAnswerView
from dialogs.discussion.forms import parse_items
from dialogs.discussion.model import POTENTIAL, STRENGTH, DiscussionView, NoteView
from dialogs.discussion.results import lowest_elements, prioritised, ranking
from scoring.catalogue import load_catalogue
from scoring.table import DEFAULT_TABLE, load_table

CATALOGUE = load_catalogue()
TABLE = load_table(DEFAULT_TABLE, CATALOGUE)
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def discussion(*voters: tuple[str, ...]) -> DiscussionView:
    """Potentials 1… with these voters, and a strength in between (not a potential)."""
    notes = [NoteView(100, "anna", "Anna", STRENGTH, "En styrke", voters=("bo",))]
    notes += [
        NoteView(i, "anna", "Anna", POTENTIAL, f"Potentiale {i}", voters=v)
        for i, v in enumerate(voters, 1)
    ]
    notes.sort(key=lambda n: n.id)
    return DiscussionView(1, 1, "running", 4, "live", 0, 3, (), NOW, notes=tuple(notes))


@pytest.mark.parametrize(
    ("voters", "order", "counts"),
    [
        ((), [], []),
        (((), ()), [1, 2], [0, 0]),
        ((("a",), ("a", "b"), ()), [2, 1, 3], [2, 1, 0]),
        # ties keep the order the potentials were written in
        ((("a",), ("b", "c"), ("d",), ("a", "b")), [2, 4, 1, 3], [2, 2, 1, 1]),
        # a voter counted once per potential, however the rows came back
        ((("a", "a", "b"), ("c",)), [1, 2], [2, 1]),
    ],
)
def test_the_vote_count_ranks_by_votes_then_by_number(
    voters: tuple[tuple[str, ...], ...], order: list[int], counts: list[int]
) -> None:
    ranked = ranking(discussion(*voters))
    assert [r.number for r in ranked] == order
    assert [r.votes for r in ranked] == counts
    assert all(r.note.kind == POTENTIAL for r in ranked)


def test_prioritised_are_the_voted_ones_at_most_five() -> None:
    voted = discussion(*[("a",) if i % 2 else () for i in range(1, 14)])
    assert [r.number for r in prioritised(voted)] == [1, 3, 5, 7, 9]
    few = discussion(("a", "b"), (), ("c",))
    assert [r.number for r in prioritised(few)] == [1, 3]
    nobody = discussion(*[() for _ in range(7)])
    assert [r.number for r in prioritised(nobody)] == [1, 2, 3, 4, 5]


def assessment(answers: dict[str, str]) -> AssessmentView:
    rows = {qid: (MemberAnswerView("anna", "Anna", value, None),) for qid, value in answers.items()}
    return AssessmentView(1, "Recovery", None, 1, "closed", "all", 11, NOW, answers=rows)


def test_the_lowest_elements_need_enough_answers_and_a_score_below_full() -> None:
    answers = {f"1.{i}": "nej" for i in range(1, 7)}  # 0.00, all answered
    answers |= {"5.1": "ja", "5.2": "nej"}  # 1.00: nothing to revisit
    answers |= {"7.1": "delvist", "7.2": "ja"}  # 0.75 with 2 of 4: enough
    answers |= {"8.1": "nej"}  # 1 of 4: too few
    answers |= {f"10.{i}": "delvist" for i in range(1, 8)}  # 0.50
    answers |= {f"11.{i}": "ja" for i in range(1, 7)} | {"11.7": "nej"}  # 0.86
    lowest, too_few = lowest_elements(assessment(answers), CATALOGUE, TABLE)
    assert [s.number for s in lowest] == [1, 10, 7]
    assert 8 in [s.number for s in too_few] and 5 not in [s.number for s in too_few]


def test_ties_at_the_third_lowest_are_kept_up_to_five() -> None:
    answers = {f"{e}.1": "nej" for e in (5,)} | {"5.2": "ja"}  # 5: 0.0 (5.2 is reversed)
    for element in (3, 4, 6, 9):  # all 0.5
        for q in CATALOGUE.element(element).questions:
            answers[q.id] = "delvist"
    answers["7.1"] = answers["7.2"] = "delvist"
    lowest, _ = lowest_elements(assessment(answers), CATALOGUE, TABLE)
    assert [s.number for s in lowest][:1] == [5]
    assert [s.number for s in lowest] == [5, 3, 4, 6, 7]  # five at most, by number


def test_a_field_of_notes_is_one_per_line() -> None:
    assert parse_items("- Klare mål\n\n• Recovery\n2) Tre  ord ", "da") == (
        ("Klare mål", "Recovery", "Tre ord"),
        None,
    )
    assert parse_items("", "da") == ((), None)
    items, error = parse_items("a\nb\nc\nd\ne\nf", "da")
    assert items == () and error is not None and "Højst 5" in error
    _, too_long = parse_items("ok\n" + "x" * 301, "da")
    assert (
        too_long == "Linje 2: Teksten er for lang: 301 tegn – højst 300. Forkort den og prøv igen."
    )
    _, alone = parse_items("x" * 301, "en")
    assert alone is not None and alone.startswith("The text is too long")
    assert replace(discussion(), step=1).potentials == ()
