"""The seed texts (../shared/seeds, or LOVENDE_SEEDS_DIR) for the checks that quote them word
for word: a light normalisation (whitespace, OCR hyphenation, markdown markers, quote/dash
variants, case) applied to both sides; the seed-004 sentences a page break cut (SPLICES); and
the Word template's typing errors that the catalogue corrects (its `template_fixes`). Tests
anywhere under tests/ import it (tests/ is on the path through its conftest)."""

from __future__ import annotations

import json
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE_PATH = ROOT / "scoring" / "data" / "lovende_praksis.json"
DEFAULT_SEEDS_DIR = ROOT.parent / "shared" / "seeds"

_QUOTES = str.maketrans(
    {
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"', "\u2033": '"',
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u00b4": "'", "\u2032": "'",
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
        "\u2212": "-",
    }
)  # fmt: skip
_SOFT_HYPHEN = re.compile("\u00ad\\s*")
# A hyphen at the end of a line between two letters is OCR/typesetting
# hyphenation ("forvaltnin-\n\nger"): drop it together with the line break.
_LINEBREAK_HYPHEN = re.compile(r"(?<=[^\W\d_])-[ \t]*\n\s*(?=[^\W\d_])")
_MARKDOWN = re.compile(r"[*#]")
_WHITESPACE = re.compile(r"\s+")

# Where a page break put the question list in the middle of one of seed 004's sentences
# (elements 4 and 10), the sentence is matched with the list cut out: (the text before the
# break, the text after it), in normalised form.
SPLICES = (
    ("de konkrete mål vil derfor variere", "fra praksis til praksis - men de vil typisk"),
    ("man kan monitorere praksis på", "mange måder, fx gennem fokuseret samtale"),
)


def normalise(text: str) -> str:
    """Normalise a text for the verbatim comparison (applied to both sides)."""
    text = _SOFT_HYPHEN.sub("", text)
    text = _LINEBREAK_HYPHEN.sub("", text)
    text = _MARKDOWN.sub("", text)
    text = text.translate(_QUOTES)
    text = _WHITESPACE.sub(" ", text).strip()
    return text.casefold()


def seeds_dir() -> Path:
    env = os.environ.get("LOVENDE_SEEDS_DIR")
    return Path(env) if env else DEFAULT_SEEDS_DIR


@lru_cache(maxsize=1)
def load_catalogue() -> dict[str, Any]:
    with CATALOGUE_PATH.open(encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


@lru_cache(maxsize=1)
def normalised_seed_corpus() -> str:
    directory = seeds_dir()
    if not directory.is_dir():
        pytest.skip(f"seed directory not found: {directory}")
    files = sorted(p for p in directory.iterdir() if p.is_file())
    if not files:
        pytest.skip(f"seed directory is empty: {directory}")
    joined = "\n\n".join(p.read_text(encoding="utf-8") for p in files)
    return normalise(joined)


@lru_cache(maxsize=1)
def seed_corpora() -> tuple[str, ...]:
    """The normalised seeds, and the same with each of SPLICES' interruptions cut out."""
    corpus = normalised_seed_corpus()
    out = [corpus]
    for before, after in SPLICES:
        i = corpus.find(before)
        j = corpus.find(after, i)
        assert 0 <= i < j, f"splice anchors not found in the seeds: {before!r}"
        out.append(corpus[: i + len(before)] + " " + corpus[j:])
    return tuple(out)


def as_in_seed(text: str) -> str:
    """Our text with the template's recorded typing errors put back, for matching."""
    for fix in load_catalogue()["template_fixes"]:
        text = text.replace(fix["ours"], fix["seed"])
    return text


def in_seeds(text: str) -> bool:
    """Whether `text` is quoted word for word from the seeds (skips the test without them)."""
    wanted = normalise(as_in_seed(text))
    return any(wanted in corpus for corpus in seed_corpora())
