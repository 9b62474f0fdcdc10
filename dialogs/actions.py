"""Compact action ids carried in Slack `action_id`/`value` and Teams `Action.Submit` data.

Format: `lp:<verb>:<arg>:<arg>…`. Arguments never contain `:`. A parsed action is only a
claim: the engine checks the ids against the workspace and channel the request came from.
"""

from __future__ import annotations

from dataclasses import dataclass

PREFIX = "lp"
MAX_LENGTH = 255  # Slack's action_id limit


class BadAction(ValueError):
    pass


@dataclass(frozen=True)
class Action:
    verb: str
    args: tuple[str, ...]

    def int_arg(self, index: int) -> int:
        try:
            return int(self.args[index])
        except (IndexError, ValueError) as exc:
            raise BadAction(f"argument {index} of {self.verb} is not a number") from exc

    def arg(self, index: int) -> str:
        try:
            return self.args[index]
        except IndexError as exc:
            raise BadAction(f"{self.verb} lacks argument {index}") from exc


def encode(verb: str, *args: object) -> str:
    parts = [PREFIX, verb, *(str(a) for a in args)]
    if any(":" in p or not p for p in parts[1:]):
        raise ValueError(f"action parts must be non-empty and free of ':': {parts}")
    text = ":".join(parts)
    if len(text) > MAX_LENGTH:
        raise ValueError("action id too long")
    return text


def decode(text: str) -> Action:
    if not isinstance(text, str) or len(text) > MAX_LENGTH:
        raise BadAction("not an action id")
    parts = text.split(":")
    if len(parts) < 2 or parts[0] != PREFIX or not parts[1]:
        raise BadAction("not an action id")
    return Action(parts[1], tuple(parts[2:]))
