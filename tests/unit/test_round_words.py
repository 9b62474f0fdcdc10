"""The words and numbers of the round's picture, table-driven: one rounding rule with the
language's decimal mark, Danish plurals, which elements the summary may name as highest and
lowest, the help's topics, and texts that name commands as each surface types them."""

from __future__ import annotations

import string

import pytest

from dialogs.assessment.result_views import has_enough_answers, highest_lowest, ranges
from dialogs.i18n import (
    catalogue,
    change_text,
    number,
    plural,
    score_change,
    score_text,
    shown_score,
)
from dialogs.replies import (
    find_topic,
    help_message,
    help_topics,
    topic_message,
    welcome_message,
    words,
)
from dialogs.turn import Surface
from scoring.scores import ElementScore

SURFACES = {
    "console": Surface(),
    "slack channel": Surface(prefix="/lovende ", threads=True),
    "teams channel": Surface(prefix="@Lovende praksis ", threads=True),
    "private": Surface(prefix="", threads=False, private=True),
}


@pytest.mark.parametrize(
    ("value", "da", "en"),
    [
        (0.625, "0,63", "0.63"),  # Python's own formatting gives 0.62 …
        (0.875, "0,88", "0.88"),  # … and 0.88: now both round half up
        (0.125, "0,13", "0.13"),
        (0.285, "0,29", "0.29"),  # the number as written, not its binary neighbour
        (1.0, "1,00", "1.00"),
        (0.0, "0,00", "0.00"),
        (2.5 / 4, "0,63", "0.63"),
        (1 / 3, "0,33", "0.33"),
    ],
)
def test_one_rounding_rule_and_the_languages_decimal_mark(value: float, da: str, en: str) -> None:
    assert (number(value, "da"), number(value, "en")) == (da, en)
    assert score_text(value, "da") == da


def test_changes_are_signed_and_computed_from_the_shown_scores() -> None:
    assert change_text(0.125, "da") == "+0,13"
    assert change_text(-0.25, "da") == "−0,25" and change_text(-0.25, "en") == "-0.25"
    assert change_text(0.0, "da") == "0,00" and change_text(-0.001, "da") == "0,00"
    assert change_text(None, "da") == "" and score_text(None, "da") == "–"
    assert score_change(0.625, 0.3749) == pytest.approx(0.26)  # 0,63 − 0,37, as shown
    assert score_change(None, 0.5) is None
    assert shown_score(0.875) == 0.88 and shown_score(None) is None


@pytest.mark.parametrize(
    ("key", "n", "da", "en"),
    [
        ("count.disagreement", 1, "1 uenighed", "1 disagreement"),
        ("count.disagreement", 2, "2 uenigheder", "2 disagreements"),
        ("count.disagreement", 0, "0 uenigheder", "0 disagreements"),
        ("count.question", 1, "1 spørgsmål", "1 question"),
        ("count.question", 53, "53 spørgsmål", "53 questions"),
        ("count.element", 11, "11 elementer", "11 elements"),
        ("count.day", 1, "1 dag", "1 day"),
        ("count.day", 14, "14 dage", "14 days"),
    ],
)
def test_danish_plurals(key: str, n: int, da: str, en: str) -> None:
    assert (plural("da", key, n), plural("en", key, n)) == (da, en)


def score(number: int, value: float | None, answered: int, total: int) -> ElementScore:
    return ElementScore(number, value, 0.0, answered, answered, total, ())


@pytest.mark.parametrize(
    ("scores", "highest", "lowest"),
    [
        # One partly answered element: never named, let alone twice.
        ([score(1, 1.0, 1, 6)], [], []),
        ([score(1, 0.5, 6, 6)], [], []),  # one element alone: nothing to compare
        ([score(1, 0.5, 3, 6), score(2, 0.875, 2, 2)], [2], [1]),  # half is enough
        ([score(1, 0.5, 2, 6), score(2, 0.875, 2, 2)], [], []),  # a third is not
        ([score(1, 0.5, 6, 6), score(2, 1.0, 1, 8), score(5, 1.0, 2, 2)], [5], [1]),
        ([score(1, 0.75, 6, 6), score(2, 0.75, 2, 2)], [], []),  # all alike: no verdict
        ([score(1, 0.625, 6, 6), score(2, 0.6251, 2, 2), score(3, 0.2, 8, 8)], [1, 2], [3]),
        ([score(1, None, 6, 6), score(2, 0.5, 2, 2), score(3, 0.2, 8, 8)], [2], [3]),
    ],
)
def test_highest_and_lowest_only_among_elements_with_enough_answers(
    scores: list[ElementScore], highest: list[int], lowest: list[int]
) -> None:
    assert highest_lowest(scores) == (highest, lowest)
    assert not set(highest) & set(lowest)


def test_enough_answers_is_half_of_the_elements_scored_questions() -> None:
    assert has_enough_answers(score(4, 0.5, 5, 9)) and not has_enough_answers(score(4, 0.5, 4, 9))
    assert not has_enough_answers(score(4, None, 9, 9))  # all "ikke relevant"


def test_ranges() -> None:
    assert ranges([1, 2, 3, 5, 7, 8]) == "1–3, 5, 7, 8"
    assert ranges(list(range(1, 12))) == "1–11"


@pytest.mark.parametrize(
    ("asked", "topic"),
    [
        ("svar", "answering"),
        ("Svar", "answering"),
        ("answer", "answering"),
        ("luk", "assessment"),
        ("genåbn", "assessment"),
        ("eksport", "summary"),
        ("results", "summary"),
        ("møde", "meetings"),
        ("aftaler", "meetings"),
        ("drøftelse", "discussion"),
        ("selvevaluering", "selfeval"),
        ("data", "privacy"),
        ("råd", "advice"),
        ("«svar»", "answering"),
        ("kaffe", None),
    ],
)
def test_help_topics_are_found_by_their_words(asked: str, topic: str | None) -> None:
    assert find_topic(asked) == topic


@pytest.mark.parametrize("lang", ["da", "en"])
@pytest.mark.parametrize("where", sorted(SURFACES))
def test_help_and_welcome_name_commands_as_the_surface_types_them(lang: str, where: str) -> None:
    surface = SURFACES[where]
    short = help_message(lang, surface).fallback
    assert len(short.splitlines()) <= 16
    start = "start «praksis»" if lang == "da" else "start «practice»"
    assert f"`{surface.prefix}{start}`" in short
    welcome = welcome_message(lang, surface).fallback
    assert f"`{surface.prefix}{start}`" in welcome
    for topic in help_topics():
        topic_message(lang, topic, surface)  # every topic formats on every surface


def format_all(text: str, values: dict[str, object]) -> str:
    class Any(dict[str, object]):
        def __missing__(self, key: str) -> str:
            return "x"

    return string.Formatter().vformat(text, (), Any(values))


@pytest.mark.parametrize("lang", ["da", "en"])
def test_texts_that_name_commands_have_no_placeholders_teams_would_swallow(lang: str) -> None:
    """A `<placeholder>` in a Teams message vanishes as if it were HTML: texts that name
    commands through {cmd[…]} write «praksis» instead, and say "her" in a private chat."""
    checked = 0
    for key, text in catalogue(lang).items():
        if "{cmd[" not in text:
            continue
        for surface in SURFACES.values():
            shown = format_all(text, words(lang, surface))
            assert "<" not in shown and ">" not in shown, key
            if surface.private:
                assert "i kanalen" not in shown and "in the channel" not in shown, key
        checked += 1
    assert checked >= 25
