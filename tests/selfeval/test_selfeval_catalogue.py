"""Structural and verbatim checks for ``scoring/data/org_selfeval.json``.

The questions are figure 6 of booklet 1 (seed 000), which is OCR text with damaged Danish
letters: ø read as g/e/o, æ as ae/ze/ee/a/e, å as a/d, the pronoun "I" as "|". Each Danish text
of the instrument is compared with the seeds by a pattern built from the text itself: every
letter must match exactly, except that æ, ø and å may appear in one of their OCR renderings
and "I" as "|". Both sides are first normalised like the main catalogue test does
(whitespace, line-break hyphenation, quotes and dashes, case).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from scoring.org_catalogue import load_org_catalogue

DATA_PATH = Path(__file__).resolve().parents[2] / "scoring" / "data" / "org_selfeval.json"
DEFAULT_SEEDS_DIR = Path(__file__).resolve().parents[3] / "shared" / "seeds"

# Page furniture that the OCR put in the middle of a sentence (a page number and a running
# caption of booklet 1, page 10); removed from the seed text before matching.
PAGE_FURNITURE = ("\n10\n\nLeder af STOA-gruppen\n",)

EXPECTED = {
    "L": ["L1", "L2", "L3"],
    "S": ["S1", "S2"],
    "O": ["O1", "O2", "O3"],
    "K": ["K1", "K2"],
    "KU": ["KU1", "KU2", "KU3"],
}

_QUOTES = str.maketrans(
    {
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"',
        "\u2018": "'", "\u2019": "'", "\u00b4": "'",
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
        "\u2015": "-", "\u2212": "-",
    }
)  # fmt: skip
_LINEBREAK_HYPHEN = re.compile(r"(?<=[^\W\d_])-[ \t]*\n\s*(?=[^\W\d_])")
_MARKDOWN = re.compile(r"[*#]")
_WHITESPACE = re.compile(r"\s+")

# How the OCR of booklet 1 renders the Danish letters (seen in seed 000).
OCR_LETTERS = {
    "ø": ("ø", "g", "e", "o", "@", "0"),
    "æ": ("æ", "ae", "ze", "ee", "a", "e", "z"),
    "å": ("å", "a", "d", "é", "g"),
}


def normalise(text: str) -> str:
    text = text.replace("\u00ad", "")
    text = _LINEBREAK_HYPHEN.sub("", text)
    text = _MARKDOWN.sub("", text)
    text = text.translate(_QUOTES)
    return _WHITESPACE.sub(" ", text).strip().casefold()


def ocr_pattern(text: str) -> re.Pattern[str]:
    """A pattern that finds `text` in normalised OCR: exact, but for æ/ø/å and the pronoun I."""
    parts = []
    for word in normalise(text).split(" "):
        if word == "i":  # the pronoun "I" (casefolded) – also "|" in the OCR
            parts.append(r"(?:i|\|)")
            continue
        chunk = ""
        for ch in word:
            renderings = OCR_LETTERS.get(ch)
            chunk += (
                "(?:" + "|".join(re.escape(r) for r in renderings) + ")"
                if renderings
                else re.escape(ch)
            )
        parts.append(chunk)
    return re.compile(r"(?<!\w)" + " ".join(parts) + r"(?!\w)")


def seeds_dir() -> Path:
    env = os.environ.get("LOVENDE_SEEDS_DIR")
    return Path(env) if env else DEFAULT_SEEDS_DIR


@cache
def seed_corpus() -> str:
    directory = seeds_dir()
    files = sorted(p for p in directory.glob("*.txt")) if directory.is_dir() else []
    if not files:
        pytest.skip(f"seed directory not found or empty: {directory}")
    joined = "\n\n".join(p.read_text(encoding="utf-8") for p in files)
    for furniture in PAGE_FURNITURE:
        joined = joined.replace(furniture, "\n")
    return normalise(joined)


@cache
def raw() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DATA_PATH.read_text(encoding="utf-8"))
    return data


def danish_texts() -> Iterator[tuple[str, str]]:
    data = raw()
    yield "intro", data["intro"]["da"]
    for d in data["dimensions"]:
        yield f"{d['key']} name", d["name"]["da"]
        yield f"{d['key']} description", d["description"]["da"]
        yield f"{d['key']} leader_view", d["leader_view"]["da"]
        for q in d["questions"]:
            yield f"question {q['id']}", q["text"]["da"]


# ---- the matcher itself ----
def test_pattern_tolerates_only_ocr_letters() -> None:
    corpus = normalise("Understgtter ledelsen arbejdet\nmed kvalitetsudvikling? Har | de rette")
    assert ocr_pattern("Understøtter ledelsen arbejdet med kvalitetsudvikling?").search(corpus)
    assert ocr_pattern("Har I de rette").search(corpus)
    assert not ocr_pattern("Understøtter lederen arbejdet med kvalitetsudvikling?").search(corpus)
    assert not ocr_pattern("Understøtter ledelsen arbejdet").search(normalise("Understøtter"))
    hyphenated = normalise("arbejde med data og kvalitets-\nudvikling?")
    assert ocr_pattern("arbejde med data og kvalitetsudvikling?").search(hyphenated)


# ---- structure ----
def test_five_dimensions_in_the_booklets_order_with_thirteen_questions() -> None:
    cat = load_org_catalogue()
    assert [d.key for d in cat.dimensions] == list(EXPECTED)
    assert [d.name["da"] for d in cat.dimensions] == [
        "Ledelse",
        "Strategi",
        "Organisering",
        "Kompetencer",
        "Kultur",
    ]
    for d in cat.dimensions:
        assert [q.id for q in d.questions] == EXPECTED[d.key]
    assert len(cat.questions) == 13
    assert len({q.id for q in cat.questions}) == 13


def test_everything_is_bilingual() -> None:
    data = raw()
    for field in ("source", "intro"):
        assert data[field]["da"].strip() and data[field]["en"].strip()
    for d in data["dimensions"]:
        for field in ("name", "description", "leader_view"):
            assert set(d[field]) == {"da", "en"}, (d["key"], field)
            assert all(v.strip() == v and v for v in d[field].values()), (d["key"], field)
        for q in d["questions"]:
            assert set(q["text"]) == {"da", "en"}, q["id"]
            assert q["text"]["da"].endswith("?") and q["text"]["en"].endswith("?"), q["id"]


def test_fixes_are_recorded() -> None:
    data = raw()
    assert "OCR" in data["notes"]
    fixed = {q["id"] for d in data["dimensions"] for q in d["questions"] if "notes" in q}
    assert fixed == {"L2", "S1", "S2", "O2", "O3", "K2", "KU2", "KU3"}


def test_lookup_by_key_number_and_name() -> None:
    cat = load_org_catalogue()
    assert cat.dimension("ku").name["da"] == "Kultur"
    assert cat.dimension("2").key == "S"
    assert cat.dimension("Organisation").key == "O"
    assert cat.question("ku2").dimension == "KU"
    assert not cat.has_dimension("X") and not cat.has_question("L9")


# ---- verbatim against the seeds ----
def test_danish_texts_are_verbatim_from_the_seeds() -> None:
    corpus = seed_corpus()
    missing = [
        f"{where}: {text!r}"
        for where, text in danish_texts()
        if not ocr_pattern(text).search(corpus)
    ]
    assert not missing, "Danish texts not found in the seeds:\n" + "\n".join(missing)


def test_questions_come_from_figure_6() -> None:
    """Every question is found in the figure 6 part of booklet 1 (section 4.2 onwards)."""
    corpus = seed_corpus()
    start = corpus.find("4.2 varktgj til selvevaluering")
    assert start >= 0
    end = corpus.find("har i de rette fora", start) + 200
    figure = corpus[start:end] if end > start else corpus[start:]
    for q in load_org_catalogue().questions:
        assert ocr_pattern(q.text["da"]).search(figure), q.id
