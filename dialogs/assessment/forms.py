"""Form definitions used by the assessment (comments, team answers, notes, delimitation)."""

from __future__ import annotations

from dialogs import actions
from dialogs.i18n import t
from dialogs.messages import Choice, Form, FormField
from dialogs.text_input import LIMITS
from scoring.catalogue import Question


def _choices(lang: str, q: Question) -> tuple[Choice, ...]:
    from dialogs.assessment.views import answer_label

    return tuple(Choice(v, answer_label(lang, q, v)) for v in q.choices())


def comment_form(lang: str, aid: int, q: Question, current: str | None) -> Form:
    return Form(
        action=actions.encode("f-cmt", aid, q.id),
        title=t(lang, "form.comment_title", question=q.id),
        intro=f"{q.id} {q.text[lang]}",
        fields=(
            FormField(
                "comment",
                t(lang, "form.comment_label"),
                multiline=True,
                max_length=LIMITS["comment"],
                initial=current,
            ),
        ),
        submit_label=t(lang, "form.save"),
    )


def not_relevant_form(lang: str, aid: int, q: Question, current: str | None) -> Form:
    return Form(
        action=actions.encode("f-ans", aid, q.id, "ikke_relevant"),
        title=t(lang, "form.not_relevant_title", question=q.id),
        intro=t(lang, "form.not_relevant_intro"),
        fields=(
            FormField(
                "comment",
                t(lang, "form.why_label"),
                multiline=True,
                max_length=LIMITS["comment"],
                initial=current,
            ),
        ),
        submit_label=t(lang, "form.save"),
    )


def decision_form(lang: str, aid: int, q: Question, draft: dict[str, str] | None = None) -> Form:
    """The facilitator's team-answer form; `draft` refills what was typed after an error."""
    draft = draft or {}
    value = (
        FormField(
            "value",
            t(lang, "form.team_value"),
            max_length=20,
            hint=t(lang, "form.multi_hint"),
            initial=draft.get("value"),
        )
        if q.type == "multi"
        else FormField(
            "value",
            t(lang, "form.team_value"),
            kind="choice",
            options=_choices(lang, q),
            initial=draft.get("value") or None,
        )
    )
    return Form(
        action=actions.encode("f-dec", aid, q.id),
        title=t(lang, "form.decision_title", question=q.id),
        intro=f"{q.id} {q.text[lang]}",
        fields=(
            value,
            FormField(
                "justification",
                t(lang, "form.justification"),
                multiline=True,
                max_length=LIMITS["justification"],
                initial=draft.get("justification"),
            ),
        ),
        submit_label=t(lang, "form.save"),
    )


def notes_form(
    lang: str, aid: int, number: int, name: str, current: tuple[str | None, str | None]
) -> Form:
    return Form(
        action=actions.encode("f-notes", aid, number),
        title=t(lang, "form.notes_title", number=number),
        intro=name,
        fields=(
            FormField(
                "overall",
                t(lang, "form.element_overall"),
                multiline=True,
                required=False,
                max_length=LIMITS["note"],
                initial=current[0],
            ),
            FormField(
                "potential",
                t(lang, "form.element_potential"),
                multiline=True,
                required=False,
                max_length=LIMITS["note"],
                initial=current[1],
            ),
        ),
        submit_label=t(lang, "form.save"),
    )


def overall_form(lang: str, aid: int, current: tuple[str | None, str | None]) -> Form:
    return Form(
        action=actions.encode("f-overall", aid),
        title=t(lang, "form.overall_title"),
        fields=(
            FormField(
                "overall",
                t(lang, "form.overall_label"),
                multiline=True,
                required=False,
                max_length=LIMITS["note"],
                initial=current[0],
            ),
            FormField(
                "potentials",
                t(lang, "form.potentials_label"),
                multiline=True,
                required=False,
                max_length=LIMITS["note"],
                initial=current[1],
            ),
        ),
        submit_label=t(lang, "form.save"),
    )


def delimitation_form(lang: str, aid: int, current: str | None) -> Form:
    return Form(
        action=actions.encode("f-scope", aid),
        title=t(lang, "form.scope_title"),
        intro=t(lang, "form.scope_intro"),
        fields=(
            FormField(
                "scope",
                t(lang, "form.scope_label"),
                max_length=LIMITS["delimitation"],
                initial=current,
            ),
        ),
        submit_label=t(lang, "form.save"),
    )
