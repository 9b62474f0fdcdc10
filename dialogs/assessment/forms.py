"""Form definitions used by the assessment (comments, team answers, notes, delimitation)."""

from __future__ import annotations

from dialogs import actions
from dialogs.assessment.ops import notes_version
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


def not_relevant_form(
    lang: str, aid: int, q: Question, current: str | None, *, guided: bool = False
) -> Form:
    """Why "Ikke relevant"; `guided`: saving it brings the person's next question."""
    flag = ("g",) if guided else ()  # views.GUIDED
    return Form(
        action=actions.encode("f-ans", aid, q.id, "ikke_relevant", *flag),
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


Notes = tuple[str | None, str | None]


def notes_form(
    lang: str,
    aid: int,
    number: int,
    name: str,
    shown: Notes,
    version: str | None = None,
    changed: Notes | None = None,
) -> Form:
    """Samlet vurdering and Udviklingspotentiale of an element. `shown`: the fields' texts;
    `version`: `notes_version` of the notes the person started from (carried in the action,
    so a save over notes changed meanwhile is refused; None: those shown); `changed`: the
    notes as they are now, when they changed while the person wrote (shown above the
    person's draft)."""
    labels = (t(lang, "form.element_overall"), t(lang, "form.element_potential"))
    return Form(
        action=actions.encode("f-notes", aid, number, version or notes_version(*shown)),
        title=t(lang, "form.notes_title", number=number),
        intro=name if changed is None else f"{name}\n\n{_changed(lang, labels, changed)}",
        fields=(
            FormField(
                "overall",
                labels[0],
                multiline=True,
                required=False,
                max_length=LIMITS["note"],
                initial=shown[0],
            ),
            FormField(
                "potential",
                labels[1],
                multiline=True,
                required=False,
                max_length=LIMITS["note"],
                initial=shown[1],
            ),
        ),
        submit_label=t(lang, "form.save"),
    )


def overall_form(
    lang: str, aid: int, shown: Notes, version: str | None = None, changed: Notes | None = None
) -> Form:
    """The practice's overall notes; the arguments as for `notes_form`."""
    labels = (t(lang, "form.overall_label"), t(lang, "form.potentials_label"))
    return Form(
        action=actions.encode("f-overall", aid, version or notes_version(*shown)),
        title=t(lang, "form.overall_title"),
        intro=None if changed is None else _changed(lang, labels, changed),
        fields=(
            FormField(
                "overall",
                labels[0],
                multiline=True,
                required=False,
                max_length=LIMITS["note"],
                initial=shown[0],
            ),
            FormField(
                "potentials",
                labels[1],
                multiline=True,
                required=False,
                max_length=LIMITS["note"],
                initial=shown[1],
            ),
        ),
        submit_label=t(lang, "form.save"),
    )


def _changed(lang: str, labels: tuple[str, str], now: Notes) -> str:
    empty = t(lang, "form.notes_empty")
    current = "\n".join(
        f"{label}: {text or empty}" for label, text in zip(labels, now, strict=True)
    )
    return t(lang, "form.notes_changed", current=current)


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
