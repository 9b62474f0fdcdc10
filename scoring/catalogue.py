"""The Lovende praksis instrument: 11 elements and 60 questions, loaded from a data file."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

DATA = Path(__file__).resolve().parent / "data"

# The ordinary answer scale, in the order the buttons are shown.
SCALE = ("ja", "delvist", "nej", "ved_ikke", "ikke_relevant")

QuestionType = Literal["scale", "multi", "single"]


@dataclass(frozen=True)
class Option:
    key: str
    text: dict[str, str]
    hint: dict[str, str] | None = None


@dataclass(frozen=True)
class Question:
    id: str
    element: int
    type: QuestionType
    text: dict[str, str]
    hint: dict[str, str] | None = None
    options: tuple[Option, ...] = ()
    exclusive: tuple[str, ...] = ()
    condition: tuple[str, str] | None = None  # (question id, option that must be included)

    def choices(self) -> tuple[str, ...]:
        return SCALE if self.type == "scale" else tuple(o.key for o in self.options)


@dataclass(frozen=True)
class Element:
    number: int
    name: dict[str, str]
    definition: dict[str, str]
    description: dict[str, str]
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Catalogue:
    elements: tuple[Element, ...]

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for e in self.elements for q in e.questions)

    def question(self, qid: str) -> Question:
        for q in self.questions:
            if q.id == qid:
                return q
        raise KeyError(qid)

    def element(self, number: int) -> Element:
        return self.elements[number - 1]

    def has_question(self, qid: str) -> bool:
        return any(q.id == qid for q in self.questions)


def _option(raw: dict[str, Any]) -> Option:
    return Option(key=raw["key"], text=raw["text"], hint=raw.get("hint"))


def _question(element: int, raw: dict[str, Any]) -> Question:
    cond = raw.get("condition")
    return Question(
        id=raw["id"],
        element=element,
        type=raw["type"],
        text=raw["text"],
        hint=raw.get("hint"),
        options=tuple(_option(o) for o in raw.get("options", ())),
        exclusive=tuple(raw.get("exclusive", ())),
        condition=(cond["question"], cond["includes"]) if cond else None,
    )


def parse_catalogue(raw: dict[str, Any]) -> Catalogue:
    elements = tuple(
        Element(
            number=e["number"],
            name=e["name"],
            definition=e["definition"],
            description=e["description"],
            questions=tuple(_question(e["number"], q) for q in e["questions"]),
        )
        for e in raw["elements"]
    )
    return Catalogue(elements=elements)


@cache
def load_catalogue(path: Path = DATA / "lovende_praksis.json") -> Catalogue:
    return parse_catalogue(json.loads(path.read_text(encoding="utf-8")))
