"""Dates and times in Slack forms are Slack's own pickers (`datepicker`, `timepicker`), and what
they send back is read as the date and time the person picked: a meeting planned through a
signed `/lovende møde planlæg` and its modal."""

from __future__ import annotations

from bot.slack.modals import field_errors, form_view, submitted_values
from bot.slack.testing.harness import SlackHarness, valid_view
from dialogs.meetings.forms import agreement_fields, plan_form
from dialogs.messages import Form
from dialogs.turn import MemberView

PLAN = {
    "when": "2026-03-05 13:00",
    "facilitator": "U1",
    "participants": "Anna",
    "mode": "live",
    "themes": "2",
}


def inputs(view: dict[str, object]) -> dict[str, str]:
    blocks = view["blocks"]
    assert isinstance(blocks, list)
    return {b["block_id"]: b["element"]["type"] for b in blocks if b["type"] == "input"}


async def test_a_meeting_is_planned_with_the_date_and_time_pickers(slack: SlackHarness) -> None:
    await slack.command("U1", "møde planlæg")
    (opened,) = slack.fake.of("views.open")
    view = opened["view"]
    valid_view(view)
    kinds = inputs(view)
    assert kinds["f:when"] == "datepicker" and kinds["t:when"] == "timepicker"
    assert kinds["f:participants"] == "plain_text_input"

    # A picked date without a time is refused beside the field, by the form's own words.
    refused = await slack.submit("U1", view, {**PLAN, "when": "2026-03-05"})
    answer = await refused.json()
    assert answer["response_action"] == "errors"
    assert "2026-03-05" in answer["errors"]["f:when"]

    await slack.submit("U1", view, PLAN)
    assert "Læringsdialog 1 – 05.03.2026 kl. 13:00" in slack.texts()


def test_pickers_start_from_the_draft_and_come_back_as_one_value() -> None:
    people = (MemberView("U1", "Anna", "facilitator"),)
    form = plan_form("da", people, {"when": "24.11.2026 9.30"})
    view = form_view(form, "C1", "Annuller")
    valid_view(view)
    blocks = {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}
    assert blocks["f:when"]["element"]["initial_date"] == "2026-11-24"
    assert blocks["t:when"]["element"]["initial_time"] == "09:30"
    assert "hint" not in blocks["f:when"]  # "dd.mm.åååå tt:mm" means nothing beside a picker
    due = next(f for f in agreement_fields("da", people, {"due": "1.12.2026"}) if f.name == "due")
    (due_block,) = form_view(Form("lp:x", "Aftale", (due,), "Gem"), "C1", "Luk")["blocks"]
    assert due_block["element"] == {
        "type": "datepicker",
        "action_id": "value",
        "initial_date": "2026-12-01",
    }
    state = {
        "f:when": {"value": {"type": "datepicker", "selected_date": "2026-11-24"}},
        "t:when": {"value": {"type": "timepicker", "selected_time": "09:30"}},
        "f:due": {"value": {"type": "datepicker", "selected_date": None}},
    }
    assert submitted_values(state) == {"when": "2026-11-24 09:30", "due": ""}
    # a draft that is no date leaves the picker empty; its error stays beside the field
    broken = plan_form("da", people, {"when": "i morgen"})
    assert "initial_date" not in form_view(broken, "C1", "Luk")["blocks"][1]["element"]
    with_error = Form(broken.action, broken.title, broken.fields, "Gem", errors={"when": "Nej"})
    assert field_errors(with_error) == {"f:when": "Nej"}
