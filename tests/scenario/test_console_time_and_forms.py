"""The console as a newcomer meets it (issue 17), driven through `ConsoleSession` on a fake
clock (deterministic dates) and through `lovende console` from a pipe:

- `/tid` moves the console's clock and does the scheduler's work as it comes due: reminders
  arrive as they would reach people, each moment named; `/tid nu` goes back to the real time;
- a form being filled shows in the prompt (`Anna [Planlæg læringsdialog › Tidspunkt]>`), each
  field is checked as it is typed with the dialog's own words, and console commands stay
  commands: a typed `/som Bo` never becomes a field's value;
- what goes to someone privately names them ("(privat til Bo)"), also after a restart;
- logs go to stderr at WARNING: no migration INFO lines, no JSON in the conversation.
"""

from __future__ import annotations

import subprocess
from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from console_helpers import lovende

from bot.clock import FakeClock
from bot.console.channel import ConsoleChannel
from bot.console.clock import ConsoleClock, TimeTravel
from bot.console.session import ConsoleSession, PendingForm
from bot.reminders import ReminderWorker
from bot.runtime import build_runtime
from bot.settings import load_settings
from dialogs.messages import Form, FormField

CPH = ZoneInfo("Europe/Copenhagen")


class Console:
    """A console session over a real database on a fake clock (Monday 2 March 2026 10:00)."""

    def __init__(self, session: ConsoleSession, lines: list[str]) -> None:
        self.session, self.lines = session, lines

    async def type(self, *inputs: str) -> str:
        """Type lines as a person would (echoed with the prompt, as from a pipe); the output."""
        mark = len(self.lines)
        for line in inputs:
            self.lines.append(f"{self.session.prompt}{line}")
            await self.session.feed(line)
        return "\n".join(self.lines[mark:])


@pytest.fixture
async def console(database_url: str) -> AsyncIterator[Console]:
    clock = ConsoleClock(FakeClock())
    runtime = await build_runtime(load_settings(database_url=database_url), clock)
    lines: list[str] = []
    channel = ConsoleChannel(out=lines.append)
    runtime.ports["console"] = channel
    worker = ReminderWorker(runtime)
    travel = TimeTravel(clock, worker.run_due, worker.next_due, CPH)
    session = ConsoleSession(runtime.engine, channel, channel_id="team", time_travel=travel)
    try:
        yield Console(session, lines)
    finally:
        await runtime.close()


async def start_round(console: Console) -> None:
    await console.type("/som Anna", "start Recovery")
    pace = console.session.channel.find_button("lp:pace:1:all")
    await console.type(str(pace), "/som Bo", "svar 1.1 ja", "/som Anna")


async def test_tid_moves_the_clock_and_delivers_what_falls_due(console: Console) -> None:
    await start_round(console)
    out = await console.type("/tid +2t")
    assert "⏱ Uret går frem til mandag 02.03.2026 kl. 12:00." in out
    assert "⏱ Intet forfaldt på vejen." in out

    out = await console.type("/tid +3d")
    assert "⏱ Uret går frem til torsdag 05.03.2026 kl. 12:00." in out
    # The first private nudges, at their time (Thursday 10:00), as Anna and Bo would get them.
    lines = out.splitlines()
    stop = lines.index("  — torsdag 05.03.2026 kl. 10:00 —")
    after = "\n".join(lines[stop:])
    assert "(privat til Anna) == Måling af Recovery: du mangler at svare ==" in after
    assert "(privat til Bo) == Måling af Recovery: du mangler at svare ==" in after
    assert "Denne påmindelse kommer forsinket" not in out  # on time, not late
    assert "⏱ 2 beskeder kom på vejen. Konsollens tid er nu torsdag 05.03.2026 kl. 12:00." in out
    assert "05.03.2026" not in await console.type("påmindelser")  # sent, no longer upcoming

    out = await console.type("/tid 10.12.2026 08:00")
    assert "⏱ Uret går frem til torsdag 10.12.2026 kl. 08:00." in out
    assert out.count("du mangler at svare ==") == 4  # the two rounds left, to each of them
    assert "Konsollens tid er nu torsdag 10.12.2026 kl. 08:00." in out

    out = await console.type("/tid 01.01.2026", "/tid +3x", "/tid", "/tid nu")
    assert "Uret kan kun gå frem" in out and "`/tid nu`" in out
    assert "Det forstod jeg ikke: “+3x”" in out
    assert "⏱ Konsollens tid er torsdag 10.12.2026 kl. 08:00." in out
    assert "⏱ Uret følger igen den rigtige tid." in out
    assert "Konsollens tid er nu mandag 02.03.2026 kl. 10:00." in out


async def test_a_form_in_the_prompt_checked_field_by_field(console: Console) -> None:
    await start_round(console)
    out = await console.type("møde planlæg", "01.03.2026 13:00")
    assert "Anna [Planlæg læringsdialog › Tidspunkt]> 01.03.2026 13:00" in out
    # The dialog's own words, at once — not after the seventh field.
    assert out.rstrip().endswith(
        "  ! Tidspunkt: Tidspunktet er allerede passeret. Vælg et tidspunkt i fremtiden."
    )
    assert console.session.prompt == "Anna [Planlæg læringsdialog › Tidspunkt]> "
    out = await console.type("12.03.2026 13:00")
    assert "Mødeleder (tom linje beholder: Anna)" in out  # a name, never the id "anna"
    out = await console.type("", "Anna, Bo, Carl")
    assert "! Deltagere: Jeg kender ikke Carl i denne kanal." in out
    out = await console.type("Anna, Bo", "", "", "", "")
    assert "== Læringsdialog 1 – 12.03.2026 kl. 13:00 ==" in out
    assert "(privat til Bo) == Forberedelse til læringsdialog 1" in out
    assert console.session.prompt == "Anna> "


async def test_console_commands_stay_commands_in_a_form(console: Console) -> None:
    await start_round(console)
    out = await console.type("møde planlæg", "/hvem")
    assert "Du er Anna." in out
    assert console.session.prompt == "Anna [Planlæg læringsdialog › Tidspunkt]> "
    out = await console.type("/som Bo")
    assert "«Planlæg læringsdialog» er lagt væk – intet er gemt." in out
    assert "Du er nu Bo." in out and console.session.prompt == "Bo> "
    assert "/som Bo" not in "\n".join(
        str(v) for r in console.session.channel.records if r.form for v in r.form.errors.values()
    )
    out = await console.type("møde", "/annuller")
    assert "Der er ikke planlagt et møde" in out  # nothing was planned with "/som Bo" in it
    assert "Der er ingen formular at annullere." in out


async def plan_refused(
    console: Console, written: tuple[FormField, ...], errors: dict[str, str]
) -> ConsoleSession:
    """In a round, the planning form sent as `written` and refused by the dialog with
    `errors` (something changed meanwhile); the console has gone on to ask again."""
    await start_round(console)
    session = console.session
    form = Form("lp:mtf-plan", "Planlæg læringsdialog", written, "Planlæg", errors=errors)
    await session.channel.reject_form(session.conv(), form)
    await session._next_form()
    return session


async def test_a_refused_form_asks_again_only_what_was_wrong(console: Console) -> None:
    """A form the dialog refuses when it is sent (something changed meanwhile) is asked again
    field by field only where it was wrong; the rest stands as written."""
    written = (
        FormField("when", "Tidspunkt", initial="01.03.2026 13:00"),
        FormField("participants", "Deltagere", initial="Anna, Bo"),
    )
    session = await plan_refused(console, written, {"when": "Tidspunktet er allerede passeret."})
    assert "  ! Tidspunkt: Tidspunktet er allerede passeret." in console.lines
    assert session.prompt == "Anna [Planlæg læringsdialog › Tidspunkt]> "
    assert isinstance(session.pending, PendingForm)
    assert session.pending.values == {"participants": "Anna, Bo"}


# ---- `lovende console` from a pipe ----
def run(stdin: str, db: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return lovende(["console"], stdin, db, **env)


def test_the_console_keeps_logs_out_of_the_conversation(tmp_path: Path) -> None:
    # As configured for a server (INFO, JSON): the console still keeps to warnings, as text.
    result = run("status\n", tmp_path / "c.db", LOVENDE_LOG_LEVEL="INFO", LOVENDE_LOG_FORMAT="json")
    assert result.returncode == 0, result.stderr
    for stream in (result.stdout, result.stderr):
        assert "alembic" not in stream
        assert not [line for line in stream.splitlines() if line.startswith("{")]
    assert " INFO " not in result.stderr


def test_names_in_private_messages_after_a_restart_and_tid(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    # A meeting a week ahead (real time: the console's clock starts at the real time).
    day = date.today() + timedelta(days=7)
    first = [
        "/som Bo",
        "status",
        "/som Anna",
        "start Recovery",
        "møde planlæg",
        f"{day:%d.%m.%Y} 13:00",
        "",
        "Anna, Bo",
        "",
        "",
        "",
        "",
    ]
    result = run("\n".join(first) + "\n", db)
    assert result.returncode == 0, result.stderr
    assert "Anna [Planlæg læringsdialog › Deltagere]> Anna, Bo" in result.stdout
    assert "(privat til Bo) == Forberedelse til læringsdialog 1" in result.stdout

    # A new process: nobody has said `/som Bo`, yet Bo is named, not "bo".
    result = run("/tid +6d\n", db)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Anna> /tid +6d" in out and "⏱ Uret går frem til" in out
    assert "(privat til Bo) == Husk forberedelsen til læringsdialog 1" in out
    assert "(privat til bo)" not in out


async def test_an_error_about_the_whole_form_asks_every_field_again(console: Console) -> None:
    written = (FormField("when", "Tidspunkt", initial="12.03.2026 13:00"),)
    errors = {"form": "Mødet blev planlagt af en anden imens."}
    session = await plan_refused(console, written, errors)
    assert "  ! Mødet blev planlagt af en anden imens." in console.lines
    assert session.prompt == "Anna [Planlæg læringsdialog › Tidspunkt]> "
