"""Agreements (issue 17): only its owner, the one who follows up and a facilitator change an
agreement's status — anyone else is told, kindly, who may; and each agreement carries its own
data signal ("Hvilke data vil være tegn på, at vi er på rette vej?"), asked in its form and
shown with it: in the lists, the agreement paper, the summary, *Siden sidst* and its reminders.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from meeting_helpers import closed_assessment, in_thread, plan, private_to, text_of
from test_meeting_flow import run_meeting_to_paper

from bot.testing import BotHarness, texts
from dialogs import actions
from dialogs.meetings.agreements import may_change
from dialogs.meetings.model import AgreementView, MeetingsData, MeetingView
from dialogs.turn import MemberView, Turn

SIGNAL = "Alle beboere har haft en samtale om deres mål inden for den seneste måned"
NOT_YOURS = (
    "Kun Bo (ansvarlig), Carla (følger op) og mødelederen Anna kan ændre status på aftale 1. "
    "Intet er ændret."
)


async def agreement_in_a_meeting(bot: BotHarness) -> int:
    """A meeting at Forbered handling with one agreement: Bo does it, Carla follows up."""
    await closed_assessment(bot)
    await bot.say("Dorte", "hjælp")  # in the channel, not part of the agreement
    mid = await run_meeting_to_paper(bot)
    form = next(r.form for r in await bot.say("Anna", "møde handling") if r.form)
    assert form is not None
    names = [f.name for f in form.fields]
    assert names[:2] == ["what", "signal"]  # asked right after what is to be done
    signal = form.fields[1]
    assert signal.label == "Hvilke data vil være tegn på, at I er på rette vej?"
    assert not signal.required
    created = await bot.click(
        "Anna",
        form.action,
        {
            "what": "Indføre fast månedlig opfølgning på mål",
            "signal": SIGNAL,
            "owner": "bo",
            "follow_up": "carla",
            "due": "01.04.2026",
            "element": "",
        },
    )
    assert "Aftalen er gemt" in texts(created)
    paper = [r for r in created if r.kind == "update"]
    assert f"Tegn på, at I er på rette vej: {SIGNAL}" in texts(paper)
    return mid


async def test_only_owner_follow_up_and_facilitator_change_the_status(bot: BotHarness) -> None:
    mid = await agreement_in_a_meeting(bot)
    await bot.say("Anna", "møde næste")  # the meeting ends with its summary
    await bot.say("Bo", "aftaler")
    aid = int(actions.decode(bot.button("lp:ag-st:")).args[0])
    # Dorte sees the agreement, without buttons she could not use.
    shown = await bot.say("Dorte", "aftaler")
    assert "Aftale 1: Indføre fast månedlig opfølgning på mål" in texts(shown)
    assert "[0] Gennemført" not in texts(shown)

    # Dorte is in the channel but neither does it nor follows up nor leads: a friendly no.
    refused = texts(await bot.press("Dorte", "ag-st", aid, "dropped"))
    assert NOT_YOURS in refused
    assert NOT_YOURS in texts(await bot.say("Dorte", "aftale 1 opgivet"))
    assert NOT_YOURS in texts(await bot.press("Dorte", "ag-note", aid))
    noted = await bot.press(
        "Dorte", "agf-note", aid, values={"status": "dropped", "note": "for svært"}
    )
    assert NOT_YOURS in texts(noted)
    assert "Status: Ikke startet" in texts(await bot.say("Dorte", "aftaler"))

    assert "Aftale 1 har nu status: I gang" in texts(
        await bot.press("Bo", "ag-st", aid, "in_progress")
    )
    assert "Aftale 1 har nu status: Gennemført" in texts(
        await bot.say("Carla", "aftale 1 gennemført: det virker")
    )
    assert "Aftale 1 har nu status: I gang" in texts(await bot.say("Anna", "aftale 1 i gang"))
    assert mid


async def test_the_data_signal_goes_with_the_agreement(bot: BotHarness) -> None:
    mid = await agreement_in_a_meeting(bot)
    summary = texts(await bot.say("Anna", "møde næste"))
    assert f"Tegn på, at I er på rette vej: {SIGNAL}" in summary  # the meeting's summary
    listed = texts(await bot.say("Bo", "aftaler mine"))
    assert f"Tegn på, at I er på rette vej: {SIGNAL}" in listed

    # The reminders say what would show they are on track.
    bot.clock.set(datetime(2026, 3, 30, 6, 0, tzinfo=UTC))  # two working days before 01.04.
    mark = len(bot.channel.records)
    await bot.run_due()
    reminder = text_of(private_to(bot.channel.records[mark:], "bo"))
    assert "Påmindelse: aftale 1 har frist 01.04.2026" in reminder
    assert SIGNAL in reminder

    # The next meeting's Siden sidst asks "Kan vi se resultaterne i data?" beside the signal,
    # and the form for what was learned shows it.
    await plan(bot, when="02.04.2026 13:00", focus="")
    since = text_of(in_thread(await bot.say("Anna", "møde start")))
    assert "Aftale 1: Indføre fast månedlig opfølgning på mål" in since
    assert SIGNAL in since
    aid = int(actions.decode(bot.button("lp:ag-note:")).args[0])
    form = next(r.form for r in await bot.press("Carla", "ag-note", aid) if r.form)
    assert form is not None and form.intro is not None and SIGNAL in form.intro
    assert mid


async def test_a_signal_is_checked_like_other_free_text(bot: BotHarness) -> None:
    await closed_assessment(bot)
    mid = await run_meeting_to_paper(bot)
    rejected = await bot.press(
        "Anna",
        "mtf-act",
        mid,
        values={
            "what": "Opfølgning",
            "signal": "Borgeren 01-01-90-1234 siger det virker",
            "owner": "bo",
            "follow_up": "carla",
            "due": "01.04.2026",
        },
    )
    form = rejected[-1].form
    assert form is not None and "CPR" in form.errors["signal"]
    assert "Aftalen er gemt" not in texts(rejected)


@pytest.mark.parametrize(
    ("actor", "role", "allowed"),
    [
        ("bo", "member", True),  # owner
        ("carla", "member", True),  # follows up
        ("anna", "facilitator", True),  # a facilitator of the channel
        ("erik", "member", True),  # led the meeting that made it
        ("dorte", "member", False),
    ],
)
def test_who_may_change_an_agreement(actor: str, role: str, allowed: bool) -> None:
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    a = AgreementView(
        1, 1, "x", "bo", "Bo", "carla", "Carla", now.date(), "not_started", None, "meeting", 7,
        now, now,
    )  # fmt: skip
    m = MeetingView(7, 1, "done", 5, "live", now, "erik", "Erik", None, (), 2, ())
    members = tuple(
        MemberView(e, e.title(), "facilitator" if e == "anna" else "member")
        for e in ("anna", "bo", "carla", "dorte", "erik")
    )
    me = next(x for x in members if x.external_id == actor)
    turn = Turn(now, "da", MemberView(actor, actor.title(), role), members)
    assert me and may_change(turn, a, MeetingsData((m,), (a,))) is allowed


def test_a_typed_member_field_suggests_a_name_never_an_id() -> None:
    """Past 100 members (Slack's limit for a select) people are typed: the suggestion is a
    name ("Person 7"), which is found again like the id."""
    from dialogs.meetings.forms import agreement_fields

    members = tuple(MemberView(f"u{i}", f"Person {i}", "member") for i in range(120))
    fields = {f.name: f for f in agreement_fields("da", members, {"owner": "u7"})}
    assert fields["owner"].kind == "text" and fields["owner"].initial == "Person 7"
