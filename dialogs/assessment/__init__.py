"""The assessment (måling) of a practice: the 60 questions, the team answer, the notes, the
score summary and its reminders (nudges, the invitation to measure again).

- `dialog` — the commands, clicks and forms; `render` — the messages kept up to date
  (progress, element and question cards, summary);
- `model` — the read model (`assessment_of(turn)`); `ops` — the data operations (applied by
  `storage.assessment.AssessmentStore`); `team` — the team answer and disagreements;
- `views`, `forms`, `commands` — the messages, forms and typed-answer parsing;
- `reminders` — the nudges and reassessment invitations (planned and built, pure).
"""

from __future__ import annotations

from dialogs.assessment.dialog import AssessmentDialog
from dialogs.assessment.model import AssessmentView, assessment_of

__all__ = ["AssessmentDialog", "AssessmentView", "assessment_of"]
