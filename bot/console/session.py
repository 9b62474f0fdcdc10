"""A console conversation: several simulated members in one channel, driven line by line.

Lines are commands for the bot, a button number, a value for the form being filled, or a
console command (`/som Anna`, `/hvem`, `/tid +3d`, `/annuller`, `/afslut`). The same code reads
a terminal or a pipe.

A form is filled one field at a time: the prompt names the form and the field
(`Anna [Kommentar til 1.1 › Begrundelse]>`), and each field is checked as it is typed with the
dialog's own validation and words (`bot.console.check`) — the error comes at once, and the field
is asked again. Console commands stay commands while a form is open: `/som Bo` never becomes a
field's value (it puts the form away, as another person could not fill in Anna's form).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from bot.console.channel import ConsoleChannel
from bot.console.check import FormCheck
from bot.console.clock import USAGE, TimeError, TimeTravel, parse_move, shown
from bot.engine import Engine
from bot.inbound import Inbound
from bot.ports import Conversation
from dialogs.events import Command, Interaction
from dialogs.messages import Form, FormField, MultiSelect
from storage.models import Member, Workspace

CONSOLE_HELP = (
    "Konsol: `/som <navn>` skifter person, `/hvem` viser hvem du er, `/tid +3d` flytter uret "
    "frem (påmindelser kommer, som de ville nå folk), `/annuller` afbryder en formular, "
    "`/afslut` afslutter. Tal trykker på knapper. Alt andet går til botten (prøv `hjælp`)."
)
QUIT = frozenset({"/afslut", "/quit", "/exit"})
CANCEL = frozenset({"/annuller", "/cancel"})
WHO = frozenset({"/hvem", "/who"})
HELP = frozenset({"/hjælp", "/help"})
BECOME = ("/som", "/as")
TIME = ("/tid", "/time")


@dataclass
class PendingForm:
    conv: Conversation
    form: Form
    values: dict[str, str] = field(default_factory=dict)

    @property
    def next_field(self) -> FormField | None:
        return next((f for f in self.form.fields if f.name not in self.values), None)

    def submission(self) -> dict[str, str]:
        """What the form would send now: the values typed so far, the rest as suggested."""
        rest = {f.name: f.initial or "" for f in self.form.fields if f.name not in self.values}
        return {**rest, **self.values}


@dataclass
class PendingMulti:
    action: str
    label: str


def console_command(line: str) -> tuple[str, str] | None:
    """(`/som`, `Bo`) for a console command line, None for anything else (bot commands and
    values: a value may well start with a slash, a console command may not be one)."""
    word, _, rest = line.strip().partition(" ")
    word = word.casefold()
    known = QUIT | CANCEL | WHO | HELP | frozenset(BECOME) | frozenset(TIME)
    return (word, rest.strip()) if word in known else None


class ConsoleSession:
    def __init__(
        self,
        engine: Engine,
        channel: ConsoleChannel,
        *,
        workspace: str = "local",
        channel_id: str = "konsol",
        user: str = "Anna",
        time_travel: TimeTravel | None = None,
    ) -> None:
        self.engine, self.channel = engine, channel
        self.workspace, self.channel_id = workspace, channel_id
        self.user = user
        self.pending: PendingForm | PendingMulti | None = None
        self.say = channel.out
        self.check = FormCheck(engine)
        self.time_travel = time_travel

    async def start(self) -> None:
        """Learn the names of the workspace's members from earlier sessions, so that what is
        sent to them privately says "(privat til Bo)", never their id."""
        async with self.engine.sessions() as session:
            rows = await session.execute(
                select(Member.external_id, Member.display_name)
                .join(Workspace, Workspace.id == Member.workspace_id)
                .where(Workspace.platform == "console", Workspace.external_id == self.workspace)
            )
            for external_id, name in rows:
                self.channel.names.setdefault(external_id, name)

    @property
    def user_id(self) -> str:
        return self.user.casefold()

    @property
    def prompt(self) -> str:
        """`Anna> `, or while a form is filled `Anna [Form › Field]> `."""
        if isinstance(self.pending, PendingForm):
            f = self.pending.next_field
            if f is not None:
                return f"{self.user} [{self.pending.form.title} › {f.label}]> "
        if isinstance(self.pending, PendingMulti):
            return f"{self.user} [{self.pending.label}]> "
        return f"{self.user}> "

    def conv(self) -> Conversation:
        return Conversation("console", self.workspace, self.channel_id, self.user_id)

    async def feed(self, line: str) -> bool:
        """Handle one input line; False when the user wants to quit."""
        text = line.rstrip("\n")
        stripped = text.strip()
        command = console_command(stripped)
        if command is not None:
            return await self._console(*command)
        if isinstance(self.pending, PendingForm):
            await self._form_line(self.pending, text)
        elif isinstance(self.pending, PendingMulti):
            action, self.pending = self.pending.action, None
            letters = ",".join(p for p in stripped.replace(" ", ",").split(",") if p)
            await self._send(Interaction(action, {"selected": letters}))
        elif stripped.isdigit():
            await self._press(int(stripped))
        elif stripped:
            await self._send(Command(stripped))
        return True

    # ---- console commands ----
    async def _console(self, word: str, rest: str) -> bool:
        if word in QUIT:
            return False
        if word in CANCEL:
            self.say(
                "Formularen er annulleret – intet er gemt."
                if self.pending
                else "Der er ingen formular at annullere."
            )
            self.pending = None
        elif word in BECOME:
            self._become(rest)
        elif word in WHO:
            self.say(f"Du er {self.user}.")
        elif word in HELP:
            self.say(CONSOLE_HELP)
        else:
            await self._time(rest)
        return True

    def _become(self, name: str) -> None:
        if not name:
            self.say("Skriv navnet, fx `/som Bo`.")
            return
        if isinstance(self.pending, PendingForm | PendingMulti):
            # Another person cannot fill in this one's form (on Slack or Teams it is theirs).
            what = self.pending.form.title if isinstance(self.pending, PendingForm) else "valget"
            self.say(f"«{what}» er lagt væk – intet er gemt.")
            self.pending = None
        self.user = name
        self.channel.names[self.user_id] = self.user
        self.say(f"Du er nu {self.user}.")

    async def _time(self, rest: str) -> None:
        travel = self.time_travel
        if travel is None:
            self.say("Uret kan ikke flyttes her.")
            return
        now = travel.clock.now()
        if not rest:
            self.say(f"⏱ Konsollens tid er {shown(now, travel.tz)}. {USAGE}")
            return
        try:
            target = parse_move(rest, now, travel.tz)
        except TimeError as exc:
            self.say(str(exc))
            return
        if target is None:
            self.say("⏱ Uret følger igen den rigtige tid.")
        else:
            self.say(f"⏱ Uret går frem til {shown(target, travel.tz)}.")
        mark = len(self.channel.records)
        out = self.channel.out
        header: list[str] = []

        def at_stop(moment: datetime) -> None:
            header[:] = [f"  — {shown(moment, travel.tz)} —"]

        def printing(line: str) -> None:
            if header:  # the moment, once, before what came at it
                out(header.pop())
            out(line)

        self.channel.out = printing
        try:
            await travel.move(target, at_stop)
        finally:
            self.channel.out = out
        delivered = sum(1 for r in self.channel.records[mark:] if r.kind == "post")
        when = shown(travel.clock.now(), travel.tz)
        if delivered:
            self.say(f"⏱ {_count(delivered)} på vejen. Konsollens tid er nu {when}.")
        else:
            self.say(f"⏱ Intet forfaldt på vejen. Konsollens tid er nu {when}.")

    # ---- the bot ----
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
            self.pending = PendingMulti(pressable.action, self._multi_label(pressable.action))
            self.say("Skriv numrene eller bogstaverne for dine valg, fx a,c eller 1,3:")
            return
        await self._send(Interaction(pressable.action))

    def _multi_label(self, action: str) -> str:
        for record in reversed(self.channel.records):
            for block in record.message.blocks if record.message else ():
                if isinstance(block, MultiSelect) and block.action == action:
                    return block.label
        return "Valg"

    # ---- forms ----
    async def _next_form(self) -> None:
        if self.pending is not None or not self.channel.forms:
            return
        conv, form = self.channel.forms.pop(0)
        self.channel.forms.clear()  # one form at a time, like a modal
        pending = PendingForm(conv, form)
        names = {f.name for f in form.fields}
        if names & form.errors.keys():
            # Sent and refused: ask again only what was wrong; the rest stands as written.
            pending.values = {
                f.name: f.initial or "" for f in form.fields if f.name not in form.errors
            }
        self.pending = pending
        self.say(f"--- {form.title} ---" + (f"\n{form.intro}" if form.intro else ""))
        for name, error in form.errors.items():
            if name not in names:  # about the whole form: the fields are asked again
                self.say(f"  ! {error}")
        self._prompt(pending)

    def _prompt(self, pending: PendingForm) -> None:
        f = pending.next_field
        if f is None:
            return
        error = pending.form.errors.get(f.name)
        if error:
            self.say(f"  ! {f.label}: {error}")
        extra = [f"højst {f.max_length} tegn"] if f.kind == "text" else []
        if not f.required:
            extra.append("kan være tom")
        if f.initial:
            extra.append(f"tom linje beholder: {_shown_value(f, f.initial)[:60]}")
        if f.hint:
            extra.append(f.hint)
        self.say(f"{f.label} ({'; '.join(extra)}):" if extra else f"{f.label}:")
        for i, option in enumerate(f.options, 1):
            self.say(f"    {i}) {option.label}")

    async def _form_line(self, pending: PendingForm, text: str) -> None:
        f = pending.next_field
        if f is None:  # nothing left to ask (a form without fields): it is sent as it is
            self.pending = None
            await self._send(Interaction(pending.form.action, pending.submission()))
            return
        value = text.strip() if not f.multiline else text
        if not value.strip() and f.initial:
            value = f.initial
        if f.kind == "choice":
            options = {str(i): o.key for i, o in enumerate(f.options, 1)}
            options.update({o.key: o.key for o in f.options})
            options.update({o.label.casefold(): o.key for o in f.options})
            value = options.get(value.strip().casefold(), value.strip())
        pending.values[f.name] = value
        errors = await self.check.errors(pending.conv, pending.form.action, pending.submission())
        error = errors.get(f.name)
        if error:
            del pending.values[f.name]  # asked again, with the dialog's own words
            self.say(f"  ! {f.label}: {error}")
            return
        if pending.next_field is not None:
            self._prompt(pending)
            return
        self.pending = None
        await self._send(Interaction(pending.form.action, pending.submission()))


def _shown_value(f: FormField, value: str) -> str:
    """A choice's value as the person knows it (its label: "Anna", never "anna")."""
    return next((o.label for o in f.options if o.key == value), value)


def _count(n: int) -> str:
    return "1 besked kom" if n == 1 else f"{n} beskeder kom"
