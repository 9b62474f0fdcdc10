"""Typed answers as Danes write them (issue 17): a decimal comma, `delvis`, `ja.`, `ved-ikke`,
`ikke relevant fordi …` without a colon, one letter, a whole element in a row; the pace words;
commands named in English texts by their English aliases."""

from __future__ import annotations

import pytest

from dialogs.assessment.commands import BulkError, question_ref, split_answer, split_bulk
from dialogs.assessment.pace import Pace, parse_pace
from dialogs.assessment.words import command
from dialogs.turn import Surface
from scoring.catalogue import load_catalogue

CAT = load_catalogue()


@pytest.mark.parametrize(
    ("rest", "expected"),
    [
        ("1.1 ja", ("1.1", False, "ja")),
        ("1,2 ja", ("1.2", False, "ja")),  # a Danish decimal comma
        ("1.1: ja", ("1.1", False, "ja")),
        ("1.1:ja", ("1.1", False, "ja")),
        ("1.1. ja", ("1.1", False, "ja")),
        ("11.7 nej.", ("11.7", False, "nej.")),
        ("1: j j d n i:grund j", ("1", True, "j j d n i:grund j")),
        ("1 j j", ("1", True, "j j")),
        ("2.2", ("2.2", False, "")),
        ("ja", None),
        ("1.123 ja", None),
        ("1.1ja", None),
    ],
)
def test_question_ref(rest: str, expected: tuple[str, bool, str] | None) -> None:
    assert question_ref(rest) == expected


@pytest.mark.parametrize(
    ("qid", "text", "expected"),
    [
        ("1.1", "ja.", ("ja", None)),
        ("1.1", "Ja!", ("ja", None)),
        ("1.1", "delvis", ("delvist", None)),
        ("1.1", "ved-ikke", ("ved_ikke", None)),
        ("1.1", "Ved ikke", ("ved_ikke", None)),
        ("1.1", "ikke relevant fordi vi ikke har det", ("ikke_relevant", "fordi vi ikke har det")),
        ("1.1", "ikke relevant: fordi", ("ikke_relevant", "fordi")),
        ("1.1", "ja, vi bruger LØFT", ("ja", "vi bruger LØFT")),
        ("1.1", "j", ("ja", None)),
        ("1.1", "d", ("delvist", None)),
        ("1.1", "n", ("nej", None)),
        ("1.1", "v", ("ved_ikke", None)),
        ("1.1", "i grund", ("ikke_relevant", "grund")),
        ("1.1", "måske", (None, None)),
        ("2.2", "a og c", ("a,c", None)),
        ("2.2", "a, c fordi vi har begge", ("a,c", "fordi vi har begge")),
        ("2.2", "a c i vores praksis", ("a,c", "i vores praksis")),
        ("2.2", "f, a", (None, None)),  # f only alone: every letter counts, none is a comment
        ("2.3", "kommunale", ("kommunale_konsulenter", None)),
        ("2.3", "v", ("ved_ikke", None)),
        ("2.3", "Universitet/forskningsinstitution", ("universitet", None)),
    ],
)
def test_split_answer(qid: str, text: str, expected: tuple[str | None, str | None]) -> None:
    assert split_answer(CAT.question(qid), text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "j j d n i:grund j",
            [("j", None), ("j", None), ("d", None), ("n", None), ("i", "grund"), ("j", None)],
        ),
        (
            "j; j; i: passer ikke til os; j",
            [("j", None), ("j", None), ("i", "passer ikke til os"), ("j", None)],
        ),
        ("j n i: passer ikke til os", [("j", None), ("n", None), ("i", "passer ikke til os")]),
        ("j ved ikke ikke relevant:x", [("j", None), ("ved ikke", None), ("ikke relevant", "x")]),
        ('j i:"passer ikke" n', [("j", None), ("i", "passer ikke"), ("n", None)]),
        ("ja a,c universitet", [("ja", None), ("a,c", None), ("universitet", None)]),
    ],
)
def test_split_bulk(text: str, expected: list[tuple[str, str | None]]) -> None:
    assert split_bulk(text) == expected


@pytest.mark.parametrize("text", ["j :grund", 'j i:"passer ikke'])
def test_split_bulk_refuses(text: str) -> None:
    with pytest.raises(BulkError):
        split_bulk(text)


@pytest.mark.parametrize(
    ("text", "pace"),
    [("ét", "one"), ("et", "one"), ("1", "one"), ("Alle", "all"), ("alle på én gang", "all")],
)
def test_parse_pace(text: str, pace: str) -> None:
    assert parse_pace(text) == pace


def test_the_layout_is_kept_with_the_pace() -> None:
    channel = Surface(prefix="/lovende ")
    group = Surface(prefix="@Lovende praksis ", threads=False)
    one_to_one = Surface(threads=False, private=True)
    assert Pace.of(None, group).stored("one") == "one-flat"
    assert Pace.of(None, one_to_one).stored("all") == "all-solo"
    assert Pace.of(None, channel).stored("one") == "one"
    # stored, it does not depend on where a later turn happens (a DM button about a channel)
    assert Pace.of("one", one_to_one) == Pace("one", "threads")
    assert Pace.of("all-flat", channel).flat and not Pace.of("all-flat", channel).solo
    assert len("all-solo") <= 8  # the column's width


def test_commands_are_named_as_typed_there_and_in_english_texts_in_english() -> None:
    slack = Surface(prefix="/lovende ")
    assert command("da", slack, "næste spørgsmål") == "`/lovende næste spørgsmål`"
    assert command("en", slack, "næste spørgsmål") == "`/lovende next question`"
    assert command("en", Surface(), "svar 1.1 ja") == "`answer 1.1 yes`"
    assert command("en", Surface(), "tempo alle") == "`pace all`"
    why = command("en", Surface(), "svar 1.1 ja: vi bruger LØFT")
    assert why == "`answer 1.1 yes: we use LØFT`"
