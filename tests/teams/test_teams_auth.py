"""Authentication and start-up rules: with an app id every request needs a valid Bot Framework
JWT; an empty app id runs only with TEAMS_LOCAL_DEV; no Teams settings means no Teams."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import jwt
import pytest
from aiohttp import web

from bot import cli
from bot.clock import FakeClock
from bot.http.app import create_app
from bot.runtime import build_runtime
from bot.settings import ConfigError, load_settings
from bot.teams.mount import TEAMS, mount
from bot.teams.settings import load_teams_settings
from bot.teams.testing import FakeConnector, TeamsBot, message, running_bot, teams_settings

APP_ID = "4b1c5e2a-0000-4000-8000-00000000b07a"


@pytest.fixture
async def secured(
    database_url: str, clock: FakeClock, connector: FakeConnector
) -> AsyncIterator[TeamsBot]:
    settings = teams_settings(app_id=APP_ID, app_password="hemmelig-klient-nøgle")
    async with running_bot(database_url, clock, connector, settings) as bot:
        yield bot


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
    assert await secured.rows_kept() == 0
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


# ---- TEAMS_LOCAL_DEV: this machine only (issue 15.11) ----


def test_local_development_refuses_to_listen_beyond_this_machine(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env of the developer's
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}")
    monkeypatch.setenv("TEAMS_LOCAL_DEV", "true")
    assert cli.main(["serve", "--host", "0.0.0.0", "--port", "0"]) == 2
    error = capsys.readouterr().err.strip()
    assert "\n" not in error and "TEAMS_LOCAL_DEV" in error and "--host 127.0.0.1" in error

    local = teams_settings(local_dev=True)
    for host in ("127.0.0.1", "127.0.0.53", "::1", "[::1]", "localhost", "LOCALHOST"):
        local.check_bind(host)
    for host in ("0.0.0.0", "::", "", "192.168.1.20", "10.0.0.7", "bot.example.dk"):
        with pytest.raises(ConfigError, match=r"^TEAMS_LOCAL_DEV: "):
            local.check_bind(host)
    # With an app id every request is authenticated: any address will do.
    teams_settings(app_id=APP_ID, app_password="x", local_dev=True).check_bind("0.0.0.0")


@pytest.mark.parametrize(
    "url", ["https://bot.example.dk", "http://192.168.1.20:3978", "https://127.0.0.1.nip.io"]
)
def test_local_development_refuses_a_public_address(url: str) -> None:
    """A public TEAMS_PUBLIC_URL means a tunnel or proxy in front of an unauthenticated bot."""
    with pytest.raises(ConfigError, match=r"^TEAMS_PUBLIC_URL: .*TEAMS_LOCAL_DEV") as refused:
        teams_settings(local_dev=True, public_url=url).check()
    assert "\n" not in str(refused.value)
    for local in ("http://127.0.0.1:3978", "http://localhost:3978", "http://[::1]:3978"):
        teams_settings(local_dev=True, public_url=local).check()


@pytest.mark.parametrize(
    ("service_url", "headers", "status"),
    [
        ("https://smba.trafficmanager.net/emea/", {}, 403),
        ("http://10.0.0.7:8080/", {}, 403),
        ("http://127.0.0.1.evil.example/", {}, 403),
        ("ftp://127.0.0.1/", {}, 403),
        (None, {}, 403),
        ("<connector>", {"X-Forwarded-For": "203.0.113.9"}, 403),
        ("<connector>", {"Forwarded": "for=203.0.113.9"}, 403),
    ],
    ids=["azure", "lan", "lookalike", "ftp", "none", "x-forwarded-for", "forwarded"],
)
async def test_local_development_answers_only_activities_from_and_for_this_machine(
    teams_bot: TeamsBot, service_url: str | None, headers: dict[str, str], status: int
) -> None:
    connector = teams_bot.connector
    activity = message("Anna", "start Recovery", connector.url)
    if service_url is None:
        del activity["serviceUrl"]
    elif service_url != "<connector>":
        activity["serviceUrl"] = service_url
    response = await teams_bot.client.post("/api/messages", json=activity, headers=headers)
    assert response.status == status
    assert await teams_bot.rows_kept() == 0 and connector.calls == []
    broken = await teams_bot.client.post(
        "/api/messages", data="{", headers={"Content-Type": "application/json"}
    )
    assert broken.status == 400
    # control: the same activity, straight from this machine, for the connector on loopback
    fine = message("Anna", "start Recovery", connector.url)
    assert (await teams_bot.client.post("/api/messages", json=fine)).status == 201
    await teams_bot.teams.settle()
    assert connector.posts()
