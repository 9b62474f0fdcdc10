"""Free-text checks: limits, and refusing text that looks like a CPR number."""

from __future__ import annotations

import pytest

from dialogs.text_input import LIMITS, check_text, contains_cpr


@pytest.mark.parametrize(
    "text",
    [
        "010203-1234",
        "0102031234",
        "Borger 311299-4321 sagde",
        "290200-1234",  # 29 Feb 2000
        "290204 1234",
        "cpr:150585-2222.",
        "01-01-90-1234",  # the date's parts apart (issue 17)
        "01.01.90-1234",
        "01 01 90 1234",
        "cpr: 01 01 90 12 34",  # named, with any separators
        "CPR-nr. 0101-90-1234",
        "personnummer 0101901234",
    ],
)
def test_valid_dates_are_cpr(text: str) -> None:
    assert contains_cpr(text)


@pytest.mark.parametrize(
    "text",
    [
        "320101-1234",  # day 32
        "011301-1234",  # month 13
        "300201-1234",  # 30 February
        "290201-1234",  # 29 Feb in a year that is never a leap year (1901/2001)
        "12345678901",  # eleven digits
        "tlf 12 34 56 78",
        "2.2 a,c",
        "Mødet 24.11.2026 kl 13",
        "Mødet 10.03.2026 10:00",
        "01.01.2026 - 1234 kr",
        "cpr: 32 01 90 12 34",  # named, but day 32
        "spørgsmål 1.1, 1.2, 1.3",
    ],
)
def test_invalid_dates_and_other_numbers_are_not_cpr(text: str) -> None:
    assert not contains_cpr(text)


def test_limits_and_messages_in_both_languages() -> None:
    limit = LIMITS["comment"]
    assert check_text("x" * limit, "comment", "da") is None
    assert "højst 1500" in (check_text("x" * (limit + 1), "comment", "da") or "")
    assert "at most 1500" in (check_text("x" * (limit + 1), "comment", "en") or "")
    assert "CPR" in (check_text("010203-1234", "comment", "da") or "")
    assert "tomt" in (check_text("   ", "comment", "da") or "")
    assert check_text("", "note", "da", required=False) is None
