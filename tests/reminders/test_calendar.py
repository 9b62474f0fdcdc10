"""The calendar, pure: working days, Danish public holidays, the delivery window, and the days
when daylight saving time changes (29 March and 25 October 2026 in Denmark)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dialogs.calendar import (
    Calendar,
    add_months,
    add_working_days,
    at_local,
    is_allowed,
    is_working_day,
    is_zone,
    local,
    next_allowed,
    parse_window,
    shift_working_days,
    working_days_before,
)

CPH = Calendar()


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 4, 1), True),  # Wednesday before Easter
        (date(2026, 4, 2), False),  # Skærtorsdag
        (date(2026, 4, 3), False),  # Langfredag
        (date(2026, 4, 6), False),  # Anden påskedag
        (date(2026, 4, 7), True),
        (date(2026, 5, 14), False),  # Kristi himmelfartsdag
        (date(2026, 5, 25), False),  # Anden pinsedag
        (date(2026, 12, 24), True),  # Juleaften is not a public holiday
        (date(2026, 12, 25), False),
        (date(2026, 12, 26), False),
        (date(2027, 1, 1), False),
        (date(2026, 3, 28), False),  # Saturday
        (date(2026, 3, 29), False),  # Sunday (and the spring change)
    ],
)
def test_working_days_know_danish_public_holidays(day: date, working: bool) -> None:
    assert is_working_day(day) is working


def test_working_day_arithmetic_skips_easter_and_christmas() -> None:
    assert add_working_days(date(2026, 4, 1), 1) == date(2026, 4, 7)
    assert working_days_before(date(2026, 4, 7), 2) == date(2026, 3, 31)
    assert add_working_days(date(2026, 12, 23), 2) == date(2026, 12, 28)
    assert add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)
    assert add_working_days(date(2026, 4, 4), 0) == date(2026, 4, 4)


@pytest.mark.parametrize(
    ("given_at", "expected"),
    [
        # inside the window: unchanged (Monday 2 March, 10:00 CET)
        (utc(2026, 3, 2, 9, 0), utc(2026, 3, 2, 9, 0)),
        # before the window opens: 08:00 the same day
        (utc(2026, 3, 2, 5, 0), utc(2026, 3, 2, 7, 0)),
        # at 16:00 the window has closed: next morning
        (utc(2026, 3, 2, 15, 0), utc(2026, 3, 3, 7, 0)),
        # Friday evening before the spring change → Monday 08:00 CEST (06:00 UTC)
        (utc(2026, 3, 27, 16, 0), utc(2026, 3, 30, 6, 0)),
        # on the change night itself
        (utc(2026, 3, 29, 1, 30), utc(2026, 3, 30, 6, 0)),
        # Friday evening before the autumn change → Monday 08:00 CET (07:00 UTC)
        (utc(2026, 10, 23, 14, 30), utc(2026, 10, 26, 7, 0)),
        # Wednesday before Easter, after hours → Tuesday after Easter Monday
        (utc(2026, 4, 1, 14, 30), utc(2026, 4, 7, 6, 0)),
        # Christmas Day → Monday 28 December
        (utc(2026, 12, 25, 9, 0), utc(2026, 12, 28, 7, 0)),
    ],
)
def test_next_allowed_moves_into_the_delivery_window(
    given_at: datetime, expected: datetime
) -> None:
    assert next_allowed(given_at, CPH) == expected


def test_a_narrower_window_and_another_zone() -> None:
    london = Calendar("Europe/London", time(9, 30), time(15, 0))
    # 09:00 London on Monday 2 March (winter: UTC) → 09:30 London
    assert next_allowed(utc(2026, 3, 2, 9, 0), london) == utc(2026, 3, 2, 9, 30)
    # the UK changes on 29 March too: Monday 30 March 09:30 BST = 08:30 UTC
    assert next_allowed(utc(2026, 3, 27, 15, 0), london) == utc(2026, 3, 30, 8, 30)


def test_wall_clock_stays_across_daylight_saving_changes() -> None:
    # Thursday 26 March 10:00 CET + 3 working days = Tuesday 31 March 10:00 CEST
    assert shift_working_days(utc(2026, 3, 26, 9, 0), 3, CPH) == utc(2026, 3, 31, 8, 0)
    # Thursday 22 October 10:00 CEST + 2 working days = Monday 26 October 10:00 CET
    assert shift_working_days(utc(2026, 10, 22, 8, 0), 2, CPH) == utc(2026, 10, 26, 9, 0)


def test_a_time_skipped_by_the_spring_change_resolves_forwards() -> None:
    skipped = at_local(date(2026, 3, 29), time(2, 30), CPH)
    assert skipped == utc(2026, 3, 29, 1, 30)
    assert local(skipped, CPH).hour == 3


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
        (date(2026, 3, 2), 12, date(2027, 3, 2)),
        (date(2026, 11, 15), 3, date(2027, 2, 15)),
    ],
)
def test_months_clamp_to_the_end_of_a_short_month(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("text", "window"),
    [
        ("08:00-16:00", (time(8), time(16))),
        ("8-16", (time(8), time(16))),
        ("8.30–15.30", (time(8, 30), time(15, 30))),
        (" 09:00 - 15:00 ", (time(9), time(15))),
        ("16-8", None),
        ("08:00", None),
        ("25:00-26:00", None),
        ("kl. otte til fire", None),
    ],
)
def test_parse_window(text: str, window: tuple[time, time] | None) -> None:
    assert parse_window(text) == window


def test_time_zone_names() -> None:
    assert is_zone("Europe/Copenhagen")
    assert is_zone("America/New_York")
    assert not is_zone("Europe/Aarhus")
    assert not is_zone("../etc/passwd")
    assert not is_zone("")


@settings(max_examples=300, deadline=None)
@given(
    st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31)),
    st.sampled_from(["Europe/Copenhagen", "Europe/London", "America/New_York", "UTC"]),
)
def test_next_allowed_is_allowed_not_earlier_and_within_a_week(moment: datetime, zone: str) -> None:
    cal = Calendar(zone)
    when = moment.replace(tzinfo=UTC)
    result = next_allowed(when, cal)
    assert is_allowed(result, cal)
    assert when <= result < when + timedelta(days=8)
    assert next_allowed(result, cal) == result
