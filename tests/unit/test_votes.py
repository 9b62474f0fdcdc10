"""dialogs/votes.py: a member's marks in one group, counted with their marks elsewhere."""

from __future__ import annotations

import pytest

from dialogs.replies import Refusal
from dialogs.votes import checked_marks

NUMBER = {10: 1, 11: 2, 12: 3, 20: 4, 21: 5}.__getitem__


def test_marks_in_a_group_replace_that_groups_and_count_with_the_others() -> None:
    # Holding 10 (this group) and 20 (another): choosing 11 and 12 here makes 3 in all.
    assert checked_marks([10, 20], [10, 11, 12], [12, 11], 3, "too_many", NUMBER) == "2, 3"
    with pytest.raises(Refusal) as refused:
        checked_marks([10, 20, 21], [10, 11, 12], [11, 12], 3, "too_many", NUMBER)
    assert refused.value.key == "too_many" and refused.value.values == {"limit": 3, "n": 4}


def test_choosing_nothing_takes_the_marks_of_the_group_away() -> None:
    assert checked_marks([10, 11], [10, 11, 12], [], 2, "too_many", NUMBER) == ""
