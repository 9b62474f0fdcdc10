"""The console channel: a ChatPort that prints to a terminal and records every send.

Scenario tests use it as the fake channel (the `records` list is what they assert on); the
`lovende console` command attaches it to stdin/stdout.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bot.console.render import render
from bot.ports import Conversation
from dialogs.messages import Form, Message, Target, ToActorOnly, ToChannel, ToMember


@dataclass
class Record:
    kind: str  # "post" | "update" | "form" | "form_error"
    conv: Conversation
    ref: str
    message: Message | None = None
    target: Target | None = None
    thread: str | None = None
    form: Form | None = None


@dataclass
class Pressable:
    kind: str  # "button" | "multi"
    action: str
    actor: str | None  # ephemeral buttons belong to one person


@dataclass
class ConsoleChannel:
    out: Callable[[str], None] = print
    names: dict[str, str] = field(default_factory=dict)  # external id -> display name
    records: list[Record] = field(default_factory=list)
    buttons: dict[int, Pressable] = field(default_factory=dict)
    forms: list[tuple[Conversation, Form]] = field(default_factory=list)
    # Who a posted message was for ("(privat til Bo) "), so that its updates say so too.
    shown_to: dict[str, str] = field(default_factory=dict)
    _next_ref: int = 0

    def _ref(self) -> str:
        self._next_ref += 1
        return f"m{self._next_ref}"

    def _numbering(self, actor: str | None) -> Callable[[str, str], int]:
        def number(kind: str, action: str) -> int:
            n = len(self.buttons) + 1
            self.buttons[n] = Pressable(kind, action, actor)
            return n

        return number

    def _who(self, external_id: str | None) -> str:
        return self.names.get(external_id or "", external_id or "?")

    async def post(
        self, conv: Conversation, target: Target, message: Message, thread_ref: str | None
    ) -> str:
        ref = self._ref()
        self.records.append(Record("post", conv, ref, message, target, thread_ref))
        owner = conv.actor if isinstance(target, ToActorOnly) else None
        if isinstance(target, ToMember):
            owner = target.member_external_id
        lines = render(message, self._numbering(owner))
        prefix = ""
        if isinstance(target, ToActorOnly):
            prefix = f"(kun til {self._who(conv.actor)}) "
        elif isinstance(target, ToMember):
            prefix = f"(privat til {self._who(target.member_external_id)}) "
        indent = "    ↳ " if isinstance(target, ToChannel) and thread_ref else ""
        if prefix:
            self.shown_to[ref] = prefix
        self.out(indent + prefix + (lines[0] if lines else ""))
        for line in lines[1:]:
            self.out(("      " if indent else "") + line)
        return ref

    async def update(self, conv: Conversation, ref: str, message: Message) -> None:
        self.records.append(Record("update", conv, ref, message))
        # An update is shown as one line so the terminal is not flooded.
        self.out(f"  ✎ {self.shown_to.get(ref, '')}{message.fallback.splitlines()[0]}")

    async def open_form(self, conv: Conversation, form: Form) -> None:
        self.records.append(Record("form", conv, "", form=form))
        self.forms.append((conv, form))

    async def reject_form(self, conv: Conversation, form: Form) -> None:
        self.records.append(Record("form_error", conv, "", form=form))
        self.forms.append((conv, form))

    # ---- helpers for tests and the session ----
    def posts(self) -> list[Record]:
        return [r for r in self.records if r.kind == "post"]

    def texts(self) -> list[str]:
        return [r.message.fallback for r in self.records if r.message is not None]

    def find_button(self, action_prefix: str) -> int:
        """The newest button whose action starts with the prefix (e.g. 'lp:ans:1:1.1:ja')."""
        for n in sorted(self.buttons, reverse=True):
            if self.buttons[n].action.startswith(action_prefix):
                return n
        raise LookupError(action_prefix)
