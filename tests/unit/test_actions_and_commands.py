"""Action ids and the typed-command vocabulary."""

from __future__ import annotations

import pytest

from dialogs import actions
from dialogs.assessment import AssessmentDialog
from dialogs.assessment.commands import parse_answer, split_comment
from scoring.catalogue import load_catalogue

split_command = AssessmentDialog.resolve  # (the handler of a typed command, the rest)

CAT = load_catalogue()


def test_action_ids_round_trip() -> None:
    encoded = actions.encode("ans", 12, "1.1", "ja")
    assert encoded == "lp:ans:12:1.1:ja"
    decoded = actions.decode(encoded)
    assert decoded.verb == "ans" and decoded.int_arg(0) == 12 and decoded.arg(2) == "ja"


@pytest.mark.parametrize("bad", ["", "xx:ans", "lp", "lp::1", "x" * 300, "ans:1"])
def test_malformed_action_ids_are_refused(bad: str) -> None:
    with pytest.raises(actions.BadAction):
        actions.decode(bad)


def test_action_arguments_are_checked() -> None:
    with pytest.raises(actions.BadAction):
        actions.decode("lp:ans:abc").int_arg(0)
    with pytest.raises(ValueError):
        actions.encode("ans", "with:colon")


@pytest.mark.parametrize(
    ("text", "command", "rest"),
    [
        ("start Recovery", "start", "Recovery"),
        ("/lovende status", "status", ""),
        ("LUK", "close", ""),
        ("help", "help", ""),
        ("svar 1.1 ja", "answer", "1.1 ja"),
        ("blah", None, ""),
    ],
)
def test_split_command(text: str, command: str | None, rest: str) -> None:
    assert split_command(text)[0] == command
    if command:
        assert split_command(text)[1] == rest


@pytest.mark.parametrize(
    ("qid", "text", "value"),
    [
        ("1.1", "ja", "ja"),
        ("1.1", "Yes", "ja"),
        ("1.1", "ved  ikke", "ved_ikke"),
        ("1.1", "not relevant", "ikke_relevant"),
        ("1.1", "måske", None),
        ("2.2", "c,a", "a,c"),
        ("2.2", "a c", "a,c"),
        ("2.2", "f", "f"),
        ("2.2", "a,f", None),
        ("2.2", "z", None),
        ("2.3", "universitet", "universitet"),
        ("2.3", "2", "konsulenthus"),
        ("2.3", "ved ikke", "ved_ikke"),
    ],
)
def test_parse_answer(qid: str, text: str, value: str | None) -> None:
    assert parse_answer(CAT.question(qid), text) == value


def test_split_comment() -> None:
    assert split_comment("ikke relevant: fordi x: y") == ("ikke relevant", "fordi x: y")
    assert split_comment("ja") == ("ja", None)
