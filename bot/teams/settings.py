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
"""

from __future__ import annotations

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

    def check(self) -> None:
        """Refuse contradictory or unsafe settings with one line that names the variable."""
        if not self.app_id:
            if not self.local_dev:
                raise ConfigError(
                    "MICROSOFT_APP_ID: mangler – sæt MICROSOFT_APP_ID og MICROSOFT_APP_PASSWORD "
                    "(eller TEAMS_LOCAL_DEV=true kun til lokal udvikling uden godkendelse)"
                )
            return
        if not self.app_password:
            raise ConfigError("MICROSOFT_APP_PASSWORD: mangler for MICROSOFT_APP_ID")
        if self.app_type == "SingleTenant" and not self.app_tenant_id:
            raise ConfigError("MICROSOFT_APP_TENANT_ID: mangler (påkrævet for SingleTenant)")

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
