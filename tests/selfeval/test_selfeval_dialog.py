"""The pure dialog: table-driven parsing, English texts, and outcomes without a database."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dialogs import actions
from dialogs.effects import OpenForm, Post, Refresh
from dialogs.events import Command, Interaction
from dialogs.selfeval import SelfEvalDialog, ops
from dialogs.selfeval.dialog import BadRating, parse_rating
from dialogs.selfeval.model import RatingView, SelfEvalView
from dialogs.selfeval.views import dimension_message, summary_message
from dialogs.turn import MemberView, Turn
from scoring.org_catalogue import load_org_catalogue

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ANNA = MemberView("anna", "Anna", "facilitator")
BO = MemberView("bo", "Bo", "member")


def turn(actor: MemberView = ANNA, lang: str = "da", view: SelfEvalView | None = None) -> Turn:
    return Turn(NOW, lang, actor, (ANNA, BO), extra={"selfeval": view})


def open_view(**kw: object) -> SelfEvalView:
    base: dict[str, object] = {
        "id": 3, "round_no": 1, "title": None, "status": "open", "pacing": "one",
        "current_dimension": 1, "started_at": NOW,
    }  # fmt: skip
    base.update(kw)
    return SelfEvalView(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1", 1), ("5", 5), (" 3 ", 3), ("ingen", None), ("none", None), ("-", None)],
)
def test_parse_rating(text: str, expected: int | None) -> None:
    assert parse_rating(text) == expected


@pytest.mark.parametrize("text", ["7", "6", "2.5", "godt", "", "-1", "٣"])
def test_parse_rating_refuses(text: str) -> None:
    with pytest.raises(BadRating):
        parse_rating(text)


def test_start_makes_the_first_person_facilitator() -> None:
    nobody = Turn(NOW, "da", MemberView("bo", "Bo", "member"), (BO,), extra={"selfeval": None})
    outcome = SelfEvalDialog().step(nobody, Command("selvevaluering start"))
    assert [type(o).__name__ for o in outcome.ops] == ["SetRole", "StartSelfEval"]
    assert all(isinstance(o, Refresh) and o.owner == "selfeval" for o in outcome.out)


def test_rating_is_an_operation_with_a_labelled_announcement() -> None:
    outcome = SelfEvalDialog().step(turn(view=open_view()), Command("selfeval rate leadership 4"))
    assert outcome.ops == (ops.SetTeamRating(3, "L", 4),)
    said = [o for o in outcome.out if isinstance(o, Post)]
    assert "teamets egen vurdering – ikke en score fra måleredskabet" in said[0].message.fallback


def test_english_refusals_and_labels() -> None:
    dialog = SelfEvalDialog()
    refused = dialog.step(turn(BO, "en", open_view()), Command("selfeval rate L 4"))
    post = refused.out[0]
    assert isinstance(post, Post) and "Only the facilitator sets" in post.message.fallback
    bad = dialog.step(turn(ANNA, "en", open_view()), Command("selfeval rate L 7"))
    post = bad.out[0]
    assert isinstance(post, Post) and "whole number from 1 to 5" in post.message.fallback
    assert not bad.ops

    view = open_view(ratings={"L": RatingView(4, "Anna")}, previous_ratings={"L": 3})
    cat = load_org_catalogue()
    msg = dimension_message("en", view, cat.dimensions[0], total=5)
    text = "\n".join(getattr(b, "text", "") for b in msg.blocks)
    assert "The team's own rating: 4/5 (the team's own judgement – not a score" in text
    assert "Last round: 3/5" in text and "1/5 · Leadership" in text
    summary = summary_message("en", view, cat)
    assert any(type(b).__name__ == "Generate" for b in summary.blocks)


def test_reflection_button_opens_a_form_with_my_earlier_text() -> None:
    from dialogs.selfeval.model import ReflectionView

    view = open_view(reflections={"L2": (ReflectionView("bo", "Bo", "Før"),)})
    outcome = SelfEvalDialog().step(
        turn(BO, view=view), Interaction(actions.encode("se-refl", 3, "L2"))
    )
    form = outcome.out[0]
    assert isinstance(form, OpenForm)
    assert form.form.fields[0].initial == "Før" and form.form.fields[0].max_length == 1500
