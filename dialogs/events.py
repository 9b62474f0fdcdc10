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
    # The form this submits, where a form can be submitted twice (a Teams card stays on screen
    # after "Gem"): its identity on the platform. A form is saved once per form_key.
    form_key: str | None = None


Event = Command | Interaction
