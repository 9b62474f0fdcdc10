"""Dates and times in Teams forms are `Input.Date` and `Input.Time` (a meeting's time: both, side
by side), read back as the date and time picked; no `<placeholder>` vanishes from a card; an
error about the whole form is shown, and errors name fields as the form names them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.teams.cards import form_card, message_cards, parse_submit, saved_card
from bot.teams.testing import TeamsBot, buttons_in, inputs_in, meeting_plan_inputs
from dialogs.meetings.forms import agreement_fields, paper_form, plan_form
from dialogs.messages import Form, FormField, Message, Text
from dialogs.turn import MemberView

CardCheck = Callable[[dict[str, dict[str, Any]]], None]
PEOPLE = (MemberView("aad-anna-0001", "Anna", "facilitator"),)


async def test_a_meeting_is_planned_with_input_date_and_input_time(
    teams_bot: TeamsBot, card_check: CardCheck
) -> None:
    fake, anna = teams_bot.connector, teams_bot.user("Anna")
    assert await anna.say("møde planlæg") == 201
    form_call, button = fake.find_submit("lp:mtf-plan")
    (card,) = form_call.cards
    card_check({"plan": card})
    fields = inputs_in(card)
    assert fields["when"]["type"] == "Input.Date" and fields["when~time"]["type"] == "Input.Time"
    assert fields["participants"]["type"] == "Input.Text"
    values = meeting_plan_inputs()
    assert await anna.press_on(form_call, button["data"]["lp"], values, button["data"]) == 201
    assert "Læringsdialog 1 – 05.03.2026 kl. 13:00" in fake.text()
    saved = fake.updates()[-1]  # the form card, saved: what was picked, as Danes write it
    assert saved.activity_id == fake.message_id(form_call) and "05.03.2026 13:00" in saved.text


def test_pickers_start_from_the_draft_and_the_submit_joins_date_and_time(
    card_check: CardCheck,
) -> None:
    plan = form_card(plan_form("da", PEOPLE, {"when": "24.11.2026 9.30"}))
    fields = inputs_in(plan)
    assert fields["when"]["value"] == "2026-11-24" and fields["when~time"]["value"] == "09:30"
    assert "dd.mm" not in str(plan)  # the typing hint means nothing beside a picker
    due = next(f for f in agreement_fields("da", PEOPLE, {"due": "01.12.2026"}) if f.name == "due")
    due_card = form_card(Form("lp:agf", "Aftale", (due,), "Gem"))
    assert inputs_in(due_card)["due"] == {
        "type": "Input.Date",
        "id": "due",
        "label": due.label,
        "isRequired": True,
        "errorMessage": f"{due.label} ⚠",
        "value": "2026-12-01",
    }
    clock = form_card(Form("lp:t", "Tid", (FormField("at", "Klokken", kind="time"),), "Gem"))
    assert inputs_in(clock)["at"]["type"] == "Input.Time"
    paper = form_card(paper_form("da", 3, {"next": "i morgen"}))  # no date: an empty picker
    assert "value" not in inputs_in(paper)["next"]
    card_check({"plan": plan, "due": due_card, "time": clock, "paper": paper})
    assert parse_submit({"lp": "lp:mtf-plan", "when": "2026-11-24", "when~time": "09:30"}) == (
        "lp:mtf-plan",
        {"when": "2026-11-24 09:30"},
    )
    assert parse_submit({"lp": "lp:x", "when": "", "when~time": ""}) == ("lp:x", {"when": ""})


def test_no_placeholder_vanishes_and_form_errors_are_shown(card_check: CardCheck) -> None:
    (card,) = message_cards(Message((Text("Skriv `start <praksis>` – fx <navn>."),), "x"))
    text = card["body"][0]["text"]
    assert text == "Skriv **start «praksis»** – fx «navn»." and "<" not in text
    (plain,) = message_cards(Message((Text("3 < 4 og 5 > 2, <1–5|ingen>"),), "y"))
    assert plain["body"][0]["text"] == "3 < 4 og 5 > 2, «1–5|ingen»"
    field = FormField("comment", "Kommentar <kort>")
    form = Form("lp:f", "Titel", (field,), "Gem", errors={"comment": "For lang.", "": "Prøv igen."})
    shown = form_card(form)
    texts = [e.get("text") for e in shown["body"] if e["type"] == "TextBlock"]
    assert "Prøv igen." in texts and "For lang." in texts  # an error about the whole form too
    assert inputs_in(shown)["comment"]["label"] == "Kommentar «kort»"
    assert form.labelled_errors() == [("Kommentar <kort>", "For lang."), (None, "Prøv igen.")]
    button = buttons_in(shown)[0]
    saved = saved_card({**button["data"], "comment": "Se <bilag>"}, "✓ Gemt.")
    assert saved is not None and "«bilag»" in str(saved) and "<bilag>" not in str(saved)
    card_check({"message": card, "form": shown, "saved": saved})
