"""The `lovende` command: console, demo, migrate (and the servers, as they land)."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from bot import logs
from bot.settings import ConfigError, Settings, for_console, load_settings


async def _console(settings: Settings, args: argparse.Namespace) -> int:
    from zoneinfo import ZoneInfo

    from bot.console.channel import ConsoleChannel
    from bot.console.clock import ConsoleClock, TimeTravel
    from bot.console.session import CONSOLE_HELP, ConsoleSession
    from bot.http.app import serve_board_here
    from bot.runtime import build_runtime

    settings = for_console(settings)  # it shows the path of each generated file's copy
    clock = ConsoleClock()  # `/tid` moves it on
    runtime = await build_runtime(settings, clock)
    channel = ConsoleChannel()
    runtime.ports["console"] = channel  # reminders reach the console too
    await runtime.start_background()
    assert runtime.background is not None
    worker = runtime.background.worker  # one worker: `/tid` and the sweeps take turns
    travel = TimeTravel(clock, worker.run_due, worker.next_due, ZoneInfo(settings.timezone))
    session = ConsoleSession(
        runtime.engine, channel, channel_id=args.kanal, user=args.som, time_travel=travel
    )
    interactive = sys.stdin.isatty()
    print(f"Lovende praksis – konsol. Kanal #{args.kanal}, database {settings.database_url}")
    board = await serve_board_here(runtime, settings.public_url)
    print(_board_line(settings.public_url, served=board is not None))
    print(CONSOLE_HELP)
    loop = asyncio.get_running_loop()
    try:
        await session.start()
        while True:
            if interactive:
                print(session.prompt, end="", flush=True)
            line = await loop.run_in_executor(None, sys.stdin.readline)
            if not line:
                break
            if not interactive:
                print(f"{session.prompt}{line.rstrip()}")
            if not await session.feed(line):
                break
    finally:
        if board is not None:
            await board.cleanup()
        await runtime.close()
    return 0


def _board_line(public_url: str, *, served: bool) -> str:
    """Where the links of `tavle` open: here while the console runs, or elsewhere (in Danish,
    as the rest of the console's own lines)."""
    from dialogs.i18n import t

    return t("da", "board.console.served" if served else "board.console.elsewhere", url=public_url)


async def _migrate(settings: Settings) -> int:
    from storage.db import create_engine
    from storage.migrate import upgrade

    db = create_engine(settings.database_url)
    try:
        await upgrade(db)
    finally:
        await db.dispose()
    print("Databasen er opdateret.")
    return 0


async def _serve(settings: Settings, args: argparse.Namespace) -> int:
    from bot.http.app import serve
    from bot.runtime import build_runtime

    runtime = await build_runtime(settings)
    _stop_on_sigterm()
    try:
        if args.socket_mode:
            from bot.slack.socket import serve_socket_mode

            await serve_socket_mode(runtime, args.host, args.port)
        else:
            await serve(runtime, args.host, args.port)
    except asyncio.CancelledError:  # SIGTERM: stopped after draining acknowledged turns
        return 0
    finally:
        await runtime.close()
    return 0


def _stop_on_sigterm() -> None:
    """`docker stop`, systemd and process supervisors send SIGTERM: stop as on Ctrl-C (the web
    app's shutdown lets acknowledged turns finish their sends) instead of dying mid-turn."""
    task = asyncio.current_task()
    if task is not None and hasattr(signal, "SIGTERM"):
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="lovende", description="Lovende praksis facilitator")
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser("console", help="chat with the bot in the terminal (several members)")
    c.add_argument("--kanal", default="konsol", help="channel name")
    c.add_argument("--som", default="Anna", help="who you are at the start")
    d = sub.add_parser("demo", help="play a complete assessment and print the result")
    d.add_argument("--db", type=Path, help="database file (default: a new temporary one)")
    d.add_argument("--verbose", action="store_true", help="print the whole conversation")
    sub.add_parser("migrate", help="bring the database to the newest schema")
    tp = sub.add_parser("teams-package", help="build the Teams app package (zip) to upload")
    tp.add_argument("--out", type=Path, default=Path("out/lovende-teams.zip"))
    tp.add_argument("--app-id", help="the bot's app id (default: MICROSOFT_APP_ID)")
    tp.add_argument("--public-url", help="https://… of the bot (default: TEAMS_PUBLIC_URL)")
    s = sub.add_parser("serve", help="run the web app (Slack, Teams, health) on one port")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=3978)
    s.add_argument(
        "--socket-mode", action="store_true", help="Slack over Socket Mode (SLACK_APP_TOKEN)"
    )
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"Fejl i indstillinger: {exc}", file=sys.stderr)
        return 2
    if args.command == "console":
        # The terminal is the conversation: only warnings and errors, as readable lines, on
        # stderr (never migrations' INFO lines or JSON in the middle of it).
        logs.configure(logs.at_least(settings.log_level, "WARNING"), "text")
    else:
        logs.configure(settings.log_level, settings.log_format)
    if args.command == "console":
        return asyncio.run(_console(settings, args))
    if args.command == "demo":
        from bot.demo import run_demo

        return asyncio.run(run_demo(args.db, print, args.verbose))
    if args.command == "migrate":
        return asyncio.run(_migrate(settings))
    if args.command == "teams-package":
        from bot.teams.package import main as teams_package

        return teams_package(args.out, args.app_id, args.public_url)
    if args.command == "serve":
        try:
            return asyncio.run(_serve(settings, args))
        except ConfigError as exc:  # an adapter's settings (e.g. SLACK_SIGNING_SECRET)
            print(f"Fejl i indstillinger: {exc}", file=sys.stderr)
            return 2
    return 2


if __name__ == "__main__":
    sys.exit(main())
