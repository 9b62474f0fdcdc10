"""The scoring table: one row per question, read from a CSV a municipality can replace.

Columns: question, rule (scale | highest_option | unscored), the points for each scale answer
(a number, or `excluded` to leave the question out of the element's denominator),
option_points (`a=0.25;b=0.5` for highest_option) and flags (`answer=flag;…`).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from scoring.catalogue import SCALE, Catalogue

DEFAULT_TABLE = Path(__file__).resolve().parent / "data" / "scoring_default.csv"

Rule = Literal["scale", "highest_option", "unscored"]
EXCLUDED = "excluded"


class ScoringTableError(ValueError):
    """The table file is malformed or does not match the catalogue."""


@dataclass(frozen=True)
class Row:
    question: str
    rule: Rule
    points: dict[str, float | None] = field(default_factory=dict)  # None = excluded
    flags: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ScoringTable:
    rows: dict[str, Row]

    def row(self, qid: str) -> Row:
        return self.rows[qid]


def _number(text: str, where: str) -> float | None:
    if text.strip() == EXCLUDED:
        return None
    try:
        return float(text)
    except ValueError as exc:
        raise ScoringTableError(f"{where}: {text!r} er hverken et tal eller '{EXCLUDED}'") from exc


def _pairs(text: str) -> dict[str, str]:
    pairs = [p.split("=", 1) for p in text.split(";") if p.strip()]
    return {k.strip(): v.strip() for k, v in pairs}


def _row(raw: dict[str, str], line: int) -> Row:
    qid, rule = raw["question"].strip(), raw["rule"].strip()
    where = f"linje {line} ({qid})"
    if rule == "scale":
        points = {a: _number(raw[a], where) for a in SCALE}
    elif rule == "highest_option":
        points = {k: _number(v, where) for k, v in _pairs(raw["option_points"]).items()}
    elif rule == "unscored":
        points = {}
    else:
        raise ScoringTableError(f"{where}: ukendt regel {rule!r}")
    return Row(qid, rule, points, _pairs(raw.get("flags") or ""))  # type: ignore[arg-type]


def parse_table(path: Path, catalogue: Catalogue) -> ScoringTable:
    with path.open(encoding="utf-8", newline="") as f:
        rows = {
            r.question: r for r in (_row(raw, i + 2) for i, raw in enumerate(csv.DictReader(f)))
        }
    missing = [q.id for q in catalogue.questions if q.id not in rows]
    if missing:
        raise ScoringTableError(f"{path.name}: mangler rækker for {', '.join(missing)}")
    return ScoringTable(rows)


def load_table(path: Path, catalogue: Catalogue) -> ScoringTable:
    """Read and check a table once at start (the runtime keeps the result)."""
    return parse_table(path, catalogue)
