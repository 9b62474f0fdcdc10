"""The planners, pure: which reminder rows the domain state calls for, at which local time."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from dialogs.assessment.reminders import plan_nudge_rounds, plan_reassessment
from dialogs.meetings.reminders import (
    AGREEMENT_BEFORE,
    AGREEMENT_DUE,
    AGREEMENT_OVERDUE,
    plan_agreement,
    plan_meeting_prep,
    plan_meeting_step,
)
from dialogs.settings import ChannelPrefs

P = ChannelPrefs()


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_nudge_rounds_every_three_working_days_at_most_three() -> None:
    # Thursday 26 March 2026, 10:00 CET; the clocks go forward on Sunday 29 March.
    rounds = plan_nudge_rounds(7, utc(2026, 3, 26, 9, 0), P)
    assert [r.key for r in rounds] == ["nudge:7:r1", "nudge:7:r2", "nudge:7:r3"]
    assert [r.due_at for r in rounds] == [
        utc(2026, 3, 31, 8, 0),  # Tuesday 10:00 CEST
        utc(2026, 4, 8, 8, 0),  # Wednesday 8 April: Easter (2, 3, 6 April) skipped
        utc(2026, 4, 13, 8, 0),  # Monday 13 April
    ]
    assert [r.payload["round"] for r in rounds] == [1, 2, 3]


def test_nudge_settings_change_the_plan() -> None:
    rounds = plan_nudge_rounds(7, utc(2026, 3, 2, 9, 0), replace(P, nudge_every=1, nudge_max=2))
    assert [r.due_at for r in rounds] == [utc(2026, 3, 3, 9, 0), utc(2026, 3, 4, 9, 0)]
    assert plan_nudge_rounds(7, utc(2026, 3, 2, 9, 0), replace(P, nudge_max=0)) == []


def test_a_nudge_after_hours_waits_for_the_morning() -> None:
    # started Monday 2 March at 17:30 CET → Thursday 17:30 is after the window → Friday 08:00
    (first, *_) = plan_nudge_rounds(1, utc(2026, 3, 2, 16, 30), P)
    assert first.due_at == utc(2026, 3, 6, 7, 0)


def test_reassessment_a_year_later_when_the_window_opens() -> None:
    invite = plan_reassessment(3, utc(2026, 3, 2, 13, 0), P)
    assert invite.key == "reassess:3"
    assert invite.due_at == utc(2027, 3, 2, 7, 0)  # Tuesday 2 March 2027, 08:00 CET
    assert invite.payload == {"aid": 3, "months": 12}


def test_reassessment_on_a_weekend_or_holiday_moves_to_the_next_working_day() -> None:
    # closed Saturday-to-be 24 October 2025 → 24 October 2026 is a Saturday; the clocks go
    # back on Sunday 25 October: Monday 26 October 08:00 CET = 07:00 UTC.
    assert plan_reassessment(1, utc(2025, 10, 24, 12, 0), P).due_at == utc(2026, 10, 26, 7, 0)
    # 28 March 2026 is a Saturday, summer time from the 29th: Monday 08:00 CEST = 06:00 UTC
    assert plan_reassessment(1, utc(2025, 3, 28, 12, 0), P).due_at == utc(2026, 3, 30, 6, 0)
    # Christmas Day 2026 is a Friday: Monday 28 December
    assert plan_reassessment(1, utc(2025, 12, 25, 12, 0), P).due_at == utc(2026, 12, 28, 7, 0)
    # Juleaften is a working day
    assert plan_reassessment(1, utc(2025, 12, 24, 12, 0), P).due_at == utc(2026, 12, 24, 7, 0)


def test_reassessment_interval_from_settings() -> None:
    six = plan_reassessment(1, utc(2026, 3, 2, 13, 0), replace(P, reassess_months=6))
    assert six.due_at == utc(2026, 9, 2, 6, 0)  # summer time


def test_agreement_reminders_around_easter() -> None:
    rows = plan_agreement(9, date(2026, 4, 7), utc(2026, 3, 1, 9), "bo", "carla", P)
    by_kind = {r.kind: r for r in rows}
    # two working days before Tuesday 7 April: Tuesday 31 March (2, 3 and 6 April are holidays)
    assert by_kind[AGREEMENT_BEFORE].due_at == utc(2026, 3, 31, 6, 0)
    assert by_kind[AGREEMENT_BEFORE].recipient == "bo"
    assert by_kind[AGREEMENT_DUE].due_at == utc(2026, 4, 7, 6, 0)
    assert by_kind[AGREEMENT_DUE].recipient == "bo"
    assert by_kind[AGREEMENT_OVERDUE].due_at == utc(2026, 4, 8, 6, 0)
    assert by_kind[AGREEMENT_OVERDUE].recipient == "carla"
    assert by_kind[AGREEMENT_DUE].key == "agreement:9:due:2026-04-07"


def test_agreement_due_on_a_saturday_across_the_autumn_change() -> None:
    rows = plan_agreement(9, date(2026, 10, 24), utc(2026, 10, 1, 9), "bo", "carla", P)
    by_kind = {r.kind: r.due_at for r in rows}
    assert by_kind == {
        AGREEMENT_BEFORE: utc(2026, 10, 22, 6, 0),  # Thursday, CEST
        AGREEMENT_DUE: utc(2026, 10, 23, 6, 0),  # Friday (the last working day), CEST
        AGREEMENT_OVERDUE: utc(2026, 10, 26, 7, 0),  # Monday, CET
    }


def test_agreement_reminders_that_had_passed_when_it_was_made_are_left_out() -> None:
    rows = plan_agreement(9, date(2026, 3, 6), utc(2026, 3, 5, 9), "bo", "carla", P)
    assert {r.kind for r in rows} == {AGREEMENT_DUE, AGREEMENT_OVERDUE}
    no_lead = plan_agreement(
        9, date(2026, 3, 20), utc(2026, 3, 1), "bo", "bo", replace(P, lead_days=0)
    )
    assert {r.kind for r in no_lead} == {AGREEMENT_DUE, AGREEMENT_OVERDUE}


def test_meeting_preparation_the_working_day_before() -> None:
    (prep,) = plan_meeting_prep(4, utc(2026, 4, 7, 11, 0), utc(2026, 3, 20, 9), P)
    assert prep.due_at == utc(2026, 4, 1, 6, 0)  # Wednesday before Easter, 08:00 CEST
    assert plan_meeting_prep(4, utc(2026, 4, 7, 11, 0), utc(2026, 4, 6, 9), P) == []


def test_meeting_step_at_its_exact_time() -> None:
    step = plan_meeting_step(4, utc(2026, 3, 5, 17, 30))
    assert step.due_at == utc(2026, 3, 5, 17, 30)
    assert step.key == "meeting:4:step:2026-03-05T17:30:00+00:00"
