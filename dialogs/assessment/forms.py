"""Form definitions used by the assessment (comments, team answers, notes, delimitation)."""

from __future__ import annotations

from dialogs import actions
from dialogs.assessment.ops import notes_version
from dialogs.forms import Draft, one_text_form
from dialogs.i18n import t
from dialogs.messages import Choice, Form, FormField
from dialogs.text_input import LIMITS
from scoring.catalogue import Question


def _choices(lang: str, q: Question) -> tuple[Choice, ...]:
    from dialogs.assessment.views import answer_label

    return tuple(Choice(v, answer_label(lang, q, v)) for v in q.choices())


def comment_form(lang: str, aid: int, q: Question, current: str | None) -> Form:
    return one_text_form(
        lang,
        action=actions.encode("f-cmt", aid, q.id),
        title=t(lang, "form.comment_title", question=q.id),
        intro=f"{q.id} {q.text[lang]}",
        name="comment",
        label=t(lang, "form.comment_label"),
        limit=LIMITS["comment"],
        initial=current,
    )


def not_relevant_form(
    lang: str, aid: int, q: Question, current: str | None, *, guided: bool = False
) -> Form:
    """Why "Ikke relevant"; `guided`: saving it brings the person's next question."""
    flag = ("g",) if guided else ()  # views.GUIDED
    return one_text_form(
        lang,
        action=actions.encode("f-ans", aid, q.id, "ikke_relevant", *flag),
        title=t(lang, "form.not_relevant_title", question=q.id),
        intro=t(lang, "form.not_relevant_intro"),
        name="comment",
        label=t(lang, "form.why_label"),
        limit=LIMITS["comment"],
        initial=current,
    )


def decision_form(lang: str, aid: int, q: Question, draft: dict[str, str] | None = None) -> Form:
    """The facilitator's team-answer form; `draft` refills what was typed after an error."""
    d = Draft(lang, draft or {})
    label = d.t("form.team_value")
    value = (
        d.text("value", label, 20, multiline=False, hint=d.t("form.multi_hint"))
        if q.type == "multi"
        else FormField(
            "value",
            label,
            kind="choice",
            options=_choices(lang, q),
            initial=d.initial("value") or None,
        )
    )
    return Form(
        action=actions.encode("f-dec", aid, q.id),
        title=d.t("form.decision_title", question=q.id),
        intro=f"{q.id} {q.text[lang]}",
        fields=(value, d.text("justification", d.t("form.justification"), LIMITS["justification"])),
        submit_label=d.t("form.save"),
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
        fields=_notes_fields(("overall", "potential"), labels, shown),
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
        fields=_notes_fields(("overall", "potentials"), labels, shown),
        submit_label=t(lang, "form.save"),
    )


def _notes_fields(
    names: tuple[str, str], labels: tuple[str, str], shown: Notes
) -> tuple[FormField, ...]:
    """The two notes of `notes_form` and `overall_form`, each optional."""
    return tuple(
        FormField(
            name, label, multiline=True, required=False, max_length=LIMITS["note"], initial=text
        )
        for name, label, text in zip(names, labels, shown, strict=True)
    )


def _changed(lang: str, labels: tuple[str, str], now: Notes) -> str:
    empty = t(lang, "form.notes_empty")
    current = "\n".join(
        f"{label}: {text or empty}" for label, text in zip(labels, now, strict=True)
    )
    return t(lang, "form.notes_changed", current=current)


def delimitation_form(lang: str, aid: int, current: str | None) -> Form:
    return one_text_form(
        lang,
        action=actions.encode("f-scope", aid),
        title=t(lang, "form.scope_title"),
        intro=t(lang, "form.scope_intro"),
        name="scope",
        label=t(lang, "form.scope_label"),
        limit=LIMITS["delimitation"],
        initial=current,
        multiline=False,
    )
