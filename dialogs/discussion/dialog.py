"""The results discussion (booklet 1's proposed process after a measurement): a pure step from
(turn, event) to data operations and messages. No awaits, no clock reads: time is `turn.now`.

After an assessment is closed the facilitator starts it, live (the facilitator moves the team
on) or asynchronously (each step open for some working days, closed on schedule):
  1. *Hver for sig* — each person privately notes strengths, development potentials and
     surprises;
  2. *Runden* — the notes are shared, grouped by the three questions;
  3. *Laveste scorer* — the questions behind the lowest element scores, with the team's
     answers and comments;
  4. *Prioritering* — each person picks up to N potentials; the result lists them by votes,
     and the prioritised ones become agreements or the data basis of a reflection meeting.

Commands (Danish first, English aliases): drøftelse start [live|asynkron [dage]] · drøftelse ·
drøftelse noter · drøftelse styrke|potentiale|overraskelse <tekst> · drøftelse næste ·
drøftelse stem 1,3 · drøftelse resultat · drøftelse aftale <nr> · drøftelse møde ·
drøftelse aflys
"""

from __future__ import annotations

from dialogs.discussion.model import OWNER
from dialogs.discussion.notes import Notes
from dialogs.discussion.prioritising import Prioritising
from dialogs.discussion.running import Running


class DiscussionDialog(Running, Notes, Prioritising):
    """The whole feature: running it (running.py), the notes (notes.py), the vote and what
    follows (prioritising.py), over the shared checks of base.py."""

    name = OWNER
    reads = frozenset({OWNER, "assessment"})
