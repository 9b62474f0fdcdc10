"""Unit tests for the pure parts: dates and working days, the step transitions, the
scheduler's function, agreement validation and the dialog step on hand-made turns."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from dialogs import actions
from dialogs.effects import Post, Refresh, RejectForm
from dialogs.events import Command, Interaction
from dialogs.meetings import due_step_advances, next_due_at
from dialogs.meetings.agreements import agreement_from_values, parse_status
from dialogs.meetings.dialog import MeetingsDialog
from dialogs.meetings.model import (
    AgreementView,
    MeetingsData,
    MeetingView,
    ObservationView,
    ThemeView,
)
from dialogs.meetings.ops import (
    AdvanceMeeting,
    CastVotes,
    PlanMeeting,
    SetThemes,
    StartMeeting,
)
from dialogs.meetings.steps import Refusal, advance, auto_themes, review_ids
from dialogs.meetings.when import (
    add_working_days,
    format_when,
    parse_date,
    parse_datetime,
    step_deadlines,
)
from dialogs.messages import ToActorOnly
from dialogs.turn import MemberView, Turn
from scoring.catalogue import load_catalogue
from scoring.table import DEFAULT_TABLE, load_table

CPH = ZoneInfo("Europe/Copenhagen")
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ANNA = MemberView("anna", "Anna", "facilitator")
BO = MemberView("bo", "Bo", "member")
CARLA = MemberView("carla", "Carla", "member")


def turn(actor: MemberView = ANNA, data: MeetingsData | None = None, **kw: object) -> Turn:
    return Turn(
        now=kw.pop("now", NOW),  # type: ignore[arg-type]
        lang=str(kw.pop("lang", "da")),
        actor=actor,
        members=(ANNA, BO, CARLA),
        extra={"meetings": data or MeetingsData(), "assessment": None},
        channel_settings=dict(kw.pop("settings", {})),  # type: ignore[call-overload]
    )


def meeting(**kw: object) -> MeetingView:
    base = MeetingView(
        id=7,
        number=1,
        status="running",
        step=1,
        mode="live",
        scheduled_at=NOW + timedelta(days=1),
        facilitator="anna",
        facilitator_name="Anna",
        assessment_id=None,
        focus_elements=(),
        theme_limit=2,
        step_deadlines=(),
    )
    return replace(base, **kw)  # type: ignore[arg-type]


def agreement(
    aid: int, status: str, changed: datetime, meeting_id: int | None = 1
) -> AgreementView:
    return AgreementView(
        id=aid,
        number=aid,
        what=f"a{aid}",
        owner="bo",
        owner_name="Bo",
        follow_up="anna",
        follow_up_name="Anna",
        due=date(2026, 4, 1),
        status=status,
        element=None,
        source="meeting",
        meeting_id=meeting_id,
        created_at=NOW,
        status_changed_at=changed,
    )


@pytest.fixture(scope="module")
def dialog() -> MeetingsDialog:
    catalogue = load_catalogue()
    return MeetingsDialog(catalogue, load_table(DEFAULT_TABLE, catalogue))


# ---- dates ----
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("24.11.2026 13:00", datetime(2026, 11, 24, 13, 0, tzinfo=CPH)),
        ("24.11.2026 kl. 13.00", datetime(2026, 11, 24, 13, 0, tzinfo=CPH)),
        ("4/3/26 9:05", datetime(2026, 3, 4, 9, 5, tzinfo=CPH)),
        ("2026-11-24 13:00", datetime(2026, 11, 24, 13, 0, tzinfo=CPH)),
        ("24.11.2026", None),
        ("31.02.2026 13:00", None),
        ("24.11.2026 25:00", None),
        ("i morgen", None),
    ],
)
def test_parse_datetime(text: str, expected: datetime | None) -> None:
    assert parse_datetime(text, CPH) == expected


def test_parse_date_and_format() -> None:
    assert parse_date("1.12.2026") == date(2026, 12, 1)
    assert parse_date("2026-12-01") == date(2026, 12, 1)
    assert parse_date("32.12.2026") is None and parse_date("") is None
    summer = datetime(2026, 6, 1, 11, 0, tzinfo=UTC)
    assert format_when(summer, "da", CPH) == "01.06.2026 kl. 13:00"
    assert format_when(summer, "en", CPH) == "01 Jun 2026 13:00"


def test_working_days_skip_weekends_and_danish_holidays() -> None:
    friday = datetime(2026, 3, 6, 13, 0, tzinfo=CPH)
    assert add_working_days(friday, 1).date() == date(2026, 3, 9)
    before_easter = datetime(2026, 4, 1, 13, 0, tzinfo=CPH)  # Wednesday before Easter
    # Skips Maundy Thursday, Good Friday, the weekend and Easter Monday.
    assert add_working_days(before_easter, 1).date() == date(2026, 4, 7)
    assert add_working_days(before_easter, 2).date() == date(2026, 4, 8)


def test_step_deadlines_keep_the_local_time_across_summer_time() -> None:
    start = datetime(2026, 3, 26, 13, 0, tzinfo=CPH)  # Thursday; clocks change on 29 March
    deadlines = step_deadlines(start.astimezone(UTC), 2, CPH)
    local = [d.astimezone(CPH) for d in deadlines]
    # Monday 30 March (after the change), Wednesday 1 April, then Easter is skipped.
    assert [d.date() for d in local] == [
        date(2026, 3, 30),
        date(2026, 4, 1),
        date(2026, 4, 8),
        date(2026, 4, 10),
    ]
    assert all((d.hour, d.minute) == (13, 0) for d in local)
    assert deadlines[0].utcoffset() == timedelta(0) and deadlines[0].hour == 11  # CEST


# ---- transitions ----
def test_review_ids_open_and_newly_finished_agreements() -> None:
    first = meeting(id=1, status="done", step=5, started_at=NOW, reviewed=())
    second = meeting(
        id=2, status="done", step=5, started_at=NOW + timedelta(days=30), reviewed=(10, 11, 12)
    )
    current = meeting(id=3, status="planned", step=0)
    later = NOW + timedelta(days=40)
    data = MeetingsData(
        (first, second, current),
        (
            agreement(10, "in_progress", NOW),  # open: always followed up
            agreement(11, "done", NOW + timedelta(days=1)),  # reviewed as done: not again
            agreement(12, "done", later),  # finished after its last review: shown once more
            agreement(13, "dropped", NOW, meeting_id=2),  # never reviewed: shown
            agreement(14, "not_started", later, meeting_id=3),  # made in this meeting
        ),
    )
    assert review_ids(data, current) == (10, 12, 13)


def test_auto_themes_take_the_most_voted() -> None:
    obs = tuple(
        ObservationView(i, "bo", "Bo", "observation", f"o{i}", False, voters)
        for i, voters in (
            (1, ("bo",)),
            (2, ("bo", "carla")),
            (3, ()),
            (4, ("anna",)),
            (5, ("carla",)),
        )
    )
    assert auto_themes(meeting(observations=obs)) == (2, 1, 4)


def test_advance_refuses_live_without_themes_and_finishes_with_summaries() -> None:
    explore = meeting(
        step=2, observations=(ObservationView(1, "bo", "Bo", "positive", "x", True, ("bo",)),)
    )
    with pytest.raises(Refusal):
        advance(explore, auto=False)
    auto = advance(explore, auto=True)
    assert auto.ops == (SetThemes(7, (1,), (1,)), AdvanceMeeting(7, 2, 3))
    finish = advance(meeting(step=4, assessment_id=3), auto=False)
    assert finish.ops == (AdvanceMeeting(7, 4, 5),)
    kinds = [(r.what, r.owner) for r in finish.out if isinstance(r, Refresh)]
    assert ("summary", "meetings") in kinds and ("summary", "assessment") in kinds


def test_due_step_advances_only_for_async_meetings_when_due() -> None:
    deadlines = tuple(NOW + timedelta(days=d) for d in (2, 4, 6, 8))
    planned = meeting(
        status="planned",
        step=0,
        mode="async",
        scheduled_at=NOW + timedelta(hours=1),
        step_deadlines=deadlines,
    )
    data = MeetingsData((planned,))
    assert due_step_advances(turn(data=data)).ops == ()
    assert next_due_at(turn(data=data)) == NOW + timedelta(hours=1)
    started = due_step_advances(turn(data=data), NOW + timedelta(hours=1))
    assert started.ops == (StartMeeting(7, ()),)
    running = MeetingsData((replace(planned, status="running", step=1),))
    assert due_step_advances(turn(data=running), NOW + timedelta(days=1)).ops == ()
    assert due_step_advances(turn(data=running), deadlines[0]).ops == (AdvanceMeeting(7, 1, 2),)
    assert next_due_at(turn(data=running)) == deadlines[0]
    live = MeetingsData((meeting(status="planned", step=0),))
    assert due_step_advances(turn(data=live), NOW + timedelta(days=30)).ops == ()
    assert next_due_at(turn(data=live)) is None


# ---- agreements ----
def test_agreement_validation() -> None:
    op, errors = agreement_from_values(
        turn(),
        {
            "what": " Fast  opfølgning ",
            "owner": "Bo",
            "follow_up": "anna",
            "due": "02.03.2026",
            "element": "8",
        },
        source="selfevaluation",
    )
    assert errors == {} and op is not None
    assert (op.what, op.owner_external_id, op.due, op.element, op.source) == (
        "Fast opfølgning",
        "bo",
        date(2026, 3, 2),
        8,
        "selfevaluation",
    )
    _op, errors = agreement_from_values(
        turn(), {"what": "", "owner": "x", "follow_up": "", "due": "01.03.2026"}, source="m"
    )
    assert set(errors) == {"what", "owner", "follow_up", "due"}
    # "today" is the channel's local date: 23:30 UTC on 1 March is already 2 March in Copenhagen
    late = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    _op, errors = agreement_from_values(
        turn(now=late),
        {"what": "x", "owner": "bo", "follow_up": "bo", "due": "01.03.2026"},
        source="m",
    )
    assert "due" in errors
    assert parse_status("Gennemført") == "done" and parse_status("i  gang") == "in_progress"
    assert parse_status("måske") is None


# ---- the dialog on hand-made turns ----
def test_plan_submission_builds_deadlines_in_the_channel_zone(dialog: MeetingsDialog) -> None:
    values = {
        "when": "03.03.2026 10:00",
        "facilitator": "bo",
        "participants": "Carla",
        "mode": "async",
        "window": "1",
        "themes": "3",
        "focus": "2, 5",
    }
    out = dialog.step(turn(), Interaction(actions.encode("mtf-plan"), values))
    (op,) = out.ops
    assert isinstance(op, PlanMeeting)
    assert op.scheduled_at == datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    assert op.participant_external_ids == ("bo", "carla")  # the facilitator takes part
    assert op.step_deadlines[0] == datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
    assert (op.theme_limit, op.focus_elements, op.window_days) == (3, (2, 5), 1)
    elsewhere = dialog.step(
        turn(settings={"timezone": "America/New_York"}),
        Interaction(actions.encode("mtf-plan"), values),
    )
    assert elsewhere.ops[0].scheduled_at == datetime(2026, 3, 3, 15, 0, tzinfo=UTC)  # type: ignore[union-attr]


def test_votes_are_limited_per_participant(dialog: MeetingsDialog) -> None:
    obs = tuple(ObservationView(i, "bo", "Bo", "positive", f"o{i}", True) for i in (1, 2, 3))
    from dialogs.meetings.model import ParticipantView

    m = meeting(step=2, observations=obs, participants=(ParticipantView("bo", "Bo"),))
    data = MeetingsData((m,))
    ok = dialog.step(
        turn(BO, data), Interaction(actions.encode("mt-vote", 7, 0), {"selected": "1,3"})
    )
    assert ok.ops == (CastVotes(7, (1, 2, 3), (1, 3)),)
    too_many = dialog.step(
        turn(BO, data), Interaction(actions.encode("mt-vote", 7, 0), {"selected": "1,2,3"})
    )
    assert too_many.ops == () and isinstance(too_many.out[0], Post)
    assert isinstance(too_many.out[0].target, ToActorOnly)
    outsider = dialog.step(
        turn(CARLA, data), Interaction(actions.encode("mt-vote", 7, 0), {"selected": "1"})
    )
    assert "møde deltag" in outsider.out[0].message.fallback  # type: ignore[union-attr]


def test_interpretations_only_in_fortolk_and_forms_keep_drafts(dialog: MeetingsDialog) -> None:
    m = meeting(step=3, themes=(ThemeView(4, 1, "Opfølgning"),))
    data = MeetingsData((m,))
    out = dialog.step(
        turn(BO, data), Interaction(actions.encode("mtf-int", 7, 4), {"text": "x" * 1501})
    )
    assert isinstance(out.out[0], RejectForm)
    assert out.out[0].form.fields[0].initial == "x" * 1501
    wrong = dialog.step(
        turn(BO, replace(data, meetings=(replace(m, step=2),))), Command("møde forklaring 1 fordi")
    )
    assert wrong.ops == ()
    assert "trin 2: Udforsk" in wrong.out[0].message.fallback  # type: ignore[union-attr]
