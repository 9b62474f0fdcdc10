"""Dates and times as the pickers send them (Slack's datepicker/timepicker, Teams' Input.Date and
Input.Time: "2026-03-05", "13:00", a meeting's time joined as "2026-03-05 13:00") are taken by
the meeting and agreement forms, through the whole bot; the forms say which fields are pickers;
and a form's errors are named by the field's label, in the channel's language."""

from __future__ import annotations

from meeting_helpers import closed_assessment, prepare_all
from sqlalchemy import select, update

from bot.console.channel import Record
from bot.testing import BotHarness, meeting_plan, texts
from dialogs import actions
from dialogs.messages import Form
from storage.meeting_models import Agreement
from storage.models import Channel


def forms(records: list[Record]) -> list[Form]:
    return [r.form for r in records if r.form is not None]


async def test_picked_dates_plan_a_meeting_and_date_an_agreement(bot: BotHarness) -> None:
    await closed_assessment(bot)
    (plan,) = forms(await bot.say("Anna", "møde planlæg"))
    kinds = {f.name: f.kind for f in plan.fields}
    assert kinds["when"] == "datetime" and kinds["participants"] == "text"

    planned = await bot.click(
        "Anna", actions.encode("mtf-plan"), meeting_plan(when="2026-03-05 13:00")
    )
    assert "Læringsdialog 1 – 05.03.2026 kl. 13:00" in texts(planned)
    mid = int(actions.decode(bot.button("lp:mt-prep:")).args[0])
    await prepare_all(bot, mid)
    for line in ("møde start", "møde næste", "møde temaer 1", "møde næste", "møde næste"):
        await bot.say("Anna", line)

    act = actions.encode("mtf-act", mid)
    agreement = {"what": "Fast opfølgning", "owner": "bo", "follow_up": "anna"}
    rejected = await bot.click("Anna", act, {**agreement, "due": "2026-03-01"})
    (form,) = [r.form for r in rejected if r.kind == "form_error" and r.form is not None]
    assert {f.name: f.kind for f in form.fields}["due"] == "date"
    # The error about the due date is named as the form names the field, never "due".
    (label, error), *_ = [(lbl, e) for lbl, e in form.labelled_errors() if e]
    assert label == "Hvornår skal det gøres? (frist)" and "01.03.2026" in error
    await bot.click("Anna", act, {**agreement, "due": "2026-04-01"})
    async with bot.runtime.sessions() as session:
        due = await session.scalar(select(Agreement.due))
    assert due is not None and due.isoformat() == "2026-04-01"


async def test_errors_are_labelled_in_the_channels_language(bot: BotHarness) -> None:
    await closed_assessment(bot)
    async with bot.runtime.sessions() as session, session.begin():
        await session.execute(update(Channel).values(language="en"))
    values = meeting_plan(when="2026-03-05")  # a date picked, no time
    rejected = await bot.click("Anna", actions.encode("mtf-plan"), values)
    (form,) = [r.form for r in rejected if r.kind == "form_error" and r.form is not None]
    labels = dict(form.labelled_errors())
    assert list(labels) == ["Time"] and "2026-03-05" in labels["Time"]
