"""User-facing text: Danish first, with an English catalogue beside it (locale/*.json)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

LOCALES = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("da", "en")


@cache
def catalogue(lang: str) -> dict[str, str]:
    data: dict[str, str] = json.loads((LOCALES / f"{lang}.json").read_text(encoding="utf-8"))
    return data


def t(lang: str, key: str, **values: object) -> str:
    """The text for `key` in `lang` (falling back to Danish), with {placeholders} filled."""
    text = catalogue(lang if lang in LANGUAGES else "da").get(key) or catalogue("da")[key]
    return text.format(**values) if values else text


def score_text(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def danish_date(day: object, lang: str) -> str:
    """Dates in Danish format (22.11.2026), English as 22 Nov 2026."""
    from datetime import date

    assert isinstance(day, date)
    return day.strftime("%d.%m.%Y") if lang == "da" else day.strftime("%d %b %Y")
