"""Slack settings from the environment (`SLACK_*`), and what the app asks Slack for.

Three ways to run:
- one workspace: SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET;
- many workspaces (OAuth install): SLACK_CLIENT_ID + SLACK_CLIENT_SECRET + SLACK_SIGNING_SECRET;
- Socket Mode for development: SLACK_BOT_TOKEN + SLACK_APP_TOKEN (`lovende serve --socket-mode`).
Nothing set: Slack is off. A bad combination stops the bot with one line naming the variable.
"""

from __future__ import annotations

from pydantic import SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.settings import ConfigError

COMMAND = "/lovende"
# Exactly what the code uses; deploy/slack-manifest.yaml must list the same (a test checks).
BOT_SCOPES = (
    "app_mentions:read",  # app_mention events
    "channels:join",  # join a public channel before posting or uploading there
    "chat:write",  # chat.postMessage, chat.update, chat.postEphemeral
    "commands",  # the /lovende slash command
    "files:write",  # files_upload_v2 (charts, reports)
    "im:history",  # message.im events (commands in the bot's DM)
    "im:write",  # conversations.open for private nudges
    "users:read",  # users.info for display names
    # conversations.history/.replies, only to find the bot's own message (by its metadata
    # marker) after chat.postMessage got no answer, before posting it again; no message events
    "channels:history",
    "groups:history",  # the same in private channels
)
BOT_EVENTS = ("app_home_opened", "app_mention", "app_uninstalled", "message.im", "tokens_revoked")


class SlackSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="SLACK_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    bot_token: SecretStr | None = None
    signing_secret: SecretStr | None = None
    client_id: str | None = None
    client_secret: SecretStr | None = None
    app_token: SecretStr | None = None
    redirect_uri: str | None = None
    api_base_url: str = "https://slack.com/api/"

    @field_validator("bot_token")
    @classmethod
    def _bot_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xoxb-"):
            raise ValueError("et bot-token begynder med xoxb-")
        return value

    @field_validator("app_token")
    @classmethod
    def _app_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xapp-"):
            raise ValueError(
                "et app-token begynder med xapp- (Basic Information → App-Level Tokens)"
            )
        return value

    @field_validator("api_base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError("skal være en http(s)-adresse")
        return value if value.endswith("/") else value + "/"

    @property
    def oauth(self) -> bool:
        return self.client_id is not None

    @property
    def configured(self) -> bool:
        secrets = (self.bot_token, self.signing_secret, self.client_secret, self.app_token)
        return self.client_id is not None or any(s is not None for s in secrets)

    def check(self, socket_mode: bool) -> None:
        """Raise ConfigError for a combination that cannot work."""
        if self.bot_token and self.client_id:
            raise ConfigError(
                "SLACK_CLIENT_ID: vælg én tilstand – SLACK_BOT_TOKEN (ét workspace) "
                "eller SLACK_CLIENT_ID/SLACK_CLIENT_SECRET (OAuth, flere workspaces)"
            )
        if self.client_id and not self.client_secret:
            raise ConfigError("SLACK_CLIENT_SECRET: mangler (kræves sammen med SLACK_CLIENT_ID)")
        if not self.bot_token and not self.client_id:
            raise ConfigError(
                "SLACK_BOT_TOKEN: mangler (eller SLACK_CLIENT_ID og SLACK_CLIENT_SECRET)"
            )
        if socket_mode:
            if self.app_token is None:
                raise ConfigError("SLACK_APP_TOKEN: mangler (kræves af --socket-mode)")
            if self.oauth:
                raise ConfigError(
                    "SLACK_CLIENT_ID: Socket Mode er til udvikling med ét workspace – "
                    "brug SLACK_BOT_TOKEN"
                )
        elif self.signing_secret is None:
            raise ConfigError("SLACK_SIGNING_SECRET: mangler (Basic Information → Signing Secret)")


def load_slack_settings(*, socket_mode: bool = False, **overrides: object) -> SlackSettings | None:
    """The Slack settings, or None when no Slack variable is set at all."""
    try:
        settings = SlackSettings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = f"SLACK_{str(first['loc'][0]).upper()}" if first["loc"] else "SLACK_*"
        message = str(first.get("msg", "ugyldig værdi")).removeprefix("Value error, ")
        raise ConfigError(f"{name}: {message}") from exc
    if not settings.configured:
        return None
    settings.check(socket_mode)
    return settings
