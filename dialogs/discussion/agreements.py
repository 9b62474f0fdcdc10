"""A prioritised development potential becomes an agreement of the meetings feature.

The meetings feature owns agreements (reminders, follow-up, *Siden sidst*); as the
self-evaluation does (dialogs/selfeval/agreements.py), this module builds its agreement form
for a potential and validates the submission with its own rules, producing its
`CreateAgreement` with source `resultatdrøftelse:<discussion>`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from dialogs import actions
from dialogs.discussion.model import NoteView
from dialogs.i18n import t
from dialogs.meetings import CreateAgreement, agreement_from_values
from dialogs.meetings import agreement_form as meetings_agreement_form
from dialogs.messages import Form
from dialogs.turn import Turn

SOURCE_PREFIX = "resultatdrøftelse"


def source_of(did: int) -> str:
    return f"{SOURCE_PREFIX}:{did}"


def agreement_form(
    turn: Turn, did: int, number: int, note: NoteView, values: Mapping[str, str]
) -> Form:
    """The agreement's fields, drafted from the potential (its text, its element)."""
    draft = {"what": note.text, "element": str(note.element) if note.element else "", **values}
    return meetings_agreement_form(
        turn.lang,
        turn.members,
        draft,
        action=actions.encode("dcf-agree", did, note.id),
        title=t(turn.lang, "dc.form.agree_title"),
        intro=t(turn.lang, "dc.form.agree_intro", number=number),
    )


def agreement_op(
    turn: Turn, did: int, number: int, note: NoteView, values: Mapping[str, str]
) -> CreateAgreement | Form:
    """The operation, or the form again with the errors and the person's draft."""
    op, errors = agreement_from_values(turn, values, source=source_of(did))
    if op is None:
        return replace(agreement_form(turn, did, number, note, values), errors=errors)
    return op
