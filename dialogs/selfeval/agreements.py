"""Turning a development point into an agreement of the meetings feature.

The meetings feature owns agreements (reminders, follow-up, *Siden sidst*); this module only
builds its agreement form for a point and validates the submission with the meetings feature's
own rules, producing its `CreateAgreement` operation with source `selvevaluering:<dimension>`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from dialogs import actions
from dialogs.i18n import t
from dialogs.meetings.agreements import agreement_from_values
from dialogs.meetings.forms import agreement_form as meetings_agreement_form
from dialogs.meetings.ops import CreateAgreement
from dialogs.messages import Form
from dialogs.selfeval.model import PointView
from dialogs.turn import Turn
from scoring.org_catalogue import Dimension

SOURCE_PREFIX = "selvevaluering"
# The agreement's Lovende praksis element (1–11) does not apply to an organisational point.
SKIPPED_FIELDS = frozenset({"element"})


def source_of(dim: Dimension) -> str:
    return f"{SOURCE_PREFIX}:{dim.key}"


def agreement_form(
    turn: Turn, sid: int, point: PointView, dim: Dimension, values: Mapping[str, str]
) -> Form:
    return meetings_agreement_form(
        turn.lang,
        turn.members,
        {"what": point.text, **values},
        action=actions.encode("se-f-agree", sid, point.id),
        title=t(turn.lang, "se.form.agree_title"),
        intro=t(turn.lang, "se.form.agree_intro", id=point.id, name=dim.name[turn.lang]),
        submit_key="se.form.save",
        skip=SKIPPED_FIELDS,
    )


def agreement_op(
    turn: Turn, sid: int, point: PointView, dim: Dimension, values: Mapping[str, str]
) -> CreateAgreement | Form:
    """The operation, or the form again with the errors and the user's draft."""
    clean = {k: v for k, v in values.items() if k not in SKIPPED_FIELDS}
    op, errors = agreement_from_values(turn, clean, source=source_of(dim))
    if op is None:
        return replace(agreement_form(turn, sid, point, dim, clean), errors=errors)
    return op
