"""Laying text out in the neutral message model within what every platform accepts: long lines
split over as few blocks as fit, labels cut to a length, an element named as the booklet does."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

from dialogs.messages import Block, Choice, Message, MultiSelect, Text
from scoring.catalogue import Catalogue

TEXT_LIMIT = 2800  # Slack section text allows 3000 characters
OPTIONS_PER_SELECT = 10  # Slack check boxes allow 10 options
OPTION_LABEL = 70  # Slack option text allows 75


def short(text: str, limit: int) -> str:
    """`text` on one line, cut to `limit` characters (with "…" where it was cut)."""
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= limit else one_line[: limit - 1] + "…"


def texts(lines: Iterable[str], style: Literal["plain", "header", "muted"] = "plain") -> list[Text]:
    """Lines joined into as few Text blocks as the platforms' length limit allows."""
    blocks: list[Text] = []
    current = ""
    for line in lines:
        line = line if len(line) <= TEXT_LIMIT else line[: TEXT_LIMIT - 1] + "…"
        if current and len(current) + 1 + len(line) > TEXT_LIMIT:
            blocks.append(Text(current, style))
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current:
        blocks.append(Text(current, style))
    return blocks


def message(blocks: list[Block], fallback: str) -> Message:
    return Message(tuple(blocks), fallback)


def element_name(catalogue: Catalogue, lang: str, number: int) -> str:
    """An element by its number and name ("3. <name>"); the bare number for one the catalogue
    does not have."""
    if 1 <= number <= len(catalogue.elements):
        return f"{number}. {catalogue.element(number).name[lang]}"
    return str(number)


T = TypeVar("T")


@dataclass(frozen=True)
class Group(Generic[T]):
    """One group of check boxes of a numbered list (a platform shows at most
    OPTIONS_PER_SELECT a group): its `index`, carried in the group's action, and its items,
    numbered from `first` as the list shows them. Options are keyed by those numbers (stable
    while the list is), so a console user types the numbers they see."""

    index: int
    items: tuple[T, ...]

    @property
    def first(self) -> int:
        return self.index * OPTIONS_PER_SELECT + 1

    @property
    def last(self) -> int:
        return self.first + len(self.items) - 1

    def select(
        self,
        action: str,
        label: str,
        submit_label: str,
        text: Callable[[T], str],
        checked: Callable[[T], bool] | None = None,
    ) -> MultiSelect:
        """The group's check boxes, each "<number>. <text>"; `checked`: those ticked already."""
        numbered = tuple(enumerate(self.items, self.first))
        return MultiSelect(
            action,
            label,
            tuple(
                Choice(str(n), short(f"{n}. {text(item)}", OPTION_LABEL)) for n, item in numbered
            ),
            selected=tuple(str(n) for n, item in numbered if checked and checked(item)),
            submit_label=submit_label,
        )

    def picked(self, numbers: Iterable[int]) -> tuple[T, ...] | None:
        """The items with the numbers chosen in this group; None if any is not in it."""
        chosen = tuple(numbers)
        if any(not self.first <= n <= self.last for n in chosen):
            return None
        return tuple(self.items[n - self.first] for n in chosen)


def groups(items: Sequence[T]) -> list[Group[T]]:
    return [
        Group(i // OPTIONS_PER_SELECT, tuple(items[i : i + OPTIONS_PER_SELECT]))
        for i in range(0, len(items), OPTIONS_PER_SELECT)
    ]


def group(items: Sequence[T], index: int) -> Group[T] | None:
    """The group with this index (from an action), or None where the list has none."""
    found = groups(items)
    return found[index] if 0 <= index < len(found) else None
