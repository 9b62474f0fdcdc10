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

# Kultur's text in section 2.2 is set in three columns that the OCR read line by line across
# the page (and a case box sits between the halves of one bullet). These are its lines as the
# OCR printed them, in the columns' reading order; each is checked to be in the seed word for
# word, and their join is added to the text the descriptions are matched against.
KULTUR_COLUMNS = (
    "Vidensbaseret udviklingsarbejde forud-",
    "seetter, at der er motivation for og vilje",
    "til at arbejde datainformeret bade blandt\nledere og medarbejdere. Det er derfor\n"
    "vigtigt, at | opbygger en refleksions- og\nlaeringskultur for at udvikle og forbedre",
    "jeres tilbud. Det kan | blandt andet",
    "gere ved:",
    "+ At reflektere og forholde jer kritisk til\ndet, | ger, og lzbende tage stilling til,\n"
    "om det er det rigtige.",
    "« At eksperimentere med nye tanker og",
    "metoder.",
    "- At acceptere mindre gode resultater,",
    "nar de bruges til leering og forbedring\naf indsatsen.",
)

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
    "ø": ("ø", "g", "e", "o", "@", "0", "a", "z"),
    "æ": ("æ", "ae", "ze", "ee", "a", "e", "z"),
    "å": ("å", "a", "d", "é", "g", "4"),
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
    return normalise(joined + "\n\n" + "\n".join(KULTUR_COLUMNS))


def pieces(text: str) -> list[str]:
    """A description's sentences, list items and footnotes, each to be found in the seeds: the
    whole texts run across page furniture, columns and footnotes, not in one piece."""
    out = []
    for line in text.splitlines():
        line = line.strip().removeprefix("• ").removeprefix("*")
        out += [s for s in re.split(r"(?<=[.?!:])\s+", line) if s]
    return out


@cache
def raw() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DATA_PATH.read_text(encoding="utf-8"))
    return data


def danish_texts() -> Iterator[tuple[str, str]]:
    data = raw()
    yield "intro", data["intro"]["da"]
    for d in data["dimensions"]:
        yield f"{d['key']} name", d["name"]["da"]
        for i, piece in enumerate(pieces(d["description"]["da"]), 1):
            yield f"{d['key']} description piece {i}", piece
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


# ---- the whole dimension descriptions (booklet 1, section 2.2) ----
def test_kultur_columns_are_the_seeds_own_lines() -> None:
    directory = seeds_dir()
    files = sorted(directory.glob("000_*.txt")) if directory.is_dir() else []
    if not files:
        pytest.skip(f"seed 000 not found in {directory}")
    raw_text = files[0].read_text(encoding="utf-8")
    for line in KULTUR_COLUMNS:
        assert line in raw_text, line


def test_descriptions_are_whole() -> None:
    cat = load_org_catalogue()
    kultur = cat.dimension("KU").description["da"]
    assert kultur.startswith("Vidensbaseret udviklingsarbejde forudsætter")  # not "Altså …"
    assert kultur.count("\n• At ") == 6  # the six culture practices
    assert "Altså en kultur med fokus på faglig udvikling" in kultur
    assert "hvordan I vil gribe arbejdet an" in cat.dimension("S").description["da"]
    assert "kvalitetsteam" in cat.dimension("O").description["da"]
    assert "prøvehandlinger" in cat.dimension("K").description["da"]
    for d in cat.dimensions:
        da, en = d.description["da"], d.description["en"]
        assert da.count("\n") == en.count("\n") and da.count("*") == en.count("*"), d.key
        assert "sparring" not in en, d.key


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
