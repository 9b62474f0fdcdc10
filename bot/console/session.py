"""A console conversation: several simulated members in one channel, driven line by line.

Lines are commands for the bot, a button number, a value for the form being filled, or a
console command (`/som Anna`, `/hvem`, `/afslut`). The same code reads a terminal or a pipe.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.console.channel import ConsoleChannel
from bot.engine import Engine, Inbound
from bot.ports import Conversation
from dialogs.events import Command, Interaction
from dialogs.messages import Form, FormField

CONSOLE_HELP = (
    "Konsol: `/som <navn>` skifter person, `/hvem` viser hvem du er, `/annuller` afbryder en "
    "formular, `/afslut` afslutter. Tal trykker på knapper. Alt andet går til botten "
    "(prøv `hjælp`)."
)


@dataclass
class PendingForm:
    conv: Conversation
    form: Form
    values: dict[str, str] = field(default_factory=dict)

    @property
    def next_field(self) -> FormField | None:
        return next((f for f in self.form.fields if f.name not in self.values), None)


@dataclass
class PendingMulti:
    action: str


class ConsoleSession:
    def __init__(
        self,
        engine: Engine,
        channel: ConsoleChannel,
        *,
        workspace: str = "local",
        channel_id: str = "konsol",
        user: str = "Anna",
    ) -> None:
        self.engine, self.channel = engine, channel
        self.workspace, self.channel_id = workspace, channel_id
        self.user = user
        self.pending: PendingForm | PendingMulti | None = None
        self.say = channel.out

    @property
    def user_id(self) -> str:
        return self.user.casefold()

    def conv(self) -> Conversation:
        return Conversation("console", self.workspace, self.channel_id, self.user_id)

    async def feed(self, line: str) -> bool:
        """Handle one input line; False when the user wants to quit."""
        text = line.rstrip("\n")
        stripped = text.strip()
        if stripped in ("/afslut", "/quit", "/exit"):
            return False
        if stripped in ("/annuller", "/cancel") and self.pending:
            self.pending = None
            self.say("Formularen er annulleret – intet er gemt.")
            return True
        if isinstance(self.pending, PendingForm):
            await self._form_line(self.pending, text)
        elif isinstance(self.pending, PendingMulti):
            action, self.pending = self.pending.action, None
            letters = ",".join(p for p in stripped.replace(" ", ",").split(",") if p)
            await self._send(Interaction(action, {"selected": letters}))
        elif stripped.startswith("/som ") or stripped.startswith("/as "):
            self.user = stripped.split(maxsplit=1)[1].strip()
            self.channel.names[self.user_id] = self.user
            self.say(f"Du er nu {self.user}.")
        elif stripped in ("/hvem", "/who"):
            self.say(f"Du er {self.user}.")
        elif stripped in ("/hjælp", "/help"):
            self.say(CONSOLE_HELP)
        elif stripped.isdigit():
            await self._press(int(stripped))
        elif stripped:
            await self._send(Command(stripped))
        return True

    async def _send(self, event: Command | Interaction) -> None:
        self.channel.names.setdefault(self.user_id, self.user)
        inbound = Inbound(self.conv(), event, user_name=self.user, channel_name=self.channel_id)
        await self.engine.handle(inbound, self.channel)
        await self._next_form()

    async def _press(self, number: int) -> None:
        pressable = self.channel.buttons.get(number)
        if pressable is None:
            self.say(f"Der er ingen knap med nummer {number}.")
            return
        if pressable.kind == "multi":
            self.pending = PendingMulti(pressable.action)
            self.say("Skriv bogstaverne for dine valg, fx a,c:")
            return
        await self._send(Interaction(pressable.action))

    async def _next_form(self) -> None:
        if self.pending is None and self.channel.forms:
            conv, form = self.channel.forms.pop(0)
            self.channel.forms.clear()  # one form at a time, like a modal
            self.pending = PendingForm(conv, form)
            self.say(f"--- {form.title} ---" + (f"\n{form.intro}" if form.intro else ""))
            for name, error in form.errors.items():
                self.say(f"  ! {name}: {error}")
            self._prompt(self.pending)

    def _prompt(self, pending: PendingForm) -> None:
        f = pending.next_field
        if f is None:
            return
        extra = [f"højst {f.max_length} tegn"] if f.kind == "text" else []
        if not f.required:
            extra.append("kan være tom")
        if f.initial:
            extra.append(f"tom linje beholder: {f.initial[:60]}")
        if f.hint:
            extra.append(f.hint)
        self.say(f"{f.label} ({'; '.join(extra)}):" if extra else f"{f.label}:")
        for i, option in enumerate(f.options, 1):
            self.say(f"    {i}) {option.label}")

    async def _form_line(self, pending: PendingForm, text: str) -> None:
        f = pending.next_field
        assert f is not None
        value = text.strip() if not f.multiline else text
        if not value.strip() and f.initial:
            value = f.initial
        if f.kind == "choice":
            options = {str(i): o.key for i, o in enumerate(f.options, 1)}
            options.update({o.key: o.key for o in f.options})
            value = options.get(value.strip(), value.strip())
        pending.values[f.name] = value
        if pending.next_field is not None:
            self._prompt(pending)
            return
        self.pending = None
        await self._send(Interaction(pending.form.action, dict(pending.values)))
