"""Parsing what people type: answers (Danish words with English aliases), comments after a
colon, export formats. The command words themselves are declared on the dialog's handlers."""

from __future__ import annotations

import re
from itertools import takewhile

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
    "delvis": "delvist",
    "partly": "delvist",
    "partially": "delvist",
    "partial": "delvist",
    "d": "delvist",
    "p": "delvist",
    "nej": "nej",
    "no": "nej",
    "n": "nej",
    "ved ikke": "ved_ikke",
    "vedikke": "ved_ikke",
    "ved_ikke": "ved_ikke",
    "don't know": "ved_ikke",
    "dont know": "ved_ikke",
    "vi": "ved_ikke",
    "v": "ved_ikke",
    "dk": "ved_ikke",
    "ikke relevant": "ikke_relevant",
    "ikke_relevant": "ikke_relevant",
    "ikkerelevant": "ikke_relevant",
    "ir": "ikke_relevant",
    "i": "ikke_relevant",
    "not relevant": "ikke_relevant",
    "n/a": "ikke_relevant",
    "na": "ikke_relevant",
}
# Answers of two words, kept together when answers are split at spaces (`svar 1: j ved ikke n`).
TWO_WORDS = frozenset(k for k in SCALE_WORDS if " " in k)
# The longest answer a typed line can start with (`ikke relevant`); the rest is a comment.
MAX_VALUE_WORDS = 3
# Where a question number ends and the answer begins: `1.1 ja`, `1,1 ja` (a Danish decimal
# comma), `1.1: ja`, `1.1. ja`; an element alone (`1: j j d`) answers its questions in order.
QUESTION_REF = re.compile(
    r"^\s*(\d{1,2})(?:[.,](\d{1,2}))?(?![.,]?\d)(?:\s*[.:]\s*|\s+|$)(.*)$", re.S
)
PUNCTUATION = ".!?,;"


def split_comment(rest: str) -> tuple[str, str | None]:
    """`ved ikke: fordi …` → ("ved ikke", "fordi …")."""
    value, sep, comment = rest.partition(":")
    return value.strip(), (comment.strip() or None) if sep else None


def question_ref(rest: str) -> tuple[str, bool, str] | None:
    """`1,2 ja` → ("1.2", False, "ja"); `1: j j d` → ("1", True, "j j d") — an element's
    number, answered in order; None when the line does not start with a number."""
    match = QUESTION_REF.match(rest)
    if match is None:
        return None
    element, number, answer = match.groups()
    if number is None:
        return str(int(element)), True, answer.strip()
    return f"{int(element)}.{int(number)}", False, answer.strip()


def _word(text: str) -> str:
    """A typed answer as compared: lower case, single spaces, no closing full stop (`Ja.`),
    a hyphen as a space (`ved-ikke`)."""
    word = " ".join(text.casefold().replace("’", "'").split()).strip(PUNCTUATION + " ")
    return word.replace("-", " ") if word not in SCALE_WORDS else word


def parse_answer(question: Question, text: str) -> str | None:
    """The stored value for a typed answer, or None when it is not a valid answer."""
    word = _word(text)
    if question.type == "scale":
        return SCALE_WORDS.get(word) or SCALE_WORDS.get(word.replace(" ", ""))
    if question.type == "single":
        return _single(question, word)
    chosen = sorted(
        set(k.strip(").") for k in re.split(r"[,;+/\s]+", word) if k and k not in ("og", "and"))
    )
    return normalise_multi(question, [k for k in chosen if k])


def _single(question: Question, word: str) -> str | None:
    keys = [o.key for o in question.options]
    for i, option in enumerate(question.options, 1):
        if word in (option.key, str(i), option.text["da"].casefold(), option.text["en"].casefold()):
            return option.key
    if SCALE_WORDS.get(word) in keys:  # `v` / `ved ikke`
        return SCALE_WORDS[word]
    # A beginning that fits one option only: `kommunale`, `konsulent` is two.
    found = {
        o.key
        for o in question.options
        for name in (o.key, o.text["da"].casefold(), o.text["en"].casefold())
        if len(word) >= 3 and name.startswith(word)
    }
    return found.pop() if len(found) == 1 else None


def split_answer(question: Question, text: str) -> tuple[str | None, str | None]:
    """The value and the comment of a typed answer: `ja: fordi …`, and — since many leave the
    colon out — `ja, vi bruger LØFT`, `ikke relevant fordi …`: the longest beginning that is an
    answer, the rest its comment. (None, None) when no beginning is an answer."""
    value_text, comment = split_comment(text)
    if ":" in text:
        return parse_answer(question, value_text), comment
    words = text.split()
    if question.type == "multi":  # the letters are the answer, all of them (`f, a` is wrong)
        keys = {o.key for o in question.options}
        letters = len(list(takewhile(lambda w: _option_like(w, keys), words)))
        value = parse_answer(question, " ".join(words[:letters])) if letters else None
        return value, (" ".join(words[letters:]).strip(" ,;–-") or None) if value else None
    for n in range(min(len(words), MAX_VALUE_WORDS), 0, -1):
        value = parse_answer(question, " ".join(words[:n]))
        if value is not None:
            rest = " ".join(words[n:]).strip(" ,;–-")
            return value, rest or None
    return None, None


def _option_like(word: str, keys: set[str]) -> bool:
    """A word of a multiple choice: `a`, `a,c`, `c)`, `og`."""
    parts = [p.strip(").") for p in re.split(r"[,;+/]+", word.casefold()) if p.strip(").")]
    return word.casefold() in ("og", "and") or (bool(parts) and all(p in keys for p in parts))


class BulkError(ValueError):
    """Answers in a row that cannot be split (a message key for the person)."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def split_bulk(text: str) -> list[tuple[str, str | None]]:
    """An element's answers in a row, as (answer, comment) pairs:
    `j j d n i:grund j` — a comment joined to its answer by a colon is one word;
    `j; j; d; n; i: passer ikke til os; j` — with semicolons, a comment may have more words;
    `j j d n j i: passer ikke til os` — the last answer's comment runs to the end."""
    if ";" in text:
        items = [part.strip() for part in text.split(";") if part.strip()]
        return [_item(part) for part in items]
    words = text.split()
    out: list[tuple[str, str | None]] = []
    i = 0
    while i < len(words):
        word = words[i]
        pair = f"{word} {words[i + 1]}" if i + 1 < len(words) else ""
        if _word(pair.partition(":")[0]) in TWO_WORDS:  # `ved ikke`, `ikke relevant:grund`
            word, i = pair, i + 1
        value, colon, comment = word.partition(":")
        if not value.strip():
            raise BulkError("err.bulk_comment_alone")
        if colon and not comment:  # `i: passer ikke til os` – the rest is the comment
            out.append((value, " ".join(words[i + 1 :]).strip() or None))
            return out
        if comment.startswith(('"', "“")):  # `i:"passer ikke til os"`
            comment, i = _quoted(words, i, comment)
        out.append((value, comment.strip() or None))
        i += 1
    return out


def _item(part: str) -> tuple[str, str | None]:
    value, comment = split_comment(part)
    return value, comment


def _quoted(words: list[str], i: int, start: str) -> tuple[str, int]:
    """A comment in quotes across words: (its text, the index of its last word)."""
    parts = [start]
    while not parts[-1].endswith(('"', "”")) or len(" ".join(parts)) < 2:
        if i + 1 >= len(words):
            raise BulkError("err.bulk_quote")
        i += 1
        parts.append(words[i])
    return " ".join(parts).strip('"“”'), i


def normalise_multi(question: Question, chosen: list[str]) -> str | None:
    keys = {o.key for o in question.options}
    if not chosen or any(k not in keys for k in chosen):
        return None
    if any(k in question.exclusive for k in chosen) and len(chosen) > 1:
        return None
    return ",".join(sorted(chosen))
