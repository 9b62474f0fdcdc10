"""What a feature's dialog offers the engine, and the base class that dispatches to it.

A dialog declares its commands and action verbs on the methods that handle them:

    class SettingsDialog(FeatureDialog):
        name = "settings"
        reads = frozenset({"settings"})

        @command("indstillinger", "settings")
        def show(self, turn: Turn, rest: str) -> Outcome: ...

        @verb("f-set")
        def save_form(self, turn: Turn, action: Action, values: Values) -> Outcome: ...

Commands that share a first word (`møde planlæg`, `møde start`) name it with `under=`: a tuple
of its spellings (`MEETING = ("møde", "moede", "meeting")`); `@command(under=MEETING)` with no
words handles the first word alone. The engine routes a typed command by its first word
(`words`) and a click or form by its verb (`verbs`) to one dialog's `step`, and a `Refresh` by
its `owner` to that dialog's `render`. `step` runs the handler; a `Refusal` raised anywhere
below it becomes one line to the actor, a malformed action id `err.bad_action`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol, TypeVar

from dialogs import actions
from dialogs.effects import Outcome, Post, Refresh
from dialogs.events import Command, Event, Interaction
from dialogs.replies import Refusal, tell
from dialogs.turn import Turn

Values = Mapping[str, str]
Handler = TypeVar("Handler", bound=Callable[..., Outcome])


class Dialog(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def words(self) -> frozenset[str]:
        """The first words of the commands it answers (Danish and English)."""

    @property
    def verbs(self) -> frozenset[str]:
        """The action verbs it answers."""

    @property
    def reads(self) -> frozenset[str]:
        """The stores (by name) whose data `step` and `render` read (`Turn.read`): the engine
        loads only these for a turn routed here."""

    def reads_for(self, event: Event) -> frozenset[str]:
        """`reads` and what the handler of this event reads besides."""

    def step(self, turn: Turn, event: Event) -> Outcome: ...

    def render(self, refresh: Refresh, turn: Turn) -> list[Post]: ...


@dataclass(frozen=True)
class _Route:
    words: tuple[str, ...]
    under: tuple[str, ...]


def command(
    *words: str, under: Sequence[str] = (), reads: Sequence[str] = ()
) -> Callable[[Handler], Handler]:
    """Declare the method that handles a typed command: `(self, turn, rest) -> Outcome`.
    `reads`: stores this command reads besides the dialog's own `reads`."""
    route = _Route(tuple(w.casefold() for w in words), tuple(w.casefold() for w in under))
    return _marker("_routes", (route,), reads)


def verb(*names: str, reads: Sequence[str] = ()) -> Callable[[Handler], Handler]:
    """Declare the method that handles clicks and forms with these action verbs:
    `(self, turn, action, values) -> Outcome`; `reads` as for `command`."""
    return _marker("_verbs", names, reads)


def _marker(
    kind: str, items: Sequence[object], reads: Sequence[str]
) -> Callable[[Handler], Handler]:
    def mark(handler: Handler) -> Handler:
        setattr(handler, kind, (*getattr(handler, kind, ()), *items))
        setattr(handler, "_reads", frozenset(reads) | getattr(handler, "_reads", frozenset()))  # noqa: B010
        return handler

    return mark


class FeatureDialog:
    """Collects the `@command` and `@verb` methods of a subclass and dispatches to them."""

    name: ClassVar[str]
    reads: ClassVar[frozenset[str]] = frozenset()
    words: ClassVar[frozenset[str]] = frozenset()
    verbs: ClassVar[frozenset[str]] = frozenset()
    bad_action: ClassVar[str] = "err.bad_action"  # the refusal of a click no handler takes
    # first word -> handler; (first word, sub-command or "") -> handler; verb -> handler
    top_commands: ClassVar[dict[str, str]] = {}
    sub_commands: ClassVar[dict[tuple[str, str], str]] = {}
    _by_verb: ClassVar[dict[str, str]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        top: dict[str, str] = {}
        sub: dict[tuple[str, str], str] = {}
        by_verb: dict[str, str] = {}
        for klass in reversed(cls.__mro__):
            for attr, member in vars(klass).items():
                for route in getattr(member, "_routes", ()):
                    for first in route.under:
                        for word in route.words or ("",):
                            _declare(sub, (first, word), attr, cls)
                    for word in () if route.under else route.words:
                        _declare(top, word, attr, cls)
                for name in getattr(member, "_verbs", ()):
                    _declare(by_verb, name, attr, cls)
        cls.top_commands, cls.sub_commands, cls._by_verb = top, sub, by_verb
        cls.words = frozenset(top) | frozenset(first for first, _ in sub)
        cls.verbs = frozenset(by_verb)

    @classmethod
    def resolve(cls, text: str) -> tuple[str | None, str]:
        """A typed command's handler (its method's name; None for an unknown command) and
        the rest of the line after the command's words."""
        line = text.strip().removeprefix("/lovende").strip()
        first, _, rest = line.partition(" ")
        first, rest = first.casefold(), rest.strip()
        bare = first.rstrip(":,;.!")
        if first not in cls.top_commands and bare in cls.top_commands:
            first = bare  # `d: fordi …`, `status.`: the word as people type it, with its mark
        if first in cls.top_commands:
            return cls.top_commands[first], rest
        if any(word == first for word, _ in cls.sub_commands):
            word, _, args = rest.partition(" ")
            return cls.sub_commands.get((first, word.casefold())), args.strip()
        return None, rest

    def handler_of(self, event: Event) -> str | None:
        if isinstance(event, Command):
            return self.resolve(event.text)[0]
        try:
            return self._by_verb.get(actions.decode(event.action).verb)
        except actions.BadAction:
            return None

    def reads_for(self, event: Event) -> frozenset[str]:
        name = self.handler_of(event)
        extra: frozenset[str] = (
            getattr(getattr(self, name), "_reads", frozenset()) if name else frozenset()
        )
        return self.reads | extra

    def step(self, turn: Turn, event: Event) -> Outcome:
        try:
            if isinstance(event, Command):
                return self.on_command(turn, event.text)
            return self.on_interaction(turn, event)
        except Refusal as refusal:
            return tell(turn, refusal.key, **refusal.values)

    def render(self, refresh: Refresh, turn: Turn) -> list[Post]:
        return []

    def on_command(self, turn: Turn, text: str) -> Outcome:
        name, rest = self.resolve(text)
        if name is None:
            return self.unknown_command(turn, text.strip().removeprefix("/lovende").strip())
        handler: Callable[[Turn, str], Outcome] = getattr(self, name)
        return handler(turn, rest)

    def unknown_command(self, turn: Turn, line: str) -> Outcome:
        """A command this dialog was routed but has no handler for (the first feature gets
        every word that no feature knows)."""
        raise Refusal("err.unknown_command", text=line[:60])

    def on_interaction(self, turn: Turn, event: Interaction) -> Outcome:
        try:
            action = actions.decode(event.action)
            name = self._by_verb.get(action.verb)
            if name is None:
                raise Refusal(self.bad_action)
            handler: Callable[[Turn, actions.Action, Values], Outcome] = getattr(self, name)
            return handler(turn, action, event.values)
        except actions.BadAction:
            raise Refusal(self.bad_action) from None


def _declare(table: dict[Any, str], key: object, attr: str, cls: type) -> None:
    if table.get(key, attr) != attr:
        raise TypeError(f"{cls.__name__}: {key!r} is declared by {table[key]} and {attr}")
    table[key] = attr
