"""Parsing what people type: answers (Danish words with English aliases), comments after a
colon, export formats. The command words themselves are declared on the dialog's handlers."""

from __future__ import annotations

import re

from scoring.catalogue import Question

# `eksport <word>` -> the file formats produced (no word: all three).
EXPORT_FORMATS = {
    "": ("docx", "xlsx", "csv"),
    "alle": ("docx", "xlsx", "csv"),
    "all": ("docx", "xlsx", "csv"),
    "word": ("docx",),
    "docx": ("docx",),
    "rapport": ("docx",),
    "report": ("docx",),
    "excel": ("xlsx",),
    "xlsx": ("xlsx",),
    "regneark": ("xlsx",),
    "csv": ("csv",),
}
# `eksport [format] alle runder`: Excel and CSV carry every round of the practice.
ALL_ROUNDS = ("alle runder", "all rounds")


def parse_export(rest: str) -> tuple[tuple[str, ...], bool] | None:
    """`eksport excel alle runder` → (("xlsx",), True); None for a word it does not know."""
    words = " ".join(rest.casefold().split())
    all_rounds = any(words == w or words.endswith(" " + w) for w in ALL_ROUNDS)
    if all_rounds:
        words = next(words.removesuffix(w).strip() for w in ALL_ROUNDS if words.endswith(w))
    formats = EXPORT_FORMATS.get(words)
    return None if formats is None else (formats, all_rounds)


SCALE_WORDS = {
    "ja": "ja",
    "yes": "ja",
    "j": "ja",
    "y": "ja",
    "delvist": "delvist",
    "partly": "delvist",
    "partially": "delvist",
    "d": "delvist",
    "nej": "nej",
    "no": "nej",
    "n": "nej",
    "ved ikke": "ved_ikke",
    "vedikke": "ved_ikke",
    "ved_ikke": "ved_ikke",
    "don't know": "ved_ikke",
    "dont know": "ved_ikke",
    "vi": "ved_ikke",
    "ikke relevant": "ikke_relevant",
    "ikke_relevant": "ikke_relevant",
    "ir": "ikke_relevant",
    "not relevant": "ikke_relevant",
    "n/a": "ikke_relevant",
    "na": "ikke_relevant",
}


def split_comment(rest: str) -> tuple[str, str | None]:
    """`ved ikke: fordi …` → ("ved ikke", "fordi …")."""
    value, sep, comment = rest.partition(":")
    return value.strip(), (comment.strip() or None) if sep else None


def parse_answer(question: Question, text: str) -> str | None:
    """The stored value for a typed answer, or None when it is not a valid answer."""
    word = " ".join(text.casefold().split())
    if question.type == "scale":
        return SCALE_WORDS.get(word)
    keys = [o.key for o in question.options]
    if question.type == "single":
        for i, key in enumerate(keys, 1):
            label = question.options[i - 1].text["da"].casefold()
            if word in (key, str(i), label):
                return key
        return None
    chosen = sorted(set(k for k in re.split(r"[,\s]+", word) if k))
    return normalise_multi(question, chosen)


def normalise_multi(question: Question, chosen: list[str]) -> str | None:
    keys = {o.key for o in question.options}
    if not chosen or any(k not in keys for k in chosen):
        return None
    if any(k in question.exclusive for k in chosen) and len(chosen) > 1:
        return None
    return ",".join(sorted(chosen))
