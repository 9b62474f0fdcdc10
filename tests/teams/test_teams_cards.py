"""Adaptive Cards: every card the assessment can produce (all 60 questions, elements, progress,
disagreements, summary, help, welcome, every form with errors and long drafts) is rendered,
checked to stay under 28 KB, and validated by the official `adaptivecards` npm package (1.5)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, Literal

import pytest
import testmodules

from bot.teams.cards import (
    MAX_CARD_BYTES,
    card_size,
    form_card,
    markdown,
    message_cards,
    parse_submit,
    saved_card,
    text_blocks,
)
from bot.teams.handler import welcome_step
from bot.teams.testing import buttons_in
from bot.testing import BotHarness
from dialogs.assessment import forms
from dialogs.assessment.model import AssessmentView, DecisionView, MemberAnswerView
from dialogs.assessment.render import intro_message
from dialogs.assessment.result_views import close_check_message, summary_message
from dialogs.assessment.team import disagreements
from dialogs.assessment.views import (
    disagreement_message,
    element_message,
    progress_message,
    question_message,
)
from dialogs.messages import (
    Button,
    Buttons,
    Choice,
    Fields,
    File,
    Form,
    FormField,
    Generate,
    Image,
    Message,
    MultiSelect,
    Progress,
    Text,
)
from dialogs.replies import help_message, help_topics, topic_message
from dialogs.turn import MemberView, Turn
from scoring.catalogue import Catalogue, load_catalogue
from scoring.table import DEFAULT_TABLE, load_table

LONG = (
    "Vi har drøftet det grundigt i teamet, og vi er ikke enige om, hvordan det skal "
    "forstås i vores hverdag på bostedet. "
) * 12  # ≈1500 characters
LONG = LONG[:1500]
NOTE = (LONG * 2)[:3000]
PEOPLE = [("aad-anna", "Anna Sørensen"), ("aad-bo", "Bo Ægidius"), ("aad-carla", "Carla Øster")]
CardCheck = Callable[[dict[str, dict[str, Any]]], None]
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
STYLES: tuple[Literal["default", "primary", "danger"], ...] = ("default", "primary", "danger")


def answers_for(catalogue: Catalogue, disagree: bool) -> dict[str, tuple[MemberAnswerView, ...]]:
    out = {}
    for q in catalogue.questions:
        choices = q.choices() if q.type != "multi" else ("a,c", "b", "d")
        rows = []
        for i, (ext, name) in enumerate(PEOPLE):
            value = choices[i % len(choices)] if disagree else choices[0]
            rows.append(MemberAnswerView(ext, name, value, LONG))
        out[q.id] = tuple(rows)
    return out


def views(catalogue: Catalogue) -> list[AssessmentView]:
    previous = AssessmentView(
        id=1,
        practice_name="Recovery-forløb",
        delimitation="Forløb for unge 18–25 år på bostedet",
        round_no=1,
        status="closed",
        pacing="all",
        current_element=11,
        started_at=NOW,
        closed_at=NOW,
        answers=answers_for(catalogue, disagree=False),
        decisions={"1.3": DecisionView("ja", LONG, "Anna Sørensen")},
        notes={n: (NOTE, NOTE) for n in range(1, 12)},
        overall_assessment=NOTE,
        overall_potentials=NOTE,
    )
    current = replace(
        previous,
        id=2,
        round_no=2,
        status="open",
        closed_at=None,
        answers=answers_for(catalogue, disagree=True),
        decisions={},
        previous=previous,
    )
    empty = replace(current, id=3, answers={}, notes={}, delimitation=None, previous=None)
    return [previous, current, empty]


def all_cards() -> dict[str, dict[str, Any]]:
    catalogue = load_catalogue()
    table = load_table(DEFAULT_TABLE, catalogue)
    urls = {"/srv/out/radar.png": "https://bot.example.dk/teams/files/" + "t" * 43}
    cards: dict[str, dict[str, Any]] = {}

    def add(name: str, message: Message) -> None:
        for i, card in enumerate(message_cards(message, urls)):
            cards[f"{name}#{i}"] = card

    for lang in ("da", "en"):
        for v in views(catalogue):
            tag = f"{lang}-r{v.id}"
            for q in catalogue.questions:
                add(f"{tag}-q{q.id}", question_message(lang, v, q))
            for element in catalogue.elements:
                add(f"{tag}-element{element.number}", element_message(lang, v, element))
            add(f"{tag}-intro", intro_message(lang, v))
            add(f"{tag}-progress", progress_message(lang, v, catalogue))
            for facilitator in (True, False):
                view = disagreement_message(lang, v, catalogue, facilitator)
                add(f"{tag}-disagree-{facilitator}", view)
            add(f"{tag}-summary", summary_message(lang, v, catalogue, table))
            add(f"{tag}-close", close_check_message(lang, v, catalogue, None, 14))
        add(f"{lang}-help", help_message(lang))
        for topic in help_topics():
            add(f"{lang}-help-{topic}", topic_message(lang, topic))
        turn = Turn(NOW, lang, MemberView("x", "X", "member"), ())
        welcome = welcome_step(turn).out[0]
        add(f"{lang}-welcome", welcome.message)  # type: ignore[union-attr]
        for q in catalogue.questions:
            for form in (
                forms.comment_form(lang, 2, q, LONG),
                forms.not_relevant_form(lang, 2, q, LONG + "x"),  # a draft over the limit
                forms.decision_form(lang, 2, q),
            ):
                errors = {f.name: "Teksten er for lang (1501 tegn)." for f in form.fields}
                cards[f"{lang}-form-{form.action}"] = form_card(form)
                cards[f"{lang}-form-{form.action}-errors"] = form_card(replace(form, errors=errors))
                # the read-only card a saved form becomes, from what the submit carries
                data = buttons_in(form_card(form))[0]["data"]
                values = {
                    f.name: LONG if f.kind == "text" else f.options[0].key for f in form.fields
                }
                saved = saved_card({**data, **values}, "✓ Gemt.")
                assert saved is not None
                cards[f"{lang}-form-{form.action}-saved"] = saved
        for n in range(1, 12):
            form = forms.notes_form(lang, 2, n, catalogue.element(n).name[lang], (NOTE, NOTE))
            cards[f"{lang}-notes{n}"] = form_card(replace(form, errors={"overall": "For lang."}))
        cards[f"{lang}-overall"] = form_card(forms.overall_form(lang, 2, (NOTE, None)))
        cards[f"{lang}-scope"] = form_card(forms.delimitation_form(lang, 2, "Unge 18–25"))
    add("blocks", every_block())
    unserved = (Image("/srv/out/x.png", "Diagram"), File("/x.csv", "x.csv", "CSV"))
    add("no-urls", Message(unserved, "x"))
    return cards


def every_block() -> Message:
    return Message(
        (
            Text("Overskrift", "header"),
            Text("*fed* _kursiv_ `kode`\n• punkt", "plain"),
            Text("dæmpet", "muted"),
            Buttons(tuple(Button(f"Knap {i}", f"lp:x:{i}", STYLES[i % 3]) for i in range(8))),
            MultiSelect("lp:m:2:2.2", "Vælg", (Choice("a", "a) x"), Choice("f", "f) nej")), ("a",)),
            Fields((("Spørgsmål med svar", "12/60"), ("Uenigheder", "3"))),
            Progress("Teamsvar", 12, 60),
            Image("/srv/out/radar.png", "Edderkoppediagram"),
            File("/srv/out/radar.png", "radar.png", "Diagram som fil"),
            Generate("radar", 2, "Edderkoppediagram (laves)"),
        ),
        "Alle blokke",
    )


@pytest.fixture(scope="module")
def cards() -> dict[str, dict[str, Any]]:
    return all_cards()


def test_every_card_is_under_28_kb(cards: dict[str, dict[str, Any]]) -> None:
    assert len(cards) > 800
    sizes = {name: card_size(card) for name, card in cards.items()}
    biggest = max(sizes, key=lambda name: sizes[name])
    assert sizes[biggest] <= MAX_CARD_BYTES < 28 * 1024, biggest
    assert all(card["version"] == "1.5" for card in cards.values())


def test_every_card_passes_the_official_adaptivecards_validator(
    cards: dict[str, dict[str, Any]], card_check: CardCheck
) -> None:
    card_check(cards)


def test_the_validator_really_rejects_bad_cards(card_check: CardCheck) -> None:
    bad = {
        "type": "AdaptiveCard",
        "version": "1.5",
        "body": [{"type": "Input.Text", "id": "a", "labelPosition": "inline"}, {"type": "Nope"}],
    }
    with pytest.raises(pytest.fail.Exception, match="labelPosition"):
        card_check({"bad": bad})


def test_a_large_disagreement_view_is_split_over_several_cards() -> None:
    catalogue = load_catalogue()
    v = views(catalogue)[1]
    parts = message_cards(disagreement_message("da", v, catalogue, True))
    assert len(parts) > 5
    assert all(card_size(c) <= MAX_CARD_BYTES for c in parts)
    text = "".join(str(c) for c in parts)
    assert text.count("Fastsæt teamsvar") == len(disagreements(v, catalogue)) == 59  # all there


def test_questions_become_submit_buttons_with_the_action_id() -> None:
    catalogue = load_catalogue()
    v = views(catalogue)[2]
    (card,) = message_cards(question_message("da", v, catalogue.question("1.1")))
    sets = [e for e in card["body"] if e["type"] == "ActionSet"]
    actions = [a for s in sets for a in s["actions"]]
    assert [a["title"] for a in actions] == [
        "Ja",
        "Delvist",
        "Nej",
        "Ved ikke",
        "Ikke relevant",
        "Kommentér",
    ]
    assert actions[0] == {"type": "Action.Submit", "title": "Ja", "data": {"lp": "lp:ans:3:1.1:ja"}}
    assert all(len(s["actions"]) <= 5 for s in sets)
    (multi,) = message_cards(question_message("da", v, catalogue.question("2.2")))
    choice = next(e for e in multi["body"] if e["type"] == "Input.ChoiceSet")
    assert choice["isMultiSelect"] is True and choice["id"] == "selected"
    assert [c["value"] for c in choice["choices"]] == ["a", "b", "c", "d", "e", "f"]


def test_forms_carry_limits_drafts_and_errors() -> None:
    form = Form(
        "lp:f-cmt:2:1.1",
        "Kommentar til 1.1",
        (
            FormField("comment", "Din begrundelse", multiline=True, max_length=1500, initial="x"),
            FormField("value", "Svar", kind="choice", options=(Choice("ja", "Ja"),), initial="ja"),
            FormField("note", "Note", required=False, hint="fx a,c"),
        ),
        "Gem",
        intro="Er praksis baseret på …",
        errors={"comment": "Teksten er for lang."},
    )
    body = form_card(form)["body"]
    text_input = next(e for e in body if e.get("id") == "comment")
    assert text_input == {
        "type": "Input.Text",
        "id": "comment",
        "label": "Din begrundelse",
        "isRequired": True,
        "errorMessage": "Din begrundelse ⚠",
        "maxLength": 1500,
        "isMultiline": True,
        "value": "x",
    }
    choice = next(e for e in body if e.get("id") == "value")
    assert choice["type"] == "Input.ChoiceSet" and choice["value"] == "ja"
    error = body[body.index(text_input) + 1]
    assert error["color"] == "Attention" and error["text"] == "Teksten er for lang."
    submit = body[-1]["actions"][0]
    assert submit["data"]["lp"] == "lp:f-cmt:2:1.1" and submit["title"] == "Gem"
    # the title and labels travel with the submit: a saved form becomes a read-only card
    assert submit["data"]["lpform"] == {
        "title": "Kommentar til 1.1",
        "labels": {"comment": "Din begrundelse", "value": "Svar", "note": "Note"},
        "choices": {"value": {"ja": "Ja"}},
    }


def test_our_markup_becomes_card_markdown() -> None:
    assert markdown("*1.1* Er `svar 1.1 ja` _godt_?") == "**1.1** Er **svar 1.1 ja** _godt_?"
    assert markdown("linje 1\nlinje 2\n\nlinje 3") == "linje 1\n\nlinje 2\n\nlinje 3"
    assert markdown("2 * 3 * 4") == "2 * 3 * 4"
    blocks = text_blocks("a" * 7000)
    assert len(blocks) == 3 and "".join(b["text"] for b in blocks) == "a" * 7000


def test_submitted_values_are_read_back_as_strings() -> None:
    assert parse_submit({"lp": "lp:multi:2:2.2", "selected": "a,c"}) == (
        "lp:multi:2:2.2",
        {"selected": "a,c"},
    )
    assert parse_submit({"lp": "lp:x", "n": 3, "obj": {"x": 1}}) == ("lp:x", {"n": "3"})
    assert parse_submit({"other": "card"}) is None
    assert parse_submit("lp:x") is None


async def test_every_card_of_a_results_discussion_is_valid(
    bot: BotHarness, card_check: CardCheck
) -> None:
    await testmodules.load("scenario", "discussion_helpers").run_discussion(bot)
    cards: dict[str, dict[str, Any]] = {}
    for i, record in enumerate(bot.channel.records):
        if record.message is not None:
            for j, c in enumerate(message_cards(record.message)):
                cards[f"message-{i}-{j}"] = c
        if record.form is not None:
            cards[f"form-{i}"] = form_card(record.form)
    assert len(cards) > 60
    assert any(k.startswith("form-") for k in cards)
    assert all(card_size(c) <= MAX_CARD_BYTES for c in cards.values())
    card_check(cards)
