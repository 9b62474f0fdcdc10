"""Block Kit rendering: every message and form the bot produces is valid for slack_sdk's models
and within Slack's limits — including all 60 questions, long comments and many disagreements."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import testmodules

from bot.slack.blocks import MAX_MESSAGE_JSON, render_message, strip_tag
from bot.slack.home import home_view
from bot.slack.modals import field_errors, form_view, inline_form, submitted_values
from bot.slack.mrkdwn import command_text, mrkdwn, split_text, truncate
from bot.slack.testing.harness import elements, valid_blocks, valid_view
from bot.testing import BotHarness
from dialogs import actions
from dialogs.assessment import forms
from dialogs.assessment.model import AssessmentView, MemberAnswerView
from dialogs.assessment.result_views import close_check_message
from dialogs.assessment.views import disagreement_message
from dialogs.messages import (
    Button,
    Buttons,
    Choice,
    Fields,
    Form,
    FormField,
    Message,
    MultiSelect,
    Progress,
    Text,
    ToMember,
)
from dialogs.replies import help_message, help_topics, topic_message, welcome_message
from scoring.catalogue import load_catalogue
from storage.overview import ChannelOverview, RoundSummary

CATALOGUE = load_catalogue()
LONG = ("Vi har drøftet det grundigt i teamet, og vores begrundelse er lang. " * 23)[:1500]


def check_message(message: Message) -> int:
    rendered = render_message(message)
    for chunk in rendered.chunks:
        valid_blocks(chunk)
        assert len(json.dumps(chunk, ensure_ascii=False)) <= MAX_MESSAGE_JSON
    assert 0 < len(rendered.text) <= 3000
    return len(rendered.chunks)


def check_form(form: Form) -> None:
    view = form_view(form, "C1", "Annuller")
    valid_view(view)
    assert len(view["title"]["text"]) <= 24 and len(view["submit"]["text"]) <= 24
    valid_blocks(inline_form(form))


async def test_every_message_and_form_of_a_whole_assessment(bot: BotHarness) -> None:
    await bot.say("Anna", "start Recovery-forløb")
    await bot.say("Anna", "afgrænsning " + "Forløbet for unge i eget hjem. " * 10)
    aid = bot.assessment_id()
    await bot.click("Anna", actions.encode("pace", aid, "all"))
    for person, value, upto in (("Anna", "ja", 3), ("Bo", "nej", 2), ("Carla", "delvist", 1)):
        for q in (q for q in CATALOGUE.questions if q.element <= upto):
            comment = f": {LONG}" if person == "Bo" and q.element == 1 else ""
            if q.type == "multi":
                await bot.say(person, f"svar {q.id} a,c,d{comment}")
            elif q.type == "single":
                await bot.say(person, f"svar {q.id} universitet")
            else:
                await bot.say(person, f"svar {q.id} {value}{comment}")
    await bot.say("Anna", "uenighed")
    await bot.click("Anna", actions.encode("dec", aid, "1.1"))
    await bot.click(
        "Anna", actions.encode("f-dec", aid, "1.1"), {"value": "x", "justification": ""}
    )
    await bot.click("Anna", actions.encode("cmt", aid, "1.2"))
    await bot.click("Anna", actions.encode("notes", aid, 1))
    await bot.say("Anna", "samlet")
    await bot.say("Anna", "scope")
    for command in ("hjælp", "status", "spørgsmål", "resultat", "luk", "luk", "resultat"):
        await bot.say("Anna", command)
    messages = [r.message for r in bot.channel.records if r.message is not None]
    form_list = [r.form for r in bot.channel.records if r.form is not None]
    assert len(messages) > 100 and len(form_list) >= 5
    for message in messages:
        check_message(message)
    for form in form_list:
        check_form(form)


def test_all_sixty_questions_render_with_their_buttons() -> None:
    from dialogs.assessment.views import question_message

    view = AssessmentView(
        1, "Recovery", None, 1, "open", "all", 11, datetime(2026, 3, 2, tzinfo=UTC)
    )
    for q in CATALOGUE.questions:
        rendered = render_message(question_message("da", view, q))
        (chunk,) = rendered.chunks
        valid_blocks(chunk)
        values = [e["value"] for e in elements(chunk, "button")]
        assert values and all(v.startswith("lp:") for v in values)


def many_disagreements() -> AssessmentView:
    answers = {
        q.id: tuple(
            MemberAnswerView(f"U{i}", name, value, f"[{q.id}/{name}] {LONG}")
            for i, (name, value) in enumerate((("Anna", "ja"), ("Bo", "nej"), ("Carla", "delvist")))
        )
        for q in CATALOGUE.questions
        if q.type == "scale"
    }
    return AssessmentView(
        1, "Recovery", None, 1, "open", "all", 11, datetime(2026, 3, 2, tzinfo=UTC), answers=answers
    )


def test_the_disagreement_view_with_all_questions_and_long_comments_is_split() -> None:
    message = disagreement_message("da", many_disagreements(), CATALOGUE, facilitator=True)
    rendered = render_message(message)
    assert len(rendered.chunks) > 1
    for chunk in rendered.chunks:
        valid_blocks(chunk)
        assert len(json.dumps(chunk, ensure_ascii=False)) <= MAX_MESSAGE_JSON
    text = "".join(b["text"]["text"] for c in rendered.chunks for b in c if b["type"] == "section")
    scale = [q for q in CATALOGUE.questions if q.type == "scale"]
    for q in scale:  # no comment is lost in the split
        assert all(f"[{q.id}/{name}] {LONG[:100]}" in text for name in ("Anna", "Bo", "Carla"))


def test_help_in_both_languages() -> None:
    for lang in ("da", "en"):
        check_message(help_message(lang))
        for topic in help_topics():
            check_message(topic_message(lang, topic))
        check_message(welcome_message(lang))
        check_message(close_check_message(lang, many_disagreements(), CATALOGUE, None, 14))


def test_building_blocks_respect_the_limits() -> None:
    long_label = "Et meget langt knapnavn der bliver ved og ved og ved og ved og ved og ved og ved"
    message = Message(
        (
            Text("Overskrift " * 30, "header"),
            Text("x" * 7000),
            Text("stille " * 600, "muted"),
            Buttons(tuple(Button(long_label, "lp:ans:1:1.1:ja") for _ in range(30))),
            Fields(tuple((f"Felt {i}", "værdi") for i in range(23))),
            Progress("Teamsvar", 23, 60),
            MultiSelect(
                "lp:multi:1:2.2",
                "Vælg",
                tuple(Choice(k, f"{k}) " + "lang tekst " * 14) for k in "abcdefghijkl"),
                selected=("a", "c"),
            ),
        ),
        "fallback " * 500,
    )
    assert check_message(message) == 3  # split by size: ~7000 + ~4200 characters of text
    chunk = [b for c in render_message(message).chunks for b in c]
    header = chunk[0]
    assert header["type"] == "header" and len(header["text"]["text"]) <= 150
    ids = [e["action_id"] for e in elements(chunk) if "action_id" in e]
    assert {strip_tag(i) for i in ids} == {"lp:ans:1:1.1:ja", "lp:multi:1:2.2"}
    boxes = elements(chunk, "checkboxes")
    assert [len(b["options"]) for b in boxes] == [10, 2]
    assert [o["value"] for o in boxes[0]["initial_options"]] == ["a", "c"]
    fields = [b for b in chunk if "fields" in b]
    assert [len(b["fields"]) for b in fields] == [10, 10, 3]


def test_user_text_cannot_mention_everyone() -> None:
    (chunk,) = render_message(Message((Text("Hej <!channel> & <@U1>"),), "x")).chunks
    assert chunk[0]["text"]["text"] == "Hej &lt;!channel&gt; &amp; &lt;@U1&gt;"
    assert mrkdwn("*fed* _kursiv_ `kode`") == "*fed* _kursiv_ `kode`"


def test_text_helpers() -> None:
    assert truncate("kort", 10) == "kort"
    assert len(truncate("ord " * 100, 75)) <= 75
    pieces = split_text(("linje\n" * 1000) + "&amp;" * 1000, 3000)
    assert all(len(p) <= 3000 for p in pieces)
    assert all(not p.endswith(("&", "&a", "&am", "&amp")) for p in pieces)
    assert command_text("<@UBOT> mødeleder <@U2|bo>", "UBOT") == "mødeleder U2"
    assert command_text("svar 1.1 ja: se <https://x.dk|linket> i <#C1|team> &amp; mere") == (
        "svar 1.1 ja: se linket i #team & mere"
    )
    assert command_text("svar 1.1 ja: første\nanden linje") == "svar 1.1 ja: første\nanden linje"


def test_forms_become_modals_and_come_back_as_values() -> None:
    q = CATALOGUE.question("2.2")
    for form in (
        forms.comment_form("da", 1, CATALOGUE.question("1.1"), LONG),
        forms.not_relevant_form("en", 1, CATALOGUE.question("11.7"), None),
        forms.decision_form("da", 1, q),
        forms.decision_form("da", 1, CATALOGUE.question("2.3")),
        forms.decision_form("en", 1, CATALOGUE.question("5.2")),
        forms.notes_form("da", 1, 10, CATALOGUE.element(10).name["da"], ("a", None)),
        forms.overall_form("da", 1, (None, None)),
        forms.delimitation_form("da", 1, None),
    ):
        check_form(form)
    long = Form(
        "lp:f-cmt:1:1.1",
        "En alt for lang titel på en formular",
        (FormField("a", "A", max_length=5000, initial="x" * 4000), FormField("b", "B")),
        "Gem kommentaren nu med det samme",
        errors={"a": "For lang", "b": "Tom"},
    )
    view = form_view(long, "C1", "Annuller")
    valid_view(view)
    assert view["blocks"][0]["element"]["max_length"] == 3000
    assert len(view["blocks"][0]["element"]["initial_value"]) == 3000
    assert field_errors(long) == {"f:a": "For lang", "f:b": "Tom"}
    assert field_errors(Form("lp:x", "T", (), "OK", errors={"other": "!"})) is None
    state = {
        "f:value": {"value": {"type": "static_select", "selected_option": {"value": "ja"}}},
        "f:justification": {"value": {"type": "plain_text_input", "value": None}},
        "b-unrelated": {"x": {"type": "plain_text_input", "value": "ignored"}},
    }
    assert submitted_values(state) == {"value": "ja", "justification": ""}


def test_the_home_tab_stays_within_100_blocks() -> None:
    view = many_disagreements()
    started = datetime(2026, 3, 2, tzinfo=UTC)
    rounds = tuple(RoundSummary(i, f"Praksis {i}", i, "closed", started, started) for i in range(5))
    channels = [
        ChannelOverview(f"C{i}", f"kanal-{i}", "da", rounds, view if i % 2 else None)
        for i in range(40)
    ]
    home = home_view("da", channels, CATALOGUE, "U9")
    valid_view(home)
    assert len(home["blocks"]) <= 100
    valid_view(home_view("en", [], CATALOGUE, "U9"))


async def test_every_message_and_form_of_a_results_discussion(bot: BotHarness) -> None:
    mark = len(bot.channel.records)
    await testmodules.load("scenario", "discussion_helpers").run_discussion(bot)
    records = bot.channel.records[mark:]
    messages = [r.message for r in records if r.message is not None]
    form_list = [r.form for r in records if r.form is not None]
    assert len(messages) > 40 and len(form_list) >= 8
    assert any(isinstance(r.target, ToMember) for r in records)  # the private invitations
    assert any(f.errors for f in form_list)  # the rejected notes, agreement and plan
    assert any(f.action.startswith("lp:dcf-meet:") for f in form_list)
    for message in messages:
        check_message(message)
    for form in form_list:
        check_form(form)
