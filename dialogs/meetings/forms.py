"""Forms of the meetings feature. Each takes the draft values so that a rejected submission is
shown again with what the user wrote (RejectForm) — nothing is stored half-way."""

from __future__ import annotations

from collections.abc import Mapping

from dialogs import actions
from dialogs.forms import Draft, mode_field, one_text_form
from dialogs.i18n import t
from dialogs.meetings import content
from dialogs.meetings.checks import LIMITS
from dialogs.meetings.model import STATUSES, AgreementView
from dialogs.messages import Choice, Form, FormField
from dialogs.turn import MemberView

MAX_CHOICE_MEMBERS = 100  # Slack static selects allow 100 options

Values = Mapping[str, str]


def _member_field(
    lang: str, name: str, label_key: str, members: tuple[MemberView, ...], initial: str | None
) -> FormField:
    if 0 < len(members) <= MAX_CHOICE_MEMBERS:
        return FormField(
            name,
            t(lang, label_key),
            kind="choice",
            options=tuple(Choice(m.external_id, m.name) for m in members),
            initial=initial,
        )
    # Typed: suggest the person by name (a member is found by name or id alike), never the id.
    named = next((m.name for m in members if m.external_id == initial), initial)
    return FormField(
        name,
        t(lang, label_key),
        max_length=200,
        initial=named,
        hint=t(lang, "mt.form.member_hint"),
    )


def plan_form(lang: str, members: tuple[MemberView, ...], values: Values) -> Form:
    d = Draft(lang, values)
    return Form(
        action=actions.encode("mtf-plan"),
        title=d.t("mt.form.plan_title"),
        intro=d.t("mt.form.plan_intro"),
        fields=(
            _when(d, "when", d.t("mt.form.when"), required=True),
            _member_field(
                lang, "facilitator", "mt.form.facilitator", members, values.get("facilitator")
            ),
            d.text(
                "participants",
                d.t("mt.form.participants"),
                LIMITS["names"],
                hint=d.t("mt.form.participants_hint"),
            ),
            mode_field(d, "mt"),
            _short(
                d, "window", "mt.form.window", "mt.form.window_hint", required=False, default="2"
            ),
            _short(d, "themes", "mt.form.theme_limit", "mt.form.theme_hint", default="2"),
            _short(d, "focus", "mt.form.focus", "mt.form.focus_hint", required=False),
        ),
        submit_label=d.t("mt.form.plan_submit"),
    )


def _short(
    d: Draft,
    name: str,
    label_key: str,
    hint_key: str | None = None,
    *,
    required: bool = True,
    default: str | None = None,
) -> FormField:
    """A one-line field for a number or a few numbers."""
    return d.text(
        name,
        d.t(label_key),
        LIMITS["short"],
        multiline=False,
        required=required,
        default=default,
        hint=d.t(hint_key) if hint_key else None,
    )


def _when(d: Draft, name: str, label: str, *, required: bool) -> FormField:
    """A date and a time (pickers where the platform has them)."""
    return FormField(
        name,
        label,
        kind="datetime",
        required=required,
        max_length=LIMITS["short"],
        initial=d.initial(name),
        hint=d.t("mt.form.when_hint"),
        time_label=d.t("mt.form.time_part"),
        missing=d.t("mt.form.when_missing"),
    )


def preparation_form(lang: str, mid: int, values: Values) -> Form:
    d = Draft(lang, values)

    def point(name: str, required: bool) -> FormField:
        label = content.text(f"preparation.points.{name}", lang)
        return d.text(name, label, LIMITS["point"], required=required)

    return Form(
        action=actions.encode("mtf-prep", mid),
        title=d.t("mt.form.prep_title"),
        intro=content.text("preparation.points_title", lang) + " " + d.t("mt.prep.privacy"),
        fields=(point("positive", True), point("improvement", True), point("question", False)),
        submit_label=d.t("form.save"),
    )


def observation_form(lang: str, mid: int, values: Values) -> Form:
    return one_text_form(
        lang,
        action=actions.encode("mtf-obs", mid),
        title=t(lang, "mt.form.obs_title"),
        intro=t(lang, "mt.form.obs_intro"),
        label=t(lang, "mt.form.obs_label"),
        limit=LIMITS["observation"],
        initial=values.get("text"),
    )


def interpretation_form(lang: str, mid: int, tid: int, title: str, values: Values) -> Form:
    return one_text_form(
        lang,
        action=actions.encode("mtf-int", mid, tid),
        title=t(lang, "mt.form.int_title"),
        intro=title,
        label=t(lang, "mt.form.int_label"),
        limit=LIMITS["interpretation"],
        initial=values.get("text"),
    )


def paper_form(lang: str, mid: int, values: Values) -> Form:
    d = Draft(lang, values)
    return Form(
        action=actions.encode("mtf-paper", mid),
        title=d.t("mt.form.paper_title"),
        intro=d.t("mt.form.paper_intro"),
        fields=(
            d.text("short", d.t("mt.paper.short"), LIMITS["goal"]),
            d.text("long", d.t("mt.form.long"), LIMITS["goal"], required=False),
            _short(d, "months", "mt.form.months", required=False, default="6"),
            d.text("progress", d.t("mt.paper.progress"), LIMITS["progress"], required=False),
            _when(d, "next", d.t("mt.form.next"), required=False),
        ),
        submit_label=d.t("form.save"),
    )


def action_form(lang: str, mid: int, members: tuple[MemberView, ...], values: Values) -> Form:
    return agreement_form(
        lang,
        members,
        values,
        action=actions.encode("mtf-act", mid),
        title=t(lang, "mt.form.act_title"),
        intro=t(lang, "mt.form.act_intro"),
    )


def agreement_form(
    lang: str,
    members: tuple[MemberView, ...],
    values: Values,
    *,
    action: str,
    title: str,
    intro: str,
    submit_key: str = "form.save",
    skip: frozenset[str] = frozenset(),
) -> Form:
    """A form for one agreement: a meeting's, or another feature's "make it an agreement"
    (its draft in `values`; `skip`: the fields that do not apply there)."""
    fields = tuple(f for f in agreement_fields(lang, members, values) if f.name not in skip)
    return Form(
        action=action, title=title, intro=intro, fields=fields, submit_label=t(lang, submit_key)
    )


def agreement_fields(
    lang: str, members: tuple[MemberView, ...], values: Values
) -> tuple[FormField, ...]:
    """The fields of one agreement (also for other features' "make it an agreement" forms)."""
    d = Draft(lang, values)
    return (
        d.text("what", d.t("ag.form.what"), LIMITS["what"]),
        d.text(
            "signal",
            d.t("ag.form.signal"),
            LIMITS["signal"],
            required=False,
            hint=d.t("ag.form.signal_hint"),
        ),
        _member_field(lang, "owner", "ag.form.owner", members, values.get("owner")),
        _member_field(lang, "follow_up", "ag.form.follow_up", members, values.get("follow_up")),
        FormField(
            "due",
            d.t("ag.form.due"),
            kind="date",
            max_length=LIMITS["short"],
            initial=values.get("due"),
            hint=d.t("ag.form.due_hint"),
        ),
        _short(d, "element", "ag.form.element", "ag.form.element_hint", required=False),
    )


def learned_form(lang: str, a: AgreementView, values: Values) -> Form:
    d = Draft(lang, values)
    statuses = tuple(Choice(s, d.t(f"ag.status.{s}")) for s in STATUSES)
    intro = t(lang, "ag.form.note_intro", number=a.number)
    if a.signal:  # what they agreed would show it: "Kan vi se resultaterne i data?"
        intro += "\n" + t(lang, "ag.signal_line", text=a.signal)
    return Form(
        action=actions.encode("agf-note", a.id),
        title=t(lang, "ag.form.note_title"),
        intro=intro,
        fields=(
            d.choice("status", d.t("ag.form.status"), statuses),
            d.text("note", d.t("ag.form.note"), LIMITS["learned"]),
        ),
        submit_label=t(lang, "form.save"),
    )
