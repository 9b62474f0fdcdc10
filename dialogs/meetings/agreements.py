"""Validating an agreement (what, owner, follow-up person, due date, element) — pure.

Other features reuse `agreement_from_values` to turn their own items (a development point of
the organisational self-evaluation) into a `CreateAgreement` with the same checks and messages.
"""

from __future__ import annotations

from collections.abc import Mapping

from dialogs.i18n import format_date, t
from dialogs.meetings.checks import check
from dialogs.meetings.model import AgreementView, MeetingsData
from dialogs.meetings.ops import CreateAgreement
from dialogs.meetings.when import parse_date, today
from dialogs.turn import MemberView, Turn

ELEMENTS = 11

STATUS_WORDS = {
    "gennemført": "done",
    "gennemfoert": "done",
    "færdig": "done",
    "done": "done",
    "i gang": "in_progress",
    "igang": "in_progress",
    "in progress": "in_progress",
    "under way": "in_progress",
    "doing": "in_progress",
    "ikke startet": "not_started",
    "not started": "not_started",
    "opgivet": "dropped",
    "dropped": "dropped",
}


def parse_status(text: str) -> str | None:
    return STATUS_WORDS.get(" ".join(text.casefold().split()))


def resolve_member(turn: Turn, text: str) -> MemberView | None:
    """A channel member by external id or display name (case-insensitive)."""
    return turn.member_by_name(text) if text.strip() else None


def agreement_from_values(
    turn: Turn,
    values: Mapping[str, str],
    *,
    source: str,
    meeting_id: int | None = None,
) -> tuple[CreateAgreement | None, dict[str, str]]:
    """The operation for a submitted agreement form, or the errors per field (Danish/English).

    Fields: what, owner, follow_up, due (dd.mm.åååå), element (optional, 1–11)."""
    lang = turn.lang
    errors: dict[str, str] = {}
    what = values.get("what", "")
    if not what.strip():
        errors["what"] = t(lang, "ag.err.empty")
    else:
        error = check(what, "what", lang)
        if error:
            errors["what"] = error
    people: dict[str, MemberView] = {}
    for field in ("owner", "follow_up"):
        raw = values.get(field, "").strip()
        member = resolve_member(turn, raw)
        if not raw:
            errors[field] = t(lang, f"ag.err.{field}_missing")
        elif member is None:
            errors[field] = t(lang, "ag.err.not_member", name=raw[:60])
        else:
            people[field] = member
    due_text = values.get("due", "").strip()
    due = parse_date(due_text)
    if due is None:
        errors["due"] = t(lang, "ag.err.bad_date", text=due_text[:40])
    elif due < today(turn):
        errors["due"] = t(
            lang,
            "ag.err.past",
            date=format_date(due, lang),
            today=format_date(today(turn), lang),
        )
    element = None
    element_text = values.get("element", "").strip().rstrip(".")
    if element_text:
        element = int(element_text) if element_text.isdigit() else 0
        if not 1 <= element <= ELEMENTS:
            errors["element"] = t(lang, "ag.err.element")
    if errors or due is None:
        return None, errors
    op = CreateAgreement(
        what=" ".join(what.split()) if "\n" not in what.strip() else what.strip(),
        owner_external_id=people["owner"].external_id,
        follow_up_external_id=people["follow_up"].external_id,
        due=due,
        element=element,
        source=source,
        meeting_id=meeting_id,
    )
    return op, {}


def listed(data: MeetingsData, which: str, me: str) -> list[AgreementView]:
    """`aftaler` (open), `aftaler mine` (mine, open), `aftaler alle` (everything)."""
    if which == "all":
        return list(data.agreements)
    if which == "mine":
        return [a for a in data.agreements if a.is_open and a.involves(me)]
    return [a for a in data.agreements if a.is_open]
