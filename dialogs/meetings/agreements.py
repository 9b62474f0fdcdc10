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

    Fields: what, signal (optional: which data will show it is on track), owner, follow_up,
    due (dd.mm.åååå), element (optional, 1–11)."""
    lang = turn.lang
    errors: dict[str, str] = {}
    what = values.get("what", "")
    if not what.strip():
        errors["what"] = t(lang, "ag.err.empty")
    else:
        error = check(what, "what", lang)
        if error:
            errors["what"] = error
    signal = values.get("signal", "").strip()
    error = check(signal, "signal", lang, required=False)
    if error:
        errors["signal"] = error
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
        signal=" ".join(signal.split()) or None,
    )
    return op, {}


def may_change(turn: Turn, a: AgreementView, data: MeetingsData) -> bool:
    """Who may change an agreement's status (and note what was learned): its owner, the one
    who follows up on it, a facilitator of the channel, or the facilitator of the meeting that
    made it. Not any member: the agreement is theirs to report on."""
    me = turn.actor.external_id
    if a.involves(me) or turn.is_facilitator:
        return True
    meeting = data.meeting(a.meeting_id) if a.meeting_id is not None else None
    return meeting is not None and meeting.facilitator == me


def who_may(turn: Turn, a: AgreementView, data: MeetingsData) -> str:
    """The people `may_change` names, as a Danish (or English) sentence part."""
    lang = turn.lang
    people = [t(lang, "ag.who.owner", name=a.owner_name)]
    if a.follow_up != a.owner:
        people.append(t(lang, "ag.who.follow_up", name=a.follow_up_name))
    facilitators = [m.name for m in turn.members if m.role == "facilitator"]
    meeting = data.meeting(a.meeting_id) if a.meeting_id is not None else None
    if meeting is not None:
        facilitators.append(meeting.facilitator_name)
    names = [n for n in dict.fromkeys(facilitators) if n not in (a.owner_name, a.follow_up_name)]
    if names:
        key = "ag.who.facilitator" if len(names) == 1 else "ag.who.facilitators"
        people.append(t(lang, key, names=join_names(names, lang)))
    return join_names(people, lang)


def join_names(names: list[str], lang: str) -> str:
    """ "Anna", "Anna og Bo", "Anna, Bo og Carla" ("and" in English)."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " " + t(lang, "ag.who.and") + " " + names[-1]


def listed(data: MeetingsData, which: str, me: str) -> list[AgreementView]:
    """`aftaler` (open), `aftaler mine` (mine, open), `aftaler alle` (everything)."""
    if which == "all":
        return list(data.agreements)
    if which == "mine":
        return [a for a in data.agreements if a.is_open and a.involves(me)]
    return [a for a in data.agreements if a.is_open]
