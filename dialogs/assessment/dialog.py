"""The assessment dialog: a pure step from (turn, event) to data operations and messages.

No awaits, no clock reads: the engine loads the `Turn`, applies `Outcome.ops` in one
transaction and performs `Outcome.out` afterwards. The handlers are in round.py (the round as
a whole), answering.py (people's answers and comments, on guided.py's one question at a time and
pacing.py's pace), teamwork.py (team answers, notes) and
method.py (the method around the questions: an element's whole text).
"""

from __future__ import annotations

from dialogs.assessment.answering import Answering
from dialogs.assessment.method import Method
from dialogs.assessment.model import OWNER
from dialogs.assessment.round import Round
from dialogs.assessment.teamwork import TeamWork


class AssessmentDialog(Round, Answering, TeamWork, Method):
    name = OWNER
    reads = frozenset({OWNER})
