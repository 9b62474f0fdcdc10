"""The reflection-meeting dialog (læringsdialog) and agreements: a pure step from (turn, event)
to data operations and messages. No awaits, no clock reads: time is `turn.now`.

Commands (Danish first, English aliases):
  møde planlæg [tid] · møde status · møde forbered · møde deltag · møde start · møde næste ·
  møde observation <tekst> · møde temaer [1,3] · møde forklaring <tema> [tekst] ·
  møde aftalepapir · møde handling · møde referat [nr] · møde aflys
  aftaler [mine|alle] · aftale <nr> <status>[: læring]
"""

from __future__ import annotations

from dialogs.meetings.dialogue import Dialogue
from dialogs.meetings.follow_up import FollowUp
from dialogs.meetings.model import OWNER
from dialogs.meetings.planning import Planning


class MeetingsDialog(Planning, Dialogue, FollowUp):
    """The whole feature: planning (planning.py), the four steps (dialogue.py) and the
    agreements between meetings (follow_up.py), over the shared checks of base.py."""

    name = OWNER
    reads = frozenset({OWNER, "assessment"})
