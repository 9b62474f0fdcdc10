"""The Lovende praksis instrument: 11 elements and 60 questions, loaded from a data file, with
the Word template's texts around them (each element's text, the questions' examples and the
template's opening sections: what a practice is, how to work, scoring, points of attention)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache, cached_property
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
    example: dict[str, str] | None = None  # the Word template's parenthesis (1.1: "Fx LØFT …")
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
    description: dict[str, str]  # the first paragraph of `text`: what the element's card shows
    questions: tuple[Question, ...]
    text: tuple[dict[str, str], ...] = ()  # the whole text (Kort & klart), paragraph by paragraph
    template: tuple[dict[str, str], ...] = ()  # the element's text in the Word template


@dataclass(frozen=True)
class GuideBlock:
    text: dict[str, str]
    bullet: bool = False


@dataclass(frozen=True)
class GuideSection:
    """One of the Word template's opening sections ("Hvad er en praksis?", …)."""

    key: str
    title: dict[str, str]
    blocks: tuple[GuideBlock, ...]


@dataclass(frozen=True)
class Catalogue:
    elements: tuple[Element, ...]
    guide: tuple[GuideSection, ...] = ()

    # The catalogue never changes once loaded, and every turn's rendering asks for its
    # questions dozens of times (issue 21's turn profile): made once, then kept.
    @cached_property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for e in self.elements for q in e.questions)

    @cached_property
    def _by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}

    def question(self, qid: str) -> Question:
        try:
            return self._by_id[qid]
        except KeyError:
            raise KeyError(qid) from None

    def element(self, number: int) -> Element:
        return self.elements[number - 1]

    def has_question(self, qid: str) -> bool:
        return qid in self._by_id

    def section(self, key: str) -> GuideSection | None:
        return next((s for s in self.guide if s.key == key), None)


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
        example=raw.get("example"),
        options=tuple(_option(o) for o in raw.get("options", ())),
        exclusive=tuple(raw.get("exclusive", ())),
        condition=(cond["question"], cond["includes"]) if cond else None,
    )


def _section(raw: dict[str, Any]) -> GuideSection:
    blocks = tuple(
        GuideBlock({"da": b["da"], "en": b["en"]}, bool(b.get("bullet"))) for b in raw["blocks"]
    )
    return GuideSection(raw["key"], raw["title"], blocks)


def parse_catalogue(raw: dict[str, Any]) -> Catalogue:
    elements = tuple(
        Element(
            number=e["number"],
            name=e["name"],
            definition=e["definition"],
            description=e["description"],
            questions=tuple(_question(e["number"], q) for q in e["questions"]),
            # A catalogue without the whole texts still works: the card's paragraph is all.
            text=tuple(e.get("text") or (e["description"],)),
            template=tuple(e.get("template") or ()),
        )
        for e in raw["elements"]
    )
    return Catalogue(elements=elements, guide=tuple(_section(s) for s in raw.get("guide", ())))


@cache
def load_catalogue(path: Path = DATA / "lovende_praksis.json") -> Catalogue:
    return parse_catalogue(json.loads(path.read_text(encoding="utf-8")))
