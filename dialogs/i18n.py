"""User-facing text: Danish first, with an English catalogue beside it.

Each feature keeps its own pair of files, `locale/<feature>.da.json` and
`locale/<feature>.en.json`; they are merged per language and a key may be defined only once.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

LOCALES = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("da", "en")


@cache
def catalogue(lang: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for path in sorted(LOCALES.glob(f"*.{lang}.json")):
        data: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
        clash = merged.keys() & data.keys()
        if clash:
            raise ValueError(f"{path.name} redefines {sorted(clash)[:5]}")
        merged.update(data)
    return merged


def t(lang: str, key: str, **values: object) -> str:
    """The text for `key` in `lang` (falling back to Danish), with {placeholders} filled."""
    text = catalogue(lang if lang in LANGUAGES else "da").get(key) or catalogue("da")[key]
    return text.format(**values) if values else text


def keys_with_prefix(lang: str, prefix: str) -> list[str]:
    return sorted(k for k in catalogue(lang) if k.startswith(prefix))


# ---- numbers: one rounding rule, the language's decimal mark, plurals ----
def rounded(value: float, places: int = 2) -> Decimal:
    """A number rounded as people round it: half up (away from zero), of the number as it is
    written — 0.625 → 0.63 and 0.875 → 0.88 alike. (Python's own formatting rounds the binary
    value half to even: 0.625 → 0.62 but 0.875 → 0.88.)"""
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


def number(value: float, lang: str, places: int = 2, *, sign: bool = False) -> str:
    """0.625 → "0,63" in Danish, "0.63" in English; with `sign` a change: "+0,13", "−0,25"
    (Danish sets a real minus sign), and no change as "0,00"."""
    d = rounded(value, places)
    if d.is_zero():
        d = abs(d)  # never "−0,00"
    text = f"{d:+.{places}f}" if sign and not d.is_zero() else f"{d:.{places}f}"
    return text.replace(".", ",").replace("-", "−") if lang == "da" else text


def score_text(value: float | None, lang: str) -> str:
    """A 0–1 score as it is shown everywhere (chat, chart, documents); "–" for none."""
    return "–" if value is None else number(value, lang)


def change_text(value: float | None, lang: str) -> str:
    """A change between rounds, signed ("+0,13"); "" for none."""
    return "" if value is None else number(value, lang, sign=True)


def score_change(current: float | None, previous: float | None) -> float | None:
    """The change between two scores as they are shown: the difference of the rounded scores,
    so that 0,63 after 0,37 always reads +0,26 (never +0,25 from the unrounded values)."""
    if current is None or previous is None:
        return None
    return float(rounded(current) - rounded(previous))


def shown_score(value: float | None) -> float | None:
    """A score rounded by the one rule, for places that keep numbers (an Excel cell)."""
    return None if value is None else float(rounded(value))


def plural(lang: str, key: str, n: int) -> str:
    """A count with its noun: `<key>.one` for 1, else `<key>.other` ("1 uenighed",
    "2 uenigheder", "0 uenigheder"); both take {n}."""
    return t(lang, f"{key}.{'one' if n == 1 else 'other'}", n=n)


def format_date(day: date, lang: str) -> str:
    """Dates in Danish format (22.11.2026); English as 22 Nov 2026."""
    return day.strftime("%d.%m.%Y") if lang == "da" else day.strftime("%d %b %Y")
