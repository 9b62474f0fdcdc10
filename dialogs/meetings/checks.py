"""Checks on the free text of meetings and agreements: this feature's own length limits, then
the shared rules of `dialogs.text_input` (no CPR numbers)."""

from __future__ import annotations

from dialogs.i18n import t
from dialogs.text_input import LIMITS as SHARED_LIMITS
from dialogs.text_input import check_text

LIMITS = {
    "point": 800,  # a preparation point
    "observation": 500,  # also a theme's title
    "interpretation": 1500,
    "goal": 1000,
    "progress": 1000,
    "what": 500,  # an agreement
    "signal": 500,  # an agreement's data signal
    "learned": 1500,
    "names": 1000,  # a list of participants
    "short": 40,  # dates, numbers
}
assert max(LIMITS.values()) <= SHARED_LIMITS["note"]


def check(value: str, kind: str, lang: str, *, required: bool = True) -> str | None:
    """The Danish (or English) error for `value`, or None when it is acceptable."""
    text = value.strip()
    if required and not text:
        return t(lang, "input.empty")
    limit = LIMITS[kind]
    if len(text) > limit:
        return t(lang, "input.too_long", limit=limit, length=len(text))
    # The shared check adds the CPR rule (its "note" limit is above all of ours).
    return check_text(text, "note", lang, required=required)
