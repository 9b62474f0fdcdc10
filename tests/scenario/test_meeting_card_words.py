"""`møde planlæg` as a Danish team meets it (issue 17, the Agents Playground walkthrough): the
time picker's time part has its own label and an empty one says what to pick; the meeting
card offers "Deltag" only where it may be needed — a shared card says that it is for those not
on the list yet, a 1:1 chat's card (its person already takes part) has no "Deltag"."""

from __future__ import annotations

from bot.testing import BotHarness, button_labels, meeting_plan, texts
from dialogs.turn import Surface

PRIVATE = Surface(prefix="", threads=False, private=True)
VALUES = meeting_plan(participants="Anna")


async def test_the_plan_forms_time_part_has_its_own_label(bot: BotHarness) -> None:
    opened = await bot.say("Anna", "møde planlæg")
    (form,) = [r.form for r in opened if r.form is not None]
    when = next(f for f in form.fields if f.name == "when")
    assert when.kind == "datetime" and when.time_label == "Klokkeslæt"
    assert when.missing == "Vælg både dato og klokkeslæt."


async def test_join_is_offered_only_where_someone_may_need_it(bot: BotHarness) -> None:
    shared = await bot.press("Anna", "mtf-plan", values=VALUES)
    assert "Deltag" in button_labels(shared)
    assert "Ikke på listen endnu? Tryk på Deltag" in texts(shared)

    solo = bot.place(channel="anna-dm", surface=PRIVATE)
    own = await solo.press("Anna", "mtf-plan", values=VALUES)
    assert "Start dialogen" in button_labels(own) and "Deltag" not in button_labels(own)
    assert "Tryk på Deltag" not in texts(own)
