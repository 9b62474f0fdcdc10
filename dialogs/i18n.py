"""User-facing text: Danish first, with an English catalogue beside it.

Each feature keeps its own pair of files, `locale/<feature>.da.json` and
`locale/<feature>.en.json`; they are merged per language and a key may be defined only once.
"""

from __future__ import annotations

import json
from datetime import date
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


def score_text(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def format_date(day: date, lang: str) -> str:
    """Dates in Danish format (22.11.2026); English as 22 Nov 2026."""
    return day.strftime("%d.%m.%Y") if lang == "da" else day.strftime("%d %b %Y")
