"""Settings from environment variables and an optional `.env` file.

Every variable is prefixed `LOVENDE_` except `DATABASE_URL`, which follows the common
convention so that hosting platforms can inject it. A bad value stops the bot with one line
that names the variable (see `load_settings`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

CONTROLLER_MAX = 300


class ConfigError(Exception):
    """A setting is missing, malformed or contradicts another one."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="LOVENDE_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    database_url: str = Field(
        default="sqlite+aiosqlite:///lovende.db",
        validation_alias=AliasChoices("DATABASE_URL", "LOVENDE_DATABASE_URL"),
    )
    scoring_table: Path | None = None
    language: Literal["da", "en"] = "da"
    timezone: str = "Europe/Copenhagen"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["auto", "json", "text"] = "auto"  # auto: text on a terminal, else JSON
    auto_migrate: bool = True
    # A copy of every generated file (charts, reports, exports) on disk, each in its own
    # unguessable subfolder (LOVENDE_OUTPUT_DIR). The files themselves are in the database;
    # unset, `lovende console` copies to `out` (it shows the path) and `serve` copies nowhere.
    output_dir: Path | None = None
    # Closed assessment rounds older than this many years are deleted (LOVENDE_RETENTION_YEARS;
    # unset keeps them). See storage.retention.purge_old_rounds.
    retention_years: int | None = None
    # Generated files (charts, reports, exports) older than this many days are removed by a
    # daily job (LOVENDE_FILE_RETENTION_DAYS). See storage.retention.purge_old_files.
    file_retention_days: int = 30
    # Workspace admins who may export and delete any channel's data of their workspace
    # (LOVENDE_ADMINS): comma-separated `platform:workspace:user`, e.g. `slack:T0123:U0456`.
    admins: str = ""
    # Prometheus metrics at GET /metrics on the bot's own port (LOVENDE_METRICS=false: none).
    metrics: bool = True
    # Seconds a client may take to send a request's headers, and then its body, before the
    # web app closes the connection (LOVENDE_HTTP_HEADER_TIMEOUT, LOVENDE_HTTP_BODY_TIMEOUT):
    # slow clients would otherwise hold connections open indefinitely. See bot/http/slow.py.
    http_header_timeout: float = 10.0
    http_body_timeout: float = 30.0
    # Who is data controller for what the bot stores (LOVENDE_DATA_CONTROLLER): the operating
    # organisation and a contact, shown on /privacy and /terms; unset, the pages say so.
    data_controller: str = ""
    # Where people reach this bot's web app (LOVENDE_PUBLIC_URL), e.g. https://bot.example.dk:
    # the links `tavle` hands out (bot/board). Unset: TEAMS_PUBLIC_URL; the console assumes
    # `lovende serve` on this machine (http://127.0.0.1:3978).
    public_url: str = ""

    @field_validator("database_url")
    @classmethod
    def _known_driver(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError(
                "brug sqlite+aiosqlite:///fil.db eller postgresql+asyncpg://bruger@vært/db"
            )
        return value

    @field_validator("scoring_table")
    @classmethod
    def _table_exists(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"filen {value} findes ikke")
        return value

    @field_validator("output_dir", mode="before")
    @classmethod
    def _folder_or_none(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None  # LOVENDE_OUTPUT_DIR= (empty): no copies on disk
        return value

    @field_validator("retention_years", mode="before")
    @classmethod
    def _positive_years(cls, value: object) -> object:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None  # unset: keep every round
        text = str(value).strip()
        if not text.isdigit() or int(text) < 1:
            raise ValueError("skal være et helt antal år, mindst 1")
        return int(text)

    @field_validator("file_retention_days", mode="before")
    @classmethod
    def _positive_days(cls, value: object) -> object:
        text = str(value).strip()
        if not text.isdigit() or int(text) < 1:
            raise ValueError("skal være et helt antal dage, mindst 1")
        return int(text)

    @field_validator("http_header_timeout", "http_body_timeout", mode="before")
    @classmethod
    def _seconds(cls, value: object) -> object:
        try:
            seconds = float(str(value).strip())
        except ValueError:
            seconds = -1.0
        if not 0 < seconds <= 600:
            raise ValueError("skal være et antal sekunder over 0 og højst 600")
        return seconds

    @field_validator("admins")
    @classmethod
    def _admin_ids(cls, value: str) -> str:
        for entry in filter(None, (e.strip() for e in value.split(","))):
            if len(entry.split(":", 2)) != 3 or not all(entry.split(":", 2)):
                raise ValueError(f"{entry[:60]!r}: skriv platform:arbejdsområde:bruger")
        return value

    @field_validator("data_controller")
    @classmethod
    def _controller(cls, value: str) -> str:
        value = " ".join(value.split())  # one line on the pages, whatever the file held
        if len(value) > CONTROLLER_MAX:
            raise ValueError(f"højst {CONTROLLER_MAX} tegn (navn og kontakt)")
        return value

    @field_validator("public_url")
    @classmethod
    def _web_address(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if value and not value.startswith(("https://", "http://")):
            raise ValueError("skriv en adresse som https://bot.example.dk")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"ukendt tidszone {value!r}") from exc
        return value


CONSOLE_OUTPUT_DIR = Path("out")
# Where the console serves its board while it runs (bot/http/app.serve_board_here), which is
# also `lovende serve`'s default address: the console's board links open there.
CONSOLE_PUBLIC_URL = "http://127.0.0.1:3978"


def for_console(settings: Settings) -> Settings:
    """The console (and the demo) shows where a generated file is on disk: unless
    LOVENDE_OUTPUT_DIR says where, it keeps its copies in `out`. Its `tavle` links point at
    the board it serves on this machine unless a public address is set."""
    update: dict[str, object] = {}
    if settings.output_dir is None:
        update["output_dir"] = CONSOLE_OUTPUT_DIR
    if not settings.public_url and not os.environ.get("TEAMS_PUBLIC_URL"):
        update["public_url"] = CONSOLE_PUBLIC_URL  # `tavle` links to the console's board
    return settings.model_copy(update=update) if update else settings


def _variable_name(loc: tuple[int | str, ...]) -> str:
    field = str(loc[0]) if loc else "?"
    if field.isupper():  # reported under its alias, which is the variable's own name
        return field
    return "DATABASE_URL" if field == "database_url" else f"LOVENDE_{field.upper()}"


def load_settings(**overrides: object) -> Settings:
    """Read the settings; raise ConfigError with a one-line, variable-naming message."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        message = str(first.get("msg", "ugyldig værdi")).removeprefix("Value error, ")
        raise ConfigError(f"{_variable_name(first['loc'])}: {message}") from exc
