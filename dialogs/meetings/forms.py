"""Forms of the meetings feature. Each takes the draft values so that a rejected submission is
shown again with what the user wrote (RejectForm) — nothing is stored half-way."""

from __future__ import annotations

from collections.abc import Mapping

from dialogs import actions
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
    return Form(
        action=actions.encode("mtf-plan"),
        title=t(lang, "mt.form.plan_title"),
        intro=t(lang, "mt.form.plan_intro"),
        fields=(
            FormField(
                "when",
                t(lang, "mt.form.when"),
                kind="datetime",
                max_length=LIMITS["short"],
                initial=values.get("when"),
                hint=t(lang, "mt.form.when_hint"),
                time_label=t(lang, "mt.form.time_part"),
                missing=t(lang, "mt.form.when_missing"),
            ),
            _member_field(
                lang, "facilitator", "mt.form.facilitator", members, values.get("facilitator")
            ),
            FormField(
                "participants",
                t(lang, "mt.form.participants"),
                multiline=True,
                max_length=LIMITS["names"],
                initial=values.get("participants"),
                hint=t(lang, "mt.form.participants_hint"),
            ),
            FormField(
                "mode",
                t(lang, "mt.form.mode"),
                kind="choice",
                options=(
                    Choice("live", t(lang, "mt.mode.live")),
                    Choice("async", t(lang, "mt.mode.async")),
                ),
                initial=values.get("mode") or "live",
            ),
            FormField(
                "window",
                t(lang, "mt.form.window"),
                max_length=LIMITS["short"],
                required=False,
                initial=values.get("window") or "2",
                hint=t(lang, "mt.form.window_hint"),
            ),
            FormField(
                "themes",
                t(lang, "mt.form.theme_limit"),
                max_length=LIMITS["short"],
                initial=values.get("themes") or "2",
                hint=t(lang, "mt.form.theme_hint"),
            ),
            FormField(
                "focus",
                t(lang, "mt.form.focus"),
                max_length=LIMITS["short"],
                required=False,
                initial=values.get("focus"),
                hint=t(lang, "mt.form.focus_hint"),
            ),
        ),
        submit_label=t(lang, "mt.form.plan_submit"),
    )


def preparation_form(lang: str, mid: int, values: Values) -> Form:
    def point(name: str, required: bool) -> FormField:
        return FormField(
            name,
            content.text(f"preparation.points.{name}", lang),
            multiline=True,
            required=required,
            max_length=LIMITS["point"],
            initial=values.get(name),
        )

    return Form(
        action=actions.encode("mtf-prep", mid),
        title=t(lang, "mt.form.prep_title"),
        intro=content.text("preparation.points_title", lang) + " " + t(lang, "mt.prep.privacy"),
        fields=(point("positive", True), point("improvement", True), point("question", False)),
        submit_label=t(lang, "form.save"),
    )


def observation_form(lang: str, mid: int, values: Values) -> Form:
    return Form(
        action=actions.encode("mtf-obs", mid),
        title=t(lang, "mt.form.obs_title"),
        intro=t(lang, "mt.form.obs_intro"),
        fields=(
            FormField(
                "text",
                t(lang, "mt.form.obs_label"),
                multiline=True,
                max_length=LIMITS["observation"],
                initial=values.get("text"),
            ),
        ),
        submit_label=t(lang, "form.save"),
    )


def interpretation_form(lang: str, mid: int, tid: int, title: str, values: Values) -> Form:
    return Form(
        action=actions.encode("mtf-int", mid, tid),
        title=t(lang, "mt.form.int_title"),
        intro=title,
        fields=(
            FormField(
                "text",
                t(lang, "mt.form.int_label"),
                multiline=True,
                max_length=LIMITS["interpretation"],
                initial=values.get("text"),
            ),
        ),
        submit_label=t(lang, "form.save"),
    )


def paper_form(lang: str, mid: int, values: Values) -> Form:
    return Form(
        action=actions.encode("mtf-paper", mid),
        title=t(lang, "mt.form.paper_title"),
        intro=t(lang, "mt.form.paper_intro"),
        fields=(
            FormField(
                "short",
                t(lang, "mt.paper.short"),
                multiline=True,
                max_length=LIMITS["goal"],
                initial=values.get("short"),
            ),
            FormField(
                "long",
                t(lang, "mt.form.long"),
                multiline=True,
                required=False,
                max_length=LIMITS["goal"],
                initial=values.get("long"),
            ),
            FormField(
                "months",
                t(lang, "mt.form.months"),
                required=False,
                max_length=LIMITS["short"],
                initial=values.get("months") or "6",
            ),
            FormField(
                "progress",
                t(lang, "mt.paper.progress"),
                multiline=True,
                required=False,
                max_length=LIMITS["progress"],
                initial=values.get("progress"),
            ),
            FormField(
                "next",
                t(lang, "mt.form.next"),
                kind="datetime",
                required=False,
                max_length=LIMITS["short"],
                initial=values.get("next"),
                hint=t(lang, "mt.form.when_hint"),
                time_label=t(lang, "mt.form.time_part"),
                missing=t(lang, "mt.form.when_missing"),
            ),
        ),
        submit_label=t(lang, "form.save"),
    )


def action_form(lang: str, mid: int, members: tuple[MemberView, ...], values: Values) -> Form:
    return Form(
        action=actions.encode("mtf-act", mid),
        title=t(lang, "mt.form.act_title"),
        intro=t(lang, "mt.form.act_intro"),
        fields=agreement_fields(lang, members, values),
        submit_label=t(lang, "form.save"),
    )


def agreement_fields(
    lang: str, members: tuple[MemberView, ...], values: Values
) -> tuple[FormField, ...]:
    """The fields of one agreement (also for other features' "make it an agreement" forms)."""
    return (
        FormField(
            "what",
            t(lang, "ag.form.what"),
            multiline=True,
            max_length=LIMITS["what"],
            initial=values.get("what"),
        ),
        FormField(
            "signal",
            t(lang, "ag.form.signal"),
            multiline=True,
            required=False,
            max_length=LIMITS["signal"],
            initial=values.get("signal"),
            hint=t(lang, "ag.form.signal_hint"),
        ),
        _member_field(lang, "owner", "ag.form.owner", members, values.get("owner")),
        _member_field(lang, "follow_up", "ag.form.follow_up", members, values.get("follow_up")),
        FormField(
            "due",
            t(lang, "ag.form.due"),
            kind="date",
            max_length=LIMITS["short"],
            initial=values.get("due"),
            hint=t(lang, "ag.form.due_hint"),
        ),
        FormField(
            "element",
            t(lang, "ag.form.element"),
            required=False,
            max_length=LIMITS["short"],
            initial=values.get("element"),
            hint=t(lang, "ag.form.element_hint"),
        ),
    )


def learned_form(lang: str, a: AgreementView, values: Values) -> Form:
    intro = t(lang, "ag.form.note_intro", number=a.number)
    if a.signal:  # what they agreed would show it: "Kan vi se resultaterne i data?"
        intro += "\n" + t(lang, "ag.signal_line", text=a.signal)
    return Form(
        action=actions.encode("agf-note", a.id),
        title=t(lang, "ag.form.note_title"),
        intro=intro,
        fields=(
            FormField(
                "status",
                t(lang, "ag.form.status"),
                kind="choice",
                options=tuple(Choice(s, t(lang, f"ag.status.{s}")) for s in STATUSES),
                initial=values.get("status"),
            ),
            FormField(
                "note",
                t(lang, "ag.form.note"),
                multiline=True,
                max_length=LIMITS["learned"],
                initial=values.get("note"),
            ),
        ),
        submit_label=t(lang, "form.save"),
    )
