"""Checks on the free text of meetings and agreements: this feature's own length limits, then
the shared rules of `dialogs.text_input` (no CPR numbers)."""

from __future__ import annotations

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


def check(value: str, kind: str, lang: str, *, required: bool = True) -> str | None:
    """The Danish (or English) error for `value`, or None when it is acceptable."""
    return check_text(value, kind, lang, required=required, limits=LIMITS)
