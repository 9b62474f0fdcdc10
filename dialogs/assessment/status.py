"""`status` in one message (issue 17: it used to send three): the progress, then the pace with
its buttons, then — until it is written — the delimitation with its button. The pace part is
also what `tempo` alone shows. Pure: drawn from the round and the person's dialog state."""

from __future__ import annotations

from dialogs import actions
from dialogs.assessment.model import AssessmentView
from dialogs.assessment.pace import ALL, ONE, Pace
from dialogs.assessment.words import command as cmd
from dialogs.i18n import t
from dialogs.messages import Block, Button, Buttons, Message, Text
from dialogs.turn import Turn

GUIDED_STATE = "guided"  # the person's dialog state while they answer one question at a time


def answering_one_by_one(turn: Turn, view: AssessmentView) -> bool:
    """Whether the person is answering this round's questions one at a time right now."""
    return turn.state_kind == GUIDED_STATE and turn.state_data.get("aid") == view.id


def pace_blocks(turn: Turn, view: AssessmentView, elements: int) -> list[Block]:
    """The pace as it is, with the choice offered again; "Mine spørgsmål ét ad gangen" only to
    someone not already answering that way."""
    if not view.is_open:
        return []
    lang, aid, surface = turn.lang, view.id, turn.surface
    pace = Pace.of(view.pacing, surface).pace
    posted = view.current_element or 0
    one = Button(t(lang, "intro.pace_one"), actions.encode("pace", aid, ONE))
    every = Button(t(lang, "intro.pace_all"), actions.encode("pace", aid, ALL))
    guide = (
        ()
        if answering_one_by_one(turn, view)
        else (Button(t(lang, "pace.guided_button"), actions.encode("guide", aid)),)
    )
    next_, all_ = cmd(lang, surface, "næste"), cmd(lang, surface, "tempo alle")
    buttons: tuple[Button, ...]
    if pace is None:
        text, buttons = t(lang, "pace.none", all=all_), (one, every)
    elif pace == ONE and posted < elements:
        text = t(lang, "pace.one", posted=posted, total=elements, next=next_, all=all_)
        buttons = (every, *guide)
    else:
        guided = cmd(lang, surface, "næste spørgsmål")
        text = t(lang, "pace.all" if guide else "pace.all_guided", guided=guided)
        buttons = guide
    return [Text(text), Buttons(buttons)] if buttons else [Text(text)]


def scope_blocks(turn: Turn, view: AssessmentView) -> list[Block]:
    """The method's first advice, until it is followed: delimit the practice."""
    if view.delimitation or not view.is_open:
        return []
    text = t(turn.lang, "pace.scope_missing", scope=cmd(turn.lang, turn.surface, "afgrænsning …"))
    button = Button(t(turn.lang, "intro.scope_button"), actions.encode("scope", view.id))
    return [Text(text), Buttons((button,))]


def status_message(progress: Message, turn: Turn, view: AssessmentView, elements: int) -> Message:
    """The progress (drawn without its delimitation line when that is asked for below), the
    pace and the delimitation, as one message."""
    blocks = (*progress.blocks, *pace_blocks(turn, view, elements), *scope_blocks(turn, view))
    return Message(blocks, progress.fallback)
