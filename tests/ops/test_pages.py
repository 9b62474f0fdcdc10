"""/privacy and /terms through the whole web app: Danish by default, English with ?lang=en, the
operator's own values filled in, a strict Content-Security-Policy, nothing loaded from
elsewhere; and both app manifests (Slack's and the Teams package's) link exactly these pages."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import zipfile
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
import yaml
from aiohttp.test_utils import TestClient, TestServer

from bot.clock import FakeClock
from bot.http.app import create_app
from bot.runtime import build_runtime
from bot.settings import ConfigError, load_settings
from bot.teams.package import build, values_for

ROOT = Path(__file__).resolve().parents[2]
CONTROLLER = "Eksempel Kommune, Rådhuset, 1234 By – dpo@eksempel.dk"
APP_ID = "4b1c5e2a-0000-4000-8000-00000000b07a"

PRIVACY_DA = [
    "Dataansvarlig",
    "Hvad gemmes",
    "Hvor gemmes det",
    "Hvor længe",
    "Sådan får I data ud – og sletter dem",
    "Hvem får data",
    "Dine rettigheder",
]
PRIVACY_EN = [
    "Data controller",
    "What is stored",
    "Where it is stored",
    "For how long",
    "How to get your data out – and delete it",
    "Who receives data",
    "Your rights",
]
TERMS_DA = ["Hvad botten gør", "Hvad I skriver", "Roller", "Drift", "Jeres data"]
TERMS_EN = ["What the bot does", "What you write", "Roles", "Operation", "Your data"]

Get = Callable[..., Awaitable[tuple[int, dict[str, str], str]]]


@pytest.fixture
async def pages(sqlite_url: str, clock: FakeClock) -> AsyncIterator[Get]:
    """GET a path on the whole app, built with the settings the test names."""
    opened: list[tuple[TestClient[Any, Any], Any]] = []

    async def get(path: str, **settings: Any) -> tuple[int, dict[str, str], str]:
        runtime = await build_runtime(load_settings(database_url=sqlite_url, **settings), clock)
        client: TestClient[Any, Any] = TestClient(
            TestServer(create_app(runtime, adapters=(), background=False), port=0)
        )
        await client.start_server()
        opened.append((client, runtime))
        response = await client.get(path)
        return response.status, dict(response.headers), await response.text()

    yield get
    for client, runtime in opened:
        await client.close()
        await runtime.close()


def headings(page: str, level: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", h) for h in re.findall(rf"<{level}>(.*?)</{level}>", page)]


def text_of(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page))


async def test_the_privacy_page_is_danish_with_the_operators_values(pages: Get) -> None:
    status, headers, page = await pages("/privacy", data_controller=CONTROLLER, retention_years=5)
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["Content-Language"] == "da" and '<html lang="da">' in page
    assert headings(page, "h1") == ["Privatlivspolitik for Lovende praksis"]
    assert headings(page, "h2") == PRIVACY_DA
    text = text_of(page)
    assert f"Dataansvarlig for det, botten gemmer, er: {CONTROLLER}." in text
    assert "slettes automatisk 5 år efter, at de blev lukket" in text
    for said in ("eksporter-data", "slet-data bekræft", "inden for 15 minutter", "CPR-nummer"):
        assert said in text, said
    for stored in ("svar og kommentarer", "aftaler", "refleksionsmøder", "selvevalueringer"):
        assert stored in text, stored
    assert "Ingen tredjeparter" in text
    assert '<a href="/privacy?lang=en" hreflang="en" lang="en">English</a>' in page
    assert '<a href="/terms">Vilkår for brug af Lovende praksis</a>' in page


async def test_english_with_the_parameter(pages: Get) -> None:
    status, headers, page = await pages(
        "/privacy?lang=en", data_controller=CONTROLLER, retention_years=3
    )
    assert status == 200 and headers["Content-Language"] == "en"
    assert '<html lang="en">' in page
    assert headings(page, "h1") == ["Privacy policy for Lovende praksis"]
    assert headings(page, "h2") == PRIVACY_EN
    text = text_of(page)
    assert "deleted automatically 3 years after they were closed" in text
    assert "export-data" in text and "delete-data confirm" in text
    assert '<a href="/privacy?lang=da" hreflang="da" lang="da">Dansk</a>' in page
    assert '<a href="/terms?lang=en">' in page
    # an unknown language is Danish
    _, _, unknown = await pages("/privacy?lang=xx")
    assert headings(unknown, "h1") == ["Privatlivspolitik for Lovende praksis"]


async def test_unset_controller_and_retention_are_said_plainly(pages: Get) -> None:
    _, _, da = await pages("/privacy", data_controller="", retention_years=None)
    text = text_of(da)
    assert "har ikke oplyst, hvem der er dataansvarlig" in text
    assert "(indstillingen LOVENDE_DATA_CONTROLLER er ikke sat)" in text
    assert "har ikke sat en opbevaringsperiode (LOVENDE_RETENTION_YEARS)" in text
    assert "slettes automatisk" not in text
    _, _, terms = await pages("/terms?lang=en", data_controller="")
    assert "it has not given its name" in text_of(terms)


async def test_the_terms_page_in_both_languages(pages: Get) -> None:
    status, headers, da = await pages("/terms", data_controller=CONTROLLER)
    assert status == 200 and headers["Content-Language"] == "da"
    assert headings(da, "h1") == ["Vilkår for brug af Lovende praksis"]
    assert headings(da, "h2") == TERMS_DA
    assert f"Botten drives af {CONTROLLER}." in text_of(da)
    assert '<a href="/privacy">Privatlivspolitik for Lovende praksis</a>' in da
    status, _, en = await pages("/terms?lang=en")
    assert status == 200
    assert headings(en, "h1") == ["Terms of use for Lovende praksis"]
    assert headings(en, "h2") == TERMS_EN


@pytest.mark.parametrize("path", ["/privacy", "/privacy?lang=en", "/terms", "/terms?lang=en"])
async def test_a_strict_policy_and_nothing_from_elsewhere(pages: Get, path: str) -> None:
    _, headers, page = await pages(path, data_controller='<script>alert("x")</script>')
    policy = dict(
        part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";")
    )
    style = re.search(r"<style>(.*?)</style>", page, re.S)
    assert style is not None
    digest = base64.b64encode(hashlib.sha256(style.group(1).encode()).digest()).decode()
    assert policy == {
        "default-src": "'none'",
        "style-src": f"'sha256-{digest}'",  # the page's own style block, and nothing else
        "base-uri": "'none'",
        "form-action": "'none'",
        "frame-ancestors": "'none'",
    }
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert "<script" not in page and "src=" not in page and "<link" not in page
    assert "http://" not in page and "https://" not in page and "//" not in page.split("<body>")[1]
    if "privacy" in path:  # the setting is text, never markup
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def slack_manifest_links() -> list[str]:
    manifest = yaml.safe_load((ROOT / "deploy" / "slack-manifest.yaml").read_text("utf-8"))
    about = manifest["display_information"]["long_description"]
    assert 175 <= len(about) <= 4000  # Slack's limits for the long description
    return re.findall(r"https://example\.org/\S+", about)


def teams_manifest_links(tmp_path: Path) -> list[str]:
    values = values_for(APP_ID, "https://bot.example.dk", env={})
    with zipfile.ZipFile(build(tmp_path / "lovende.zip", values)) as package:
        developer = json.loads(package.read("manifest.json"))["developer"]
    return [developer["privacyUrl"], developer["termsOfUseUrl"]]


async def test_both_manifests_link_the_pages_the_bot_serves(pages: Get, tmp_path: Path) -> None:
    slack = slack_manifest_links()
    teams = teams_manifest_links(tmp_path)
    assert slack == ["https://example.org/privacy", "https://example.org/terms"]
    assert teams == ["https://bot.example.dk/privacy", "https://bot.example.dk/terms"]
    for link in slack + teams:
        status, headers, _ = await pages(urlparse(link).path)
        assert status == 200 and headers["Content-Type"].startswith("text/html"), link


def test_the_data_controller_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOVENDE_DATA_CONTROLLER", "  Eksempel Kommune,\n  dpo@eksempel.dk ")
    assert load_settings(_env_file=None).data_controller == "Eksempel Kommune, dpo@eksempel.dk"
    monkeypatch.setenv("LOVENDE_DATA_CONTROLLER", "x" * 301)
    with pytest.raises(ConfigError, match=r"^LOVENDE_DATA_CONTROLLER: højst 300 tegn"):
        load_settings(_env_file=None)
    monkeypatch.delenv("LOVENDE_DATA_CONTROLLER")
    assert load_settings(_env_file=None).data_controller == ""
