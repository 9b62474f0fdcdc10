"""Checks on free text from users: length limits and no CPR numbers.

The channels are about practices, not citizens; yet people paste case details. Text that looks
like a Danish CPR number (a valid date followed by four digits) is refused with an explanation.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from dialogs.i18n import t

# Limits per kind of field (characters). Slack's plain_text_input allows at most 3000.
LIMITS = {
    "practice_name": 120,
    "delimitation": 500,
    "comment": 1500,
    "justification": 1500,
    "note": 3000,
}

# C0 controls other than tab/newline/carriage return, DEL and C1 controls: they break Word
# reports (XML) and PostgreSQL (NUL), and no one types them on purpose.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

# A CPR number as people write it: ddmmyy-ssss, ddmmyy ssss, ddmmyyssss, and with the date's
# parts apart (dd-mm-yy-ssss, dd.mm.yy-ssss, dd mm yy ssss: one kind of separator between them).
_CPR = re.compile(r"(?<!\d)(\d{2})([-./ ]?)(\d{2})\2(\d{2})[- ]?(\d{4})(?!\d)")
# After a word that says it is one ("cpr: 01 01 90 12 34", "CPR-nr. 0101-90-1234"), ten digits
# with any single separators between them: the word makes the intent plain.
_CPR_NAMED = re.compile(r"(?i:\bcpr(?:-?nr)?\.?|\bpersonnummer)\W{0,12}?((?:\d[-./ ]?){9}\d)(?!\d)")


def _valid_date(dd: int, mm: int, yy: int) -> bool:
    # The century comes from the serial digits; any century that makes the date valid counts
    # (29 February is valid in at least one of 1900/2000 for every yy divisible by 4).
    for century in (1900, 2000):
        try:
            date(century + yy, mm, dd)
            return True
        except ValueError:
            continue
    return False


def contains_cpr(text: str) -> bool:
    for m in _CPR.finditer(text):
        dd, mm, yy = int(m.group(1)), int(m.group(3)), int(m.group(4))
        if _valid_date(dd, mm, yy):
            return True
    for m in _CPR_NAMED.finditer(text):
        digits = re.sub(r"\D", "", m.group(1))
        if _valid_date(int(digits[0:2]), int(digits[2:4]), int(digits[4:6])):
            return True
    return False


def check_text(
    value: str,
    kind: str,
    lang: str,
    *,
    required: bool = True,
    limits: Mapping[str, int] = LIMITS,
) -> str | None:
    """The Danish (or English) error for `value`, or None when it is acceptable; `limits`: a
    feature's own lengths per kind of field (the CPR and control-character rules are everyone's)."""
    text = value.strip()
    if required and not text:
        return t(lang, "input.empty")
    limit = limits[kind]
    if len(text) > limit:
        return t(lang, "input.too_long", limit=limit, length=len(text))
    if _CONTROL.search(text):
        return t(lang, "input.control")
    if contains_cpr(text):
        return t(lang, "input.cpr")
    return None
