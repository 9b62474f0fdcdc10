"""The booklet's content for reflection meetings (hæfte 7, afsnit 3.2, 4, 5 and 6.1) as data.

Support questions ("støttespørgsmål") and role hints for the facilitator (mødeleder) and the
participants, quoted in Danish with English translations, live in `content.json`. A meeting
whose data basis is an assessment reflects on the whole practice: its Udforsk adds, and its
Fortolk takes, the questions of section 4 ("Refleksion over jeres samlede indsats") about the
intervention and its core elements instead of those about "den konkrete borger". Section 3.2's
practical checklist and section 5's roles are shown to whoever plans a meeting.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from dialogs.meetings.model import EXPLORE, INTERPRET

PATH = Path(__file__).resolve().parent / "content.json"


@dataclass(frozen=True)
class StepContent:
    number: int
    key: str
    name: dict[str, str]
    purpose: dict[str, list[str]]
    intro: dict[str, str]
    questions: dict[str, list[str]]
    facilitator_title: dict[str, str]
    facilitator: dict[str, list[str]]
    participants_title: dict[str, str]
    participants: dict[str, list[str]]


@cache
def raw() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(PATH.read_text(encoding="utf-8"))
    return data


@cache
def steps() -> tuple[StepContent, ...]:
    return tuple(StepContent(**s) for s in raw()["steps"])


def step(number: int) -> StepContent:
    return steps()[number - 1]


def step_name(number: int, lang: str) -> str:
    return step(number).name[_lang(lang)]


def step_intro(number: int, lang: str, practice: bool) -> str:
    """The step's introduction; for a meeting about an assessment, Fortolk's is section 4's."""
    if practice and number == INTERPRET:
        return str(text("practice.interpret_intro", lang))
    return step(number).intro[_lang(lang)]


def step_questions(number: int, lang: str, practice: bool) -> list[str]:
    """The step's support questions; about the whole practice when `practice` (the meeting's
    data basis is an assessment)."""
    own = list(step(number).questions[_lang(lang)])
    if practice and number == EXPLORE:
        return own + list(text("practice.explore_questions", lang))
    if practice and number == INTERPRET:
        return list(text("practice.interpret_questions", lang))
    return own


def text(path: str, lang: str) -> Any:
    """A bilingual entry by dotted path, e.g. `preparation.points.positive`."""
    node: Any = raw()
    for part in path.split("."):
        node = node[part]
    return node[_lang(lang)]


def _lang(lang: str) -> str:
    return lang if lang in ("da", "en") else "da"
