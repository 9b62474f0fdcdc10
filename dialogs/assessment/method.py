"""The method around the questions: "Mere om elementet" — an element's whole text (Kort &
klart), answered privately so the element cards in the channel stay short.

`mere <nr>` (also `element <nr>`, English `more <nr>`) and the card's button `lp:el-more:<nr>`
need no round: the text belongs to the instrument, not to a channel's data.
"""

from __future__ import annotations

import re

from dialogs.actions import Action
from dialogs.assessment.base import AssessmentBase
from dialogs.effects import Outcome, Post
from dialogs.feature import Values, command, verb
from dialogs.i18n import t
from dialogs.messages import Message, Text, ToActorOnly
from dialogs.replies import Refusal
from dialogs.turn import Turn
from scoring.catalogue import Element

# "3", "3.", "element 3", "nr. 3": the first number is the element.
_NUMBER = re.compile(r"\d+")


def element_more_message(lang: str, element: Element) -> Message:
    """The element's definition and whole text, then the advice to brainstorm on it first."""
    header = t(lang, "element.header", number=element.number, name=element.name[lang])
    paragraphs = [p[lang] for p in element.text]
    blocks = (
        Text(header, "header"),
        Text(f"*{element.definition[lang]}*"),
        *(Text(p) for p in paragraphs),
        Text(t(lang, "advice.brainstorm"), "muted"),
        Text(t(lang, "more.source"), "muted"),
    )
    return Message(blocks, "\n\n".join([header, element.definition[lang], *paragraphs]))


class Method(AssessmentBase):
    @command("mere", "element", "more")
    def more(self, turn: Turn, rest: str) -> Outcome:
        found = _NUMBER.search(rest)
        number = int(found.group()) if found else 0
        if not 1 <= number <= len(self.catalogue.elements):
            raise Refusal("err.more_needs_element")
        return self.more_about(turn, number)

    @verb("el-more")
    def more_click(self, turn: Turn, a: Action, _values: Values) -> Outcome:
        return self.more_about(turn, self.element_number(a.int_arg(0)))

    def more_about(self, turn: Turn, number: int) -> Outcome:
        msg = element_more_message(turn.lang, self.catalogue.element(number))
        return Outcome(out=(Post(msg, ToActorOnly()),))
