"""The person's own view of a clicked message (bot/own_view.py): their button marked, 2.2's
ticks as they saved them, the turn's short private words under it — and nothing of theirs when
the turn did not update the clicked message (a refused click)."""

from __future__ import annotations

from bot.own_view import Click, OwnView, group_of, is_note, note_text, own_view, shows
from dialogs.messages import Button, Buttons, Choice, Message, MultiSelect, Text

JA, NEJ = "lp:ans:1:1.1:ja", "lp:ans:1:1.1:nej"
CARD = Message(
    (Text("*1.1* Bygger I på en teori?"), Buttons((Button("Ja", JA), Button("Nej", NEJ)))),
    "1.1",
)
MULTI = MultiSelect("lp:multi:1:2.2", "Vælg", (Choice("a", "a) Ja"), Choice("c", "c) Andet")))
CARD_22 = Message((Text("*2.2*"), MULTI), "2.2")


def test_the_chosen_button_is_marked_and_the_words_come_under_it() -> None:
    said = Message((Text("Dit svar på 1.1: *Ja*"),), "Dit svar på 1.1: Ja")
    view = own_view(CARD, (Click(JA),), (said,))
    (buttons,) = [b for b in view.blocks if isinstance(b, Buttons)]
    assert [(b.label, b.style) for b in buttons.buttons] == [
        ("✓ Ja", "primary"),
        ("Nej", "default"),
    ]
    assert view.blocks[-1] == Text("Dit svar på 1.1: *Ja*", "muted")
    assert view.fallback == "Dit svar på 1.1: Ja"
    again = own_view(view, (Click(JA),))  # marked once, however often it is drawn
    assert next(b for b in again.blocks if isinstance(b, Buttons)).buttons[0].label == "✓ Ja"
    assert note_text([said]) == "Dit svar på 1.1: Ja."


def test_2_2_keeps_the_ticks_and_a_restated_confirmation_adds_only_its_words() -> None:
    click = Click(MULTI.action, {"selected": "a,c"})
    restated = Message((Text("Dit svar på 2.2: a, c"), MULTI), "Dit svar på 2.2")
    assert is_note(restated, click) and not is_note(restated)
    view = own_view(CARD_22, (click,), (restated,))
    assert [b for b in view.blocks if isinstance(b, MultiSelect)] == [
        MultiSelect(MULTI.action, MULTI.label, MULTI.options, selected=("a", "c"))
    ]
    assert view.blocks[-1] == Text("Dit svar på 2.2: a, c", "muted")


def test_only_the_clicked_message_becomes_the_view() -> None:
    own = OwnView(Click(JA))
    assert not own.saw(Message((Text("Fremdrift"),), "p")) and own.view is None
    assert own.saw(CARD) and own.view is not None
    assert shows(CARD_22, MULTI.action) and not shows(CARD_22, JA)
    long = Message((Text("x" * 601),), "x")
    with_button = Message((Text("Mere"), Buttons((Button("Se", "lp:x"),))), "m")
    assert not is_note(long) and not is_note(with_button)


def test_on_a_card_of_several_questions_each_pressed_button_is_marked() -> None:
    ja12, nej12 = "lp:ans:1:1.2:ja", "lp:ans:1:1.2:nej"
    card = Message(
        (
            *CARD.blocks,
            Text("*1.2* Anbefalet af eksperter?"),
            Buttons((Button("Ja", ja12), Button("Nej", nej12))),
        ),
        "Element 1",
    )
    assert group_of(card, nej12) == {ja12, nej12}  # one question's row
    assert group_of(card, "lp:other") == {"lp:other"}
    view = own_view(card, (Click(JA), Click(nej12)))
    labels = [b.label for block in view.blocks if isinstance(block, Buttons) for b in block.buttons]
    assert labels == ["✓ Ja", "Nej", "Ja", "✓ Nej"]
