"""The organisational self-evaluation (booklet 1, tool 4.2): five dimensions with reflection
questions, loaded from `data/org_selfeval.json`.

Unlike the Lovende praksis measurement it is not scored: the team reflects in free text and
may give each dimension its own rating (1–5), which is the team's judgement, not the tool's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"
RATINGS = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class OrgQuestion:
    id: str  # "L1", "KU3" …
    dimension: str  # the dimension's key ("L", "S", "O", "K", "KU")
    text: dict[str, str]


@dataclass(frozen=True)
class Dimension:
    number: int  # 1…5 in the booklet's order
    key: str
    name: dict[str, str]
    description: dict[str, str]
    leader_view: dict[str, str]
    questions: tuple[OrgQuestion, ...]


@dataclass(frozen=True)
class OrgCatalogue:
    dimensions: tuple[Dimension, ...]
    intro: dict[str, str]
    source: dict[str, str]

    @property
    def questions(self) -> tuple[OrgQuestion, ...]:
        return tuple(q for d in self.dimensions for q in d.questions)

    def dimension(self, key: str) -> Dimension:
        """By key ("L", "ku"), number ("1"…"5") or Danish/English name ("ledelse")."""
        wanted = key.strip().casefold()
        for d in self.dimensions:
            names = {d.key.casefold(), str(d.number), *(n.casefold() for n in d.name.values())}
            if wanted in names:
                return d
        raise KeyError(key)

    def has_dimension(self, key: str) -> bool:
        try:
            self.dimension(key)
        except KeyError:
            return False
        return True

    def question(self, qid: str) -> OrgQuestion:
        wanted = qid.strip().upper()
        for q in self.questions:
            if q.id == wanted:
                return q
        raise KeyError(qid)

    def has_question(self, qid: str) -> bool:
        return any(q.id == qid.strip().upper() for q in self.questions)


def parse_org_catalogue(raw: dict[str, Any]) -> OrgCatalogue:
    dimensions = []
    for number, d in enumerate(raw["dimensions"], 1):
        questions = tuple(OrgQuestion(q["id"], d["key"], q["text"]) for q in d["questions"])
        dimensions.append(
            Dimension(number, d["key"], d["name"], d["description"], d["leader_view"], questions)
        )
    return OrgCatalogue(tuple(dimensions), raw["intro"], raw["source"])


@cache
def load_org_catalogue(path: Path = DATA / "org_selfeval.json") -> OrgCatalogue:
    return parse_org_catalogue(json.loads(path.read_text(encoding="utf-8")))
