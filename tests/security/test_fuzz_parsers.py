"""Property-based tests of every inbound parser of the core: action ids, typed commands and
answers, comments, free-text checks and CPR detection. Deterministic (derandomize=True)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dialogs import actions
from dialogs.assessment import AssessmentDialog
from dialogs.assessment.commands import SCALE_WORDS, parse_answer, split_comment
from dialogs.i18n import LANGUAGES
from dialogs.text_input import LIMITS, check_text, contains_cpr
from scoring.catalogue import load_catalogue

FAST = settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
CATALOGUE = load_catalogue()
ALIASES = AssessmentDialog.top_commands  # command word -> the method that handles it
split_command = AssessmentDialog.resolve
QUESTIONS = CATALOGUE.questions

# Text with the characters that matter here: separators, digits, Danish letters, control
# characters, and the odd astral-plane symbol.
TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from(list(":,;- \t\n/0123456789lpæøåÆØÅ")),
        st.characters(codec="utf-8"),
    ),
    max_size=400,
)


# ---- action ids ----
@FAST
@given(TEXT)
@example("lp:")
@example("lp::")
@example(":lp:ans")
@example("lp:ans:" + "9" * 300)
def test_decode_accepts_or_rejects_cleanly(text: str) -> None:
    try:
        action = actions.decode(text)
    except actions.BadAction:
        return
    assert text.startswith("lp:") and len(text) <= actions.MAX_LENGTH
    assert action.verb and ":" not in action.verb
    for i in range(len(action.args) + 2):  # arguments out of range are BadAction too
        try:
            action.int_arg(i)
        except actions.BadAction:
            pass
        try:
            action.arg(i)
        except actions.BadAction:
            pass


PART = st.text(alphabet=st.characters(exclude_characters=":"), min_size=1, max_size=20)


@FAST
@given(PART, st.lists(st.one_of(PART, st.integers()), max_size=6))
def test_encode_then_decode_round_trips(verb: str, args: list[object]) -> None:
    try:
        text = actions.encode(verb, *args)
    except ValueError:
        assert len(":".join(["lp", verb, *map(str, args)])) > actions.MAX_LENGTH
        return
    decoded = actions.decode(text)
    assert decoded == actions.Action(verb, tuple(str(a) for a in args))


def test_decode_rejects_non_strings() -> None:
    for value in (None, 3, b"lp:ans", ["lp", "ans"]):
        with pytest.raises(actions.BadAction):
            actions.decode(value)  # type: ignore[arg-type]


# ---- typed commands ----
@FAST
@given(TEXT)
@example("/lovende")
@example("/lovende   svar 1.1 ja")
@example("  ")
def test_split_command_never_raises(text: str) -> None:
    name, rest = split_command(text)
    assert name is None or name in set(ALIASES.values())
    assert rest == rest.strip()


@FAST
@given(st.sampled_from(sorted(ALIASES)), TEXT)
def test_every_command_word_is_recognised_with_any_rest(word: str, rest: str) -> None:
    name, _ = split_command(f"{word} {rest}")
    assert name == ALIASES[word]


@FAST
@given(TEXT)
def test_split_comment(rest: str) -> None:
    value, comment = split_comment(rest)
    assert value == value.strip()
    if ":" not in rest:
        assert comment is None and value == rest.strip()
    else:
        assert comment is None or (comment == comment.strip() and comment)


@FAST
@given(st.sampled_from(QUESTIONS), st.one_of(TEXT, st.sampled_from(sorted(SCALE_WORDS))))
@example(CATALOGUE.question("2.2"), "f, a")
@example(CATALOGUE.question("2.2"), "a,,c")
@example(CATALOGUE.question("2.3"), "0")
def test_parse_answer_returns_a_valid_choice_or_none(question: object, text: str) -> None:
    from scoring.catalogue import Question

    assert isinstance(question, Question)
    value = parse_answer(question, text)
    if value is None:
        return
    if question.type == "multi":
        chosen = value.split(",")
        keys = {o.key for o in question.options}
        assert chosen == sorted(set(chosen)) and set(chosen) <= keys
        assert not (len(chosen) > 1 and set(chosen) & set(question.exclusive))
    else:
        assert value in question.choices()


# ---- free text ----
@FAST
@given(TEXT, st.sampled_from(sorted(LIMITS)), st.sampled_from(LANGUAGES), st.booleans())
@example("x" * 3001, "note", "da", True)
@example("010203-1234", "comment", "da", True)
def test_check_text_accepts_only_short_text_without_cpr(
    text: str, kind: str, lang: str, required: bool
) -> None:
    error = check_text(text, kind, lang, required=required)
    if error is None:
        assert len(text.strip()) <= LIMITS[kind]
        assert not contains_cpr(text.strip())
        assert text.strip() or not required
    else:
        assert error.strip()


@FAST
@given(st.integers(min_value=LIMITS["comment"] + 1, max_value=20_000))
def test_too_long_text_names_the_limit_in_danish(length: int) -> None:
    error = check_text("x" * length, "comment", "da")
    assert error == (
        f"Teksten er for lang: {length} tegn – højst {LIMITS['comment']}. Forkort den og prøv igen."
    )


# ---- CPR numbers ----
DAYS = st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31))
SEPARATOR = st.sampled_from(["", "-", " "])
AROUND = st.text(alphabet="abc æøå.,:;()", max_size=20)


def cpr(day: date, serial: int, sep: str) -> str:
    return f"{day:%d%m%y}{sep}{serial:04d}"


@FAST
@given(DAYS, st.integers(0, 9999), SEPARATOR, AROUND, AROUND)
@example(date(2000, 2, 29), 1234, "-", "", "")
@example(date(1904, 2, 29), 1234, "", "x ", " y")
def test_a_valid_date_with_four_digits_is_a_cpr_number(
    day: date, serial: int, sep: str, before: str, after: str
) -> None:
    assert contains_cpr(before + cpr(day, serial, sep) + after)


def invalid_in_both_centuries(dd: int, mm: int, yy: int) -> bool:
    for year in (1900 + yy, 2000 + yy):
        try:
            date(year, mm, dd)
            return False
        except ValueError:
            continue
    return True


@FAST
@given(st.integers(0, 99), st.integers(0, 99), st.integers(0, 99), st.integers(0, 9999), SEPARATOR)
def test_an_invalid_date_is_not_a_cpr_number(
    dd: int, mm: int, yy: int, serial: int, sep: str
) -> None:
    text = f"{dd:02d}{mm:02d}{yy:02d}{sep}{serial:04d}"
    assert contains_cpr(text) == (not invalid_in_both_centuries(dd, mm, yy))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("290200-1234", True),  # 2000 is a leap year (divisible by 400)
        ("290204-1234", True),  # 1904 and 2004
        ("290296-1234", True),  # 1996
        ("290201-1234", False),  # 1901 and 2001: never a leap year
        ("290299-1234", False),  # 1999 and 2099
        ("290100-1234", True),  # 29 January is always there
        ("300200-1234", False),  # 30 February never is
        ("310400-1234", False),  # 31 April neither
        ("000100-1234", False),  # day 0
        ("010000-1234", False),  # month 0
        ("311299-1234", True),
    ],
)
def test_29_february_and_other_edges(text: str, expected: bool) -> None:
    assert contains_cpr(text) is expected


@FAST
@given(DAYS, st.integers(0, 9999), st.integers(1, 9), st.booleans())
def test_a_cpr_number_inside_a_longer_number_is_not_one(
    day: date, serial: int, digit: int, front: bool
) -> None:
    """Eleven or more digits (an account number, a phone number run together) do not count."""
    text = cpr(day, serial, "")
    assert not contains_cpr(f"{digit}{text}" if front else f"{text}{digit}")


def test_the_leap_rule_is_century_aware() -> None:
    """For every two-digit year, 29 Feb is accepted exactly when 19yy or 20yy is a leap year."""
    for yy in range(100):
        leap = any((date(c + yy, 2, 28) + timedelta(days=1)).day == 29 for c in (1900, 2000))
        assert contains_cpr(f"2902{yy:02d}-0000") is leap
