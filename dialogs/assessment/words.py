"""Commands named in the answering texts, as the person types them where they are (`Surface`)
and in their language: English texts name the English aliases (`answer 1.1 yes`)."""

from __future__ import annotations

import re

from dialogs.turn import Surface, Turn

# Danish command words and examples -> their English aliases (longest first when applied).
ENGLISH = {
    "næste spørgsmål": "next question",
    "selvevaluering": "selfeval",
    "spørgsmål": "questions",
    "næste": "next",
    "tempo": "pace",
    "ét": "one",
    "alle": "all",
    "afgrænsning": "scope",
    "svar": "answer",
    "kommentar": "comment",
    "ja": "yes",
    "j": "y",
    "ikke relevant fordi": "not relevant because",
    "fordi": "because",
    "j j d n i:grund j": "y y p n na:reason y",
    "j; j; i: passer ikke; j": "y; y; na: does not apply; y",
    "vi bruger LØFT": "we use LØFT",
}
_PATTERNS = [
    (re.compile(rf"(?<!\S){re.escape(da)}(?![^\s:])"), en)
    for da, en in sorted(ENGLISH.items(), key=lambda item: -len(item[0]))
]


def command(lang: str, surface: Surface, words: str) -> str:
    """`svar 1.1 ja` as typed here: "`/lovende svar 1.1 ja`" in a Slack channel, "`answer 1.1
    yes`" for an English channel's 1:1 chat."""
    if lang == "en":
        for pattern, english in _PATTERNS:
            words = pattern.sub(english, words)
    return surface.command(words)


def typed_here(turn: Turn, words: str) -> str:
    """`command` where `turn` happens."""
    return command(turn.lang, turn.surface, words)
