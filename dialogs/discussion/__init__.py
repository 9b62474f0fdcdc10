"""The results discussion (resultatdrøftelse): booklet 1's proposed process after a measurement.

- `dialog` — `DiscussionDialog`, the commands, clicks and forms; `render` — the messages kept
  up to date; `views`, `forms` — the messages and forms;
- `model` — the read model (`discussion_of(turn)`); `ops` — the data operations (applied by
  `storage.discussion.DiscussionStore`);
- `results` — the vote count and the lowest-scoring elements; `steps` — the transitions and
  what the scheduler closes on time; `reminders` — the kind that does it;
- `agreements`, `meeting` — the prioritised potentials as agreements, or as the data basis of a
  reflection meeting (both owned by the meetings feature).
"""

from __future__ import annotations

from dialogs.discussion.dialog import DiscussionDialog
from dialogs.discussion.model import DiscussionView, discussion_of

__all__ = ["DiscussionDialog", "DiscussionView", "discussion_of"]
