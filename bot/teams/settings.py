"""Teams settings from the environment (and `.env`), in botbuilder's names and ours.

    MICROSOFT_APP_ID / MicrosoftAppId             the bot's Entra (Azure AD) app id
    MICROSOFT_APP_PASSWORD / MicrosoftAppPassword its client secret
    MICROSOFT_APP_TENANT_ID / MicrosoftAppTenantId the tenant (SingleTenant apps only)
    MICROSOFT_APP_TYPE / MicrosoftAppType          MultiTenant (default) or SingleTenant
    TEAMS_LOCAL_DEV      true: allow an empty app id (no authentication!) for local testing
    TEAMS_PUBLIC_URL     https://bot.example.dk – where Teams fetches images and files
    TEAMS_FILE_TTL_HOURS how long such links work (default 24)

With an app id and password the JWT of every request is validated; with an empty app id the
adapter runs only when TEAMS_LOCAL_DEV=true. With none of these set, Teams is simply off.

TEAMS_LOCAL_DEV without an app id is for this machine only (the Microsoft 365 Agents Playground
talks to http://127.0.0.1:3978): the server must listen on loopback (`check_bind`),
TEAMS_PUBLIC_URL must be on loopback too (a public address means a tunnel or proxy would put
the unauthenticated endpoint on the internet), and activities are refused unless they come
straight from this machine and name a loopback serviceUrl (mount.py).
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlparse

from pydantic import AliasChoices, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.settings import ConfigError

APP_TYPES = ("MultiTenant", "SingleTenant")


def _alias(*names: str) -> AliasChoices:
    return AliasChoices(*names)


class TeamsSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    app_id: str = Field(default="", validation_alias=_alias("MICROSOFT_APP_ID", "MicrosoftAppId"))
    app_password: str = Field(
        default="", validation_alias=_alias("MICROSOFT_APP_PASSWORD", "MicrosoftAppPassword")
    )
    app_tenant_id: str = Field(
        default="",
        validation_alias=_alias(
            "MICROSOFT_APP_TENANT_ID", "MICROSOFT_APP_TENANTID", "MicrosoftAppTenantId"
        ),
    )
    app_type: str = Field(
        default="", validation_alias=_alias("MICROSOFT_APP_TYPE", "MicrosoftAppType")
    )
    local_dev: bool = Field(default=False, validation_alias=_alias("TEAMS_LOCAL_DEV"))
    public_url: str = Field(default="", validation_alias=_alias("TEAMS_PUBLIC_URL"))
    file_ttl_hours: float = Field(
        default=24.0, gt=0, le=24 * 30, validation_alias=_alias("TEAMS_FILE_TTL_HOURS")
    )

    @field_validator("app_type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        if not value:
            return value
        for known in APP_TYPES:
            if value.casefold() == known.casefold():
                return known
        raise ValueError("brug MultiTenant eller SingleTenant")

    @field_validator("public_url")
    @classmethod
    def _url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if value and urlparse(value).scheme not in ("http", "https"):
            raise ValueError("skal begynde med https://")
        return value

    @property
    def configured(self) -> bool:
        """Any Teams setting at all? Without one the adapter stays off (Slack/console only)."""
        return bool(
            self.app_id
            or self.app_password
            or self.app_tenant_id
            or self.app_type
            or self.public_url
            or self.local_dev
        )

    @property
    def authenticated(self) -> bool:
        return bool(self.app_id)

    @property
    def local_only(self) -> bool:
        """Unauthenticated local development: everything must stay on this machine."""
        return self.local_dev and not self.app_id

    def check(self) -> None:
        """Refuse contradictory or unsafe settings with one line that names the variable."""
        if not self.app_id:
            if not self.local_dev:
                raise ConfigError(
                    "MICROSOFT_APP_ID: mangler – sæt MICROSOFT_APP_ID og MICROSOFT_APP_PASSWORD "
                    "(eller TEAMS_LOCAL_DEV=true kun til lokal udvikling uden godkendelse)"
                )
            if self.public_url and not is_loopback(urlparse(self.public_url).hostname):
                raise ConfigError(
                    "TEAMS_PUBLIC_URL: med TEAMS_LOCAL_DEV=true skal adressen være på denne "
                    "maskine (fx http://127.0.0.1:3978) – en offentlig adresse kræver "
                    "MICROSOFT_APP_ID og MICROSOFT_APP_PASSWORD"
                )
            return
        if not self.app_password:
            raise ConfigError("MICROSOFT_APP_PASSWORD: mangler for MICROSOFT_APP_ID")
        if self.app_type == "SingleTenant" and not self.app_tenant_id:
            raise ConfigError("MICROSOFT_APP_TENANT_ID: mangler (påkrævet for SingleTenant)")

    def check_bind(self, host: str) -> None:
        """Refuse to listen beyond this machine without authentication."""
        if self.local_only and not is_loopback(host):
            raise ConfigError(
                f"TEAMS_LOCAL_DEV: uden godkendelse lytter botten kun på 127.0.0.1, ::1 eller "
                f"localhost – start med --host 127.0.0.1 (ikke {host or 'alle adresser'})"
            )

    def botbuilder_config(self) -> object:
        """The configuration object botbuilder's ConfigurationBotFrameworkAuthentication reads."""

        class _Config:
            APP_ID = self.app_id
            APP_PASSWORD = self.app_password
            APP_TYPE = self.app_type or "MultiTenant"
            APP_TENANTID = self.app_tenant_id

        return _Config()


_VARIABLES = {
    "app_id": "MICROSOFT_APP_ID",
    "app_password": "MICROSOFT_APP_PASSWORD",
    "app_tenant_id": "MICROSOFT_APP_TENANT_ID",
    "app_type": "MICROSOFT_APP_TYPE",
    "local_dev": "TEAMS_LOCAL_DEV",
    "public_url": "TEAMS_PUBLIC_URL",
    "file_ttl_hours": "TEAMS_FILE_TTL_HOURS",
}


def load_teams_settings(**overrides: object) -> TeamsSettings:
    """Read the Teams settings; raise ConfigError with a one-line, variable-naming message."""
    try:
        return TeamsSettings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first.get("loc") else "?"
        name = _VARIABLES.get(field, field)
        message = str(first.get("msg", "ugyldig værdi")).removeprefix("Value error, ")
        raise ConfigError(f"{name}: {message}") from exc


def is_loopback(host: str | None) -> bool:
    """127.0.0.0/8, ::1 or localhost (an IPv6 address may come in brackets)."""
    if not host:
        return False
    name = host.strip("[]").casefold()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False
