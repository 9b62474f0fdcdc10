"""Configuration: modes, one-line errors naming the variable, the manifest matching the code,
the installation tables matching slack-sdk's, and the `serve` command's Slack options."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from aiohttp import web
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import MetaData, Table

from bot import cli
from bot.clock import FakeClock
from bot.http.app import create_app
from bot.runtime import build_runtime
from bot.settings import ConfigError, load_settings
from bot.slack.mount import SLACK
from bot.slack.settings import BOT_EVENTS, BOT_SCOPES, COMMAND, load_slack_settings
from storage import slack_models

ROOT = Path(__file__).resolve().parents[2]
SLACK_VARS = (
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_CLIENT_ID",
    "SLACK_CLIENT_SECRET",
    "SLACK_APP_TOKEN",
    "SLACK_REDIRECT_URI",
    "SLACK_API_BASE_URL",
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in SLACK_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no .env file


def test_nothing_set_means_slack_is_off() -> None:
    assert load_slack_settings() is None


@pytest.mark.parametrize(
    ("env", "socket", "variable"),
    [
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, False, "SLACK_SIGNING_SECRET"),
        ({"SLACK_SIGNING_SECRET": "s"}, False, "SLACK_BOT_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xoxp-user", "SLACK_SIGNING_SECRET": "s"}, False, "SLACK_BOT_TOKEN"),
        (
            {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_CLIENT_ID": "1", "SLACK_CLIENT_SECRET": "2"},
            False,
            "SLACK_CLIENT_ID",
        ),
        ({"SLACK_CLIENT_ID": "1", "SLACK_SIGNING_SECRET": "s"}, False, "SLACK_CLIENT_SECRET"),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, True, "SLACK_APP_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xoxb-2"}, True, "SLACK_APP_TOKEN"),
        (
            {"SLACK_API_BASE_URL": "ftp://x", "SLACK_BOT_TOKEN": "xoxb-1"},
            False,
            "SLACK_API_BASE_URL",
        ),
    ],
)
def test_bad_combinations_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], socket: bool, variable: str
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as err:
        load_slack_settings(socket_mode=socket)
    message = str(err.value)
    assert message.startswith(variable + ":") and "\n" not in message
    assert "xoxb-1" not in message  # never a token in a message


def test_the_three_modes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s")
    single = load_slack_settings()
    assert single is not None and not single.oauth
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1")
    assert load_slack_settings(socket_mode=True) is not None
    monkeypatch.delenv("SLACK_BOT_TOKEN")
    monkeypatch.setenv("SLACK_CLIENT_ID", "1.2")
    monkeypatch.setenv("SLACK_CLIENT_SECRET", "x")
    many = load_slack_settings()
    assert many is not None and many.oauth


async def test_mount_adds_routes_and_the_port_only_when_configured(
    monkeypatch: pytest.MonkeyPatch, sqlite_url: str
) -> None:
    runtime = await build_runtime(load_settings(database_url=sqlite_url), FakeClock())
    try:
        bare = create_app(runtime, adapters=("bot.slack.mount",))
        assert not [p for p in paths(bare) if p.startswith("/slack")]
        assert "slack" not in runtime.ports
        monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
        monkeypatch.setenv("SLACK_SIGNING_SECRET", "s")
        app = create_app(runtime, adapters=("bot.slack.mount",))
        assert "/slack/events" in paths(app) and "/slack/install" not in paths(app)
        assert "slack" in runtime.ports
        monkeypatch.delenv("SLACK_BOT_TOKEN")
        monkeypatch.setenv("SLACK_CLIENT_ID", "1.2")
        monkeypatch.setenv("SLACK_CLIENT_SECRET", "x")
        oauth = create_app(runtime, adapters=("bot.slack.mount",))
        assert {"/slack/events", "/slack/install", "/slack/oauth_redirect"} <= paths(oauth)
        assert oauth[SLACK].store is not None
    finally:
        await runtime.close()


def paths(app: web.Application) -> set[str]:
    return {r.resource.canonical for r in app.router.routes() if r.resource}


def manifest() -> str:
    return (ROOT / "deploy" / "slack-manifest.yaml").read_text(encoding="utf-8")


def yaml_list(text: str, key: str) -> list[str]:
    match = re.search(rf"^(\s*){re.escape(key)}:\n((?:\1  - .*\n)+)", text, re.M)
    assert match is not None, key
    return [line.split("- ", 1)[1].strip() for line in match.group(2).splitlines()]


def test_the_manifest_asks_exactly_for_what_the_code_uses() -> None:
    text = manifest()
    assert yaml_list(text, "bot") == sorted(BOT_SCOPES)
    assert yaml_list(text, "bot_events") == sorted(BOT_EVENTS)
    assert f"command: {COMMAND}" in text
    urls = re.findall(r"(?:url|request_url): (\S+)", text)
    assert urls and all(u == "https://example.org/slack/events" for u in urls)
    assert "https://example.org/slack/oauth_redirect" in yaml_list(text, "redirect_urls")


def columns(table: Table) -> list[tuple[str, str, bool]]:
    return [(c.name, repr(c.type), bool(c.nullable)) for c in table.columns]


def test_our_installation_tables_are_slack_sdks() -> None:
    meta = MetaData()
    sdk = SQLAlchemyInstallationStore
    assert columns(slack_models.slack_installations) == columns(
        sdk.build_installations_table(meta, "slack_installations")
    )
    assert columns(slack_models.slack_bots) == columns(sdk.build_bots_table(meta, "slack_bots"))
    states = SQLAlchemyOAuthStateStore.build_oauth_states_table(meta, "slack_oauth_states")
    assert columns(slack_models.slack_oauth_states) == columns(states)


def test_serve_reports_a_slack_setting_in_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    assert cli.main(["serve", "--port", "0"]) == 2
    assert (
        capsys.readouterr()
        .err.strip()
        .endswith("SLACK_SIGNING_SECRET: mangler (Basic Information → Signing Secret)")
    )
    assert cli.main(["serve", "--socket-mode", "--port", "0"]) == 2
    assert "SLACK_APP_TOKEN: mangler" in capsys.readouterr().err
