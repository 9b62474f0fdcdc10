"""The default scoring table, table-driven, including PRODUCT.md's three worked examples."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoring.catalogue import load_catalogue
from scoring.scores import all_scores, element_score
from scoring.table import DEFAULT_TABLE, ScoringTableError, load_table

CAT = load_catalogue()
TABLE = load_table(DEFAULT_TABLE, CAT)


def team(element: int, answers: list[str]) -> dict[str, str]:
    return {f"{element}.{i}": a for i, a in enumerate(answers, 1)}


@pytest.mark.parametrize(
    ("element", "answers", "score", "answered", "total"),
    [
        # PRODUCT.md §2 examples
        (1, ["ja", "ja", "delvist", "nej", "ved_ikke", "ikke_relevant"], 0.50, 6, 6),
        (5, ["ja", "nej"], 1.00, 2, 2),
        (2, ["ja", "a,c"], 0.875, 2, 2),
        # reversed 5.2
        (5, ["ja", "ja"], 0.50, 2, 2),
        (5, ["delvist", "delvist"], 0.50, 2, 2),
        # 2.2 graded by the highest option, f scores 0, 2.3 never counts
        (2, ["nej", "a"], 0.125, 2, 2),
        (2, ["nej", "b,e"], 0.375, 2, 2),
        (2, ["nej", "d"], 0.5, 2, 2),
        (2, ["ja", "f"], 0.5, 2, 2),
        # partial element: 5 of 6 answered
        (1, ["ja", "ja", "delvist", "nej", "ja"], 0.70, 5, 6),
        # everything not relevant: no score at all
        (6, ["ikke_relevant"] * 3, None, 3, 3),
    ],
)
def test_element_scores(
    element: int, answers: list[str], score: float | None, answered: int, total: int
) -> None:
    result = element_score(CAT, TABLE, element, team(element, answers))
    assert result.score == (pytest.approx(score) if score is not None else None)
    assert (result.answered, result.total) == (answered, total)
    assert result.partial == (answered < total)


def test_unanswered_element_has_no_score_and_zero_coverage() -> None:
    result = element_score(CAT, TABLE, 3, {})
    assert result.score is None and result.answered == 0 and result.total == 8


def test_2_3_is_recorded_but_not_scored() -> None:
    with_23 = {**team(2, ["ja", "c"]), "2.3": "universitet"}
    assert element_score(CAT, TABLE, 2, with_23).total == 2
    assert element_score(CAT, TABLE, 2, with_23).score == pytest.approx(0.875)


def test_flags_expert_review_and_knowledge_gaps() -> None:
    answers = {**team(2, ["ja", "a,d"]), "1.5": "ved_ikke"}
    flags = {(f.question, f.flag) for s in all_scores(CAT, TABLE, answers) for f in s.flags}
    assert flags == {("2.2", "expert_review"), ("1.5", "knowledge_gap")}


def test_an_alternative_table_file_replaces_the_default(tmp_path: Path) -> None:
    text = DEFAULT_TABLE.read_text(encoding="utf-8").replace(
        "1.1,scale,1,0.5,0,0,excluded", "1.1,scale,1,0.75,0,0,excluded"
    )
    path = tmp_path / "kommune.csv"
    path.write_text(text, encoding="utf-8")
    table = load_table(path, CAT)
    assert element_score(CAT, table, 1, {"1.1": "delvist"}).score == pytest.approx(0.75)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t.replace("1.1,scale,1,", "1.1,scale,en,"), "hverken et tal"),
        (lambda t: t.replace("1.1,scale", "1.1,magic"), "ukendt regel"),
        (
            lambda t: "\n".join(line for line in t.splitlines() if not line.startswith("4.2")),
            "mangler rækker for 4.2",
        ),
    ],
)
def test_a_broken_table_is_refused_with_a_clear_message(
    tmp_path: Path, change: object, message: str
) -> None:
    path = tmp_path / "broken.csv"
    path.write_text(change(DEFAULT_TABLE.read_text(encoding="utf-8")), encoding="utf-8")  # type: ignore[operator]
    with pytest.raises(ScoringTableError, match=message):
        load_table(path, CAT)
