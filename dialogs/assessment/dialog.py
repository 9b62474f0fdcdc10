"""The assessment dialog: a pure step from (turn, event) to data operations and messages.

No awaits, no clock reads: the engine loads the `Turn`, applies `Outcome.ops` in one
transaction and performs `Outcome.out` afterwards. The handlers are in round.py (the round as
a whole), answering.py (people's answers and comments) and teamwork.py (team answers, notes).
"""

from __future__ import annotations

from dialogs.assessment.answering import Answering
from dialogs.assessment.model import OWNER
from dialogs.assessment.round import Round
from dialogs.assessment.teamwork import TeamWork


class AssessmentDialog(Round, Answering, TeamWork):
    name = OWNER
    reads = frozenset({OWNER})
