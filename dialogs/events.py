"""Inbound events in the neutral model: a typed command, or a click / form submission."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Command:
    text: str


@dataclass(frozen=True)
class Interaction:
    """A button press, a multi-select submit or a form submission (values by field name)."""

    action: str
    values: dict[str, str] = field(default_factory=dict)


Event = Command | Interaction
