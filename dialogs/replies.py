"""The replies every feature shares: refusals, a line to the actor or the channel, a form sent
back with its errors, and the help."""

from __future__ import annotations

from dataclasses import replace

from dialogs.effects import Outcome, Post, RejectForm
from dialogs.i18n import keys_with_prefix, t
from dialogs.messages import Form, Message, Text, ToActorOnly, ToChannel
from dialogs.turn import Turn


class Refusal(Exception):
    """A request that changes nothing; carries the message key shown to the actor (a feature's
    step turns it into `tell`)."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key, self.values = key, values


def plain(lang: str, key: str, **values: object) -> Message:
    text = t(lang, key, **values)
    return Message((Text(text),), text)


def tell(turn: Turn, key: str, **values: object) -> Outcome:
    """A line to the actor only."""
    return Outcome(out=(Post(plain(turn.lang, key, **values), ToActorOnly()),))


def announce(turn: Turn, key: str, **values: object) -> Outcome:
    """A line to the whole channel."""
    return Outcome(out=(Post(plain(turn.lang, key, **values), ToChannel()),))


def reject(form: Form, errors: dict[str, str]) -> Outcome:
    """The form again, with an error per field and the user's draft kept."""
    return Outcome(out=(RejectForm(replace(form, errors=dict(errors))),))


def help_message(lang: str) -> Message:
    """The title, then every feature's `help.body…` lines (each feature's locale adds its own)."""
    bodies = [Text(t(lang, key)) for key in keys_with_prefix(lang, "help.body")]
    return Message((Text(t(lang, "help.title"), "header"), *bodies), t(lang, "help.title"))


def show_help(turn: Turn) -> Outcome:
    return Outcome(out=(Post(help_message(turn.lang), ToActorOnly()),))
