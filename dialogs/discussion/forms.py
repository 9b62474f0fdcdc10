"""The results discussion's forms and the checks on what people write in them. Each form takes
the draft values, so a rejected submission comes back with what the person wrote."""

from __future__ import annotations

import re
from collections.abc import Mapping

from dialogs import actions
from dialogs.discussion.model import KINDS
from dialogs.forms import Draft, mode_field, one_text_form
from dialogs.i18n import t
from dialogs.messages import Form, FormField
from dialogs.text_input import check_text

Values = Mapping[str, str]

ITEM_LIMIT = 300  # characters per strength, potential or surprise
ITEMS_PER_KIND = 5  # per person and kind: the booklet asks for what stands out, not a list
FIELD_LIMIT = ITEMS_PER_KIND * (ITEM_LIMIT + 1)
WINDOW_DAYS = (1, 10)
VOTE_LIMITS = (1, 5)
DEFAULT_WINDOW, DEFAULT_VOTES = 2, 3

# The form field of each kind of note.
FIELD_OF = {"strength": "strengths", "potential": "potentials", "surprise": "surprises"}
_BULLET = re.compile(r"^\s*(?:[-•*·]|\d{1,2}[.)])\s+")


def check_item(text: str, lang: str) -> str | None:
    """The error for one note, or None: our own length, then the shared rules (no CPR)."""
    return check_text(text, "item", lang, limits={"item": ITEM_LIMIT})


def parse_items(text: str, lang: str) -> tuple[tuple[str, ...], str | None]:
    """The notes in a field, one per line (a leading bullet or number is dropped), or the
    Danish error for the field."""
    items = tuple(
        " ".join(_BULLET.sub("", line).split()) for line in text.splitlines() if line.strip()
    )
    items = tuple(i for i in items if i)
    if len(items) > ITEMS_PER_KIND:
        return (), t(lang, "dc.err.too_many_items", limit=ITEMS_PER_KIND, n=len(items))
    for i, item in enumerate(items, 1):
        error = check_item(item, lang)
        if error:
            return (), t(lang, "dc.err.item", line=i, error=error) if len(items) > 1 else error
    return items, None


def start_form(lang: str, values: Values) -> Form:
    d = Draft(lang, values)
    return Form(
        action=actions.encode("dcf-start"),
        title=d.t("dc.form.start_title"),
        intro=d.t("dc.form.start_intro"),
        fields=(
            mode_field(d, "dc"),
            d.text(
                "window",
                d.t("dc.form.window"),
                10,
                multiline=False,
                required=False,
                default=str(DEFAULT_WINDOW),
                hint=d.t("dc.form.window_hint"),
            ),
            d.text(
                "votes",
                d.t("dc.form.votes"),
                10,
                multiline=False,
                default=str(DEFAULT_VOTES),
                hint=d.t("dc.form.votes_hint", low=VOTE_LIMITS[0], high=VOTE_LIMITS[1]),
            ),
        ),
        submit_label=d.t("dc.form.start_submit"),
    )


def notes_form(lang: str, did: int, values: Values) -> Form:
    d = Draft(lang, values)

    def field(kind: str) -> FormField:
        hint = d.t(f"dc.form.hint.{kind}", limit=ITEMS_PER_KIND)
        return d.text(
            FIELD_OF[kind], d.t(f"dc.kinds.{kind}"), FIELD_LIMIT, required=False, hint=hint
        )

    return Form(
        action=actions.encode("dcf-notes", did),
        title=d.t("dc.form.notes_title"),
        intro=d.t("dc.form.notes_intro"),
        fields=tuple(field(kind) for kind in KINDS),
        submit_label=d.t("form.save"),
    )


def potential_form(lang: str, did: int, element: int, element_name: str, values: Values) -> Form:
    intro = (
        t(lang, "dc.form.potential_intro_element", element=element_name)
        if element
        else t(lang, "dc.form.potential_intro")
    )
    return one_text_form(
        lang,
        action=actions.encode("dcf-pot", did, element),
        title=t(lang, "dc.form.potential_title"),
        intro=intro,
        label=t(lang, "dc.form.potential_label"),
        limit=ITEM_LIMIT,
        initial=values.get("text"),
    )
