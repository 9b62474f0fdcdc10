"""Authentication and start-up rules: with an app id every request needs a valid Bot Framework
JWT; an empty app id runs only with TEAMS_LOCAL_DEV; no Teams settings means no Teams."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import jwt
import pytest
from aiohttp import web
from sqlalchemy import func, select

from bot.clock import FakeClock
from bot.http.app import create_app
from bot.runtime import build_runtime
from bot.settings import ConfigError, load_settings
from bot.teams.mount import TEAMS, mount
from bot.teams.settings import load_teams_settings
from bot.teams.testing import FakeConnector, TeamsBot, message, start_bot, teams_settings
from storage.models import ProcessedEvent, Workspace
from storage.teams_models import TeamsConversation, TeamsMember

APP_ID = "4b1c5e2a-0000-4000-8000-00000000b07a"


@pytest.fixture
async def secured(
    database_url: str, clock: FakeClock, connector: FakeConnector
) -> AsyncIterator[TeamsBot]:
    settings = teams_settings(app_id=APP_ID, app_password="hemmelig-klient-nøgle")
    bot, client = await start_bot(database_url, clock, connector, settings)
    try:
        yield bot
    finally:
        await client.close()
        await bot.runtime.close()


async def stored(bot: TeamsBot) -> int:
    total = 0
    async with bot.runtime.sessions() as session:
        for model in (TeamsConversation, TeamsMember, ProcessedEvent, Workspace):
            total += int(await session.scalar(select(func.count()).select_from(model)) or 0)
    return total


def forged_token(issuer: str) -> str:
    claims = {"iss": issuer, "aud": APP_ID, "serviceurl": "http://127.0.0.1/", "exp": 4102444800}
    return jwt.encode(claims, "not-microsofts-key-" * 4, algorithm="HS256")


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "Bearer ",
        "Basic YW5uYTpoZW1tZWxpZw==",
        "Bearer not-a-jwt",
        f"Bearer {forged_token('https://evil.example')}",
    ],
    ids=["none", "empty", "basic", "garbage", "foreign-issuer"],
)
async def test_without_a_valid_jwt_the_request_is_refused_and_nothing_is_stored(
    secured: TeamsBot, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization is not None else {}
    activity = message("Anna", "start Recovery", secured.connector.url)
    response = await secured.client.post("/api/messages", json=activity, headers=headers)
    assert response.status == 401
    assert await stored(secured) == 0
    assert secured.connector.calls == []


def test_an_empty_app_id_without_local_development_refuses_to_start() -> None:
    with pytest.raises(ConfigError, match=r"^MICROSOFT_APP_ID: .*TEAMS_LOCAL_DEV"):
        teams_settings(public_url="https://bot.example.dk").check()


@pytest.mark.parametrize(
    ("values", "variable"),
    [
        ({"app_id": APP_ID}, "MICROSOFT_APP_PASSWORD"),
        (
            {"app_id": APP_ID, "app_password": "x", "app_type": "SingleTenant"},
            "MICROSOFT_APP_TENANT_ID",
        ),
    ],
)
def test_incomplete_credentials_name_the_missing_variable(
    values: dict[str, Any], variable: str
) -> None:
    with pytest.raises(ConfigError, match=f"^{variable}: "):
        teams_settings(**values).check()


async def test_mount_refuses_with_one_line_and_does_nothing_without_settings(
    sqlite_url: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime = await build_runtime(load_settings(database_url=sqlite_url), clock)
    try:
        app = create_app(runtime, adapters=())
        assert mount(app, runtime, teams_settings()) is None  # console/Slack-only deployment
        assert TEAMS not in app and "teams" not in runtime.ports
        with pytest.raises(ConfigError) as refused:
            mount(web.Application(), runtime, teams_settings(app_type="MultiTenant"))
        assert "\n" not in str(refused.value) and "MICROSOFT_APP_ID" in str(refused.value)
        # the same through the environment, with botbuilder's spelling of the names
        monkeypatch.setenv("MicrosoftAppId", APP_ID)
        monkeypatch.setenv("MicrosoftAppPassword", "hemmelig")
        monkeypatch.setenv("MicrosoftAppType", "singletenant")
        monkeypatch.setenv("MicrosoftAppTenantId", "tenant-1")
        monkeypatch.setenv("TEAMS_PUBLIC_URL", "https://bot.example.dk/")
        settings = load_teams_settings(_env_file=None)
        assert (settings.app_id, settings.app_type, settings.app_tenant_id) == (
            APP_ID,
            "SingleTenant",
            "tenant-1",
        )
        assert settings.public_url == "https://bot.example.dk"
        teams = mount(create_app(runtime, adapters=()), runtime)
        assert teams is not None and runtime.ports["teams"] is teams.port
        monkeypatch.setenv("TEAMS_FILE_TTL_HOURS", "soon")
        with pytest.raises(ConfigError, match=r"^TEAMS_FILE_TTL_HOURS: "):
            load_teams_settings(_env_file=None)
    finally:
        await runtime.close()
