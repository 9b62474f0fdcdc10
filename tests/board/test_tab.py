"""The board as a Teams channel tab: the manifest declares it, `tavle fane` gives the
facilitator a code privately (stored hashed, a year long, ended by `tavle luk` and
`slet-data`), the set-up page (framed by Teams only) exchanges a code for the tab's settings —
only a live tab code of exactly that channel and tenant; everything else gets the same bare
404 — and the tab's address shows the board, framed by Teams only. On SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from datetime import timedelta
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
import yaml
from aiohttp.test_utils import TestClient
from board_helpers import CODE, PUBLIC_URL, code_in, link_in
from sqlalchemy import select

from bot.cli import main
from bot.clock import FakeClock
from bot.http.board import CSP, TAB_CSP, TEAMS_JS
from bot.teams.testing import CHANNEL, GROUP_CHAT, TENANT, TeamsBot, bot_added
from bot.testing import BotHarness, Place, texts
from dialogs.board.model import token_hash
from dialogs.messages import ToActorOnly, ToMember
from storage.board import BoardLink

APP_ID = "4b1c5e2a-0000-4000-8000-00000000b07a"
TEAMS_HOSTS = ("https://teams.microsoft.com", "https://*.teams.microsoft.com")


@pytest.fixture(autouse=True)
def _public_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOVENDE_PUBLIC_URL", PUBLIC_URL)


def teams_channel(bot: BotHarness, channel: str = CHANNEL) -> Place:
    """A Teams channel of the test tenant, in the harness's database."""
    return bot.place("teams", TENANT, channel)


async def tab_code(place: Place, facilitator: str = "Anna") -> str:
    await place.say(facilitator, "mødeleder")
    return code_in(await place.say(facilitator, "tavle fane"))


async def check(
    web: TestClient[Any, Any], code: str, channel: str = CHANNEL, tenant: str = TENANT
) -> tuple[int, Any]:
    body = {"code": code, "channel": channel, "tenant": tenant}
    response = await web.post("/tavle/fane/kode", json=body)
    return response.status, await response.json()


def test_the_manifest_declares_the_tab_on_the_bots_own_address(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TEAMS_APP_ID", raising=False)
    out = tmp_path / "lovende.zip"
    assert main(["teams-package", "--out", str(out), "--app-id", APP_ID,
                 "--public-url", "https://bot.example.dk"]) == 0  # fmt: skip
    with zipfile.ZipFile(out) as package:
        manifest = json.loads(package.read("manifest.json"))
    (tab,) = manifest["configurableTabs"]  # Teams allows one
    assert tab["configurationUrl"] == "https://bot.example.dk/tavle/fane"
    assert manifest["validDomains"] == ["bot.example.dk"]  # the tab's pages are on it
    assert sorted(tab["scopes"]) == ["groupChat", "team"]  # no personal: a channel's board
    assert tab["canUpdateConfiguration"] is True
    allowed = {"channelTab", "privateChatTab", "meetingChatTab", "meetingDetailsTab",
               "meetingSidePanel", "meetingStage"}  # fmt: skip
    assert "channelTab" in tab["context"] and set(tab["context"]) <= allowed
    assert set(tab) <= {"configurationUrl", "canUpdateConfiguration", "scopes", "context"}


def test_the_kubernetes_ingress_routes_the_tabs_pages() -> None:
    """The set-up page and its check live under /tavle, which the Ingress routes (a page
    beside it, such as /tavle-fane, would not be: a Prefix path matches whole segments)."""
    ingress = Path(__file__).resolve().parents[2] / "deploy" / "kubernetes" / "ingress.yaml"
    (doc,) = [d for d in yaml.safe_load_all(ingress.read_text("utf-8")) if d]
    prefixes = {
        p["path"] for r in doc["spec"]["rules"] for p in r["http"]["paths"]
        if p["pathType"] == "Prefix"
    }  # fmt: skip
    assert {"/tavle", "/tavle-filer"} <= prefixes  # whole segments: /tavle/fane, /tavle/fane/kode


async def test_tavle_fane_gives_the_facilitator_a_code_privately(
    bot: BotHarness, clock: FakeClock
) -> None:
    place = teams_channel(bot)
    refused = await place.say("Bo", "tavle fane")
    assert "mødeleder" in texts(refused) and not CODE.search(texts(refused))
    await place.say("Anna", "mødeleder")
    assert "mødelederen" in texts(await place.say("Bo", "board tab"))
    records = await place.say("Anna", "tavle fane")
    code = code_in(records)
    assert [r.target for r in records] == [ToMember("anna"), ToActorOnly()]
    assert code not in texts(records[1:]) and "koden til fanen" in texts(records[1:])
    assert "/tavle/" not in texts(records)  # a code to paste, not a link
    async with bot.runtime.sessions() as s:
        (link,) = await s.scalars(select(BoardLink))
    assert link.token_hash == token_hash(code) and link.tab
    assert link.expires_at.replace(tzinfo=None) - link.created_at.replace(tzinfo=None) == (
        timedelta(days=365)
    )


async def test_the_set_up_page_is_framed_by_teams_only_and_loads_only_its_own_files(
    bot: BotHarness, web: TestClient[Any, Any]
) -> None:
    response = await web.get("/tavle/fane")
    page = await response.text()
    assert response.status == 200 and response.headers["Content-Security-Policy"] == TAB_CSP
    framers = TAB_CSP.rsplit("frame-ancestors ", 1)[1].split()
    assert framers == [*TEAMS_HOSTS, "https://*.cloud.microsoft"]
    assert "script-src 'self';" in TAB_CSP and "connect-src 'self';" in TAB_CSP
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert '<html lang="da">' in page and "Tjek koden" in page
    assert re.findall(r"<script[^>]*>", page) == [
        f'<script src="/tavle-filer/{TEAMS_JS}" defer>',
        '<script src="/tavle-filer/tab.js" defer>',
    ]
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert "<style" not in page and " style=" not in page
    english = await (await web.get("/tavle/fane?lang=en")).text()
    assert '<html lang="en">' in english and "Check the code" in english
    # The Teams library is the bot's pinned copy of npm @microsoft/teams-js, with its licence.
    sdk = await web.get(f"/tavle-filer/{TEAMS_JS}")
    assert sdk.status == 200 and sdk.headers["Content-Type"].startswith("text/javascript")
    body = await sdk.read()
    assert hashlib.sha256(body).hexdigest() == (
        "1737ae2e319c8ab56d71d2218fd5a49d96a8ad70eb01ff2e9ab7e35093b93379"
    )
    static = files("bot.board").joinpath("static")
    assert "MIT License" in static.joinpath("teams-js-2.58.0.LICENSE.txt").read_text()
    assert "2.58.0" in static.joinpath("teams-js-2.58.0.NOTICE.txt").read_text()


async def test_a_tab_code_of_this_channel_gives_the_tabs_settings(
    bot: BotHarness, web: TestClient[Any, Any]
) -> None:
    place = teams_channel(bot)
    await place.say("Anna", "start Recovery")
    code = await tab_code(place)
    status, settings = await check(web, code)
    assert status == 200
    assert settings == {
        "contentUrl": f"{PUBLIC_URL}/tavle/{code}",
        "entityId": "tavle-" + token_hash(code)[:16],
        "suggestedDisplayName": "Tavlen",
    }
    # The tab's address shows the channel's board, and Teams may frame it.
    response = await web.get(f"/tavle/{code}")
    assert response.status == 200 and "Recovery" in await response.text()
    assert response.headers["Content-Security-Policy"] == TAB_CSP
    for suffix in ("/indhold", "/vis", "/vis/indhold"):
        framed = await web.get(f"/tavle/{code}{suffix}")
        assert framed.headers["Content-Security-Policy"] == TAB_CSP, suffix
    # An ordinary link's pages may be framed by no one.
    _, token = link_in(await place.say("Bo", "tavle"))
    ordinary = await web.get(f"/tavle/{token}")
    assert ordinary.status == 200 and ordinary.headers["Content-Security-Policy"] == CSP
    assert "frame-ancestors 'none'" in CSP
    # A group chat's code works in that group chat.
    chat = teams_channel(bot, GROUP_CHAT)
    assert (await check(web, await tab_code(chat), GROUP_CHAT))[0] == 200


async def test_every_code_that_does_not_fit_gets_the_same_bare_refusal(
    bot: BotHarness, web: TestClient[Any, Any], clock: FakeClock
) -> None:
    place = teams_channel(bot)
    code = await tab_code(place)
    other = await tab_code(teams_channel(bot, GROUP_CHAT), "Eve")
    _, ordinary = link_in(await place.say("Bo", "tavle"))
    console_code = code_in(await bot.say("Anna", "mødeleder") + await bot.say("Anna", "tavle fane"))
    tampered = code[:-1] + ("A" if code[-1] != "A" else "B")
    refused = [
        await check(web, tampered),  # unknown
        await check(web, ordinary),  # a link, not a tab's code
        await check(web, other),  # another channel's
        await check(web, code, CHANNEL, "another-tenant"),  # another tenant's
        await check(web, console_code, "team", "ws"),  # not Teams
        await check(web, code, "", TENANT),
    ]
    assert refused == [(404, {})] * len(refused)
    for raw in (b"not json", b'{"code": 1}', b"[]", b"{" + b" " * 4096 + b"}"):
        response = await web.post("/tavle/fane/kode", data=raw)
        assert (response.status, await response.json()) == (404, {}), raw
    assert (await check(web, code))[0] == 200
    # Revoked (the facilitator's `tavle luk`) and expired: the same.
    await place.say("Anna", "tavle luk")
    assert await check(web, code) == (404, {})
    assert (await web.get(f"/tavle/{code}")).status == 404
    fresh = code_in(await place.say("Anna", "tavle fane"))
    clock.advance(days=364)
    assert (await check(web, fresh))[0] == 200
    clock.advance(days=1)
    assert await check(web, fresh) == (404, {})


async def test_slet_data_ends_the_tab(bot: BotHarness, web: TestClient[Any, Any]) -> None:
    place = teams_channel(bot)
    await place.say("Anna", "start Recovery")
    code = await tab_code(place)
    await place.say("Anna", "slet-data")
    await place.say("Anna", "slet-data bekræft")
    assert await check(web, code) == (404, {})
    assert (await web.get(f"/tavle/{code}")).status == 404


async def test_tavle_fane_in_a_teams_channel_through_the_bot_framework(
    teams_bot: TeamsBot,
) -> None:
    bot, fake = teams_bot, teams_bot.connector
    anna = bot.user("Anna")
    await bot.client.post("/api/messages", json=bot_added(fake.url))
    await anna.say("start Recovery")
    before = len(fake.calls)
    assert await anna.say("tavle fane") == 201
    calls = fake.calls[before:]
    carrying = [c for c in calls if CODE.search(str(c.body))]
    assert len(carrying) == 1 and (carrying[0].conversation_id or "").startswith("a:")
    found = CODE.search(str(carrying[0].body))
    assert found is not None
    body = {"code": found.group(1), "channel": CHANNEL, "tenant": TENANT}
    response = await bot.client.post("/tavle/fane/kode", json=body)
    settings = await response.json()
    assert response.status == 200 and settings["contentUrl"].endswith(f"/tavle/{found.group(1)}")
    board = await bot.client.get(f"/tavle/{found.group(1)}")
    assert board.status == 200 and "Recovery" in await board.text()
    # Not in a 1:1 chat: a tab belongs to a channel or a group chat.
    before = len(fake.calls)
    await anna.say("tavle fane", kind="personal", conversation_id="a:1:1-med-anna", mention=False)
    said = str([c.body for c in fake.calls[before:]])
    assert "der, hvor fanen skal være" in said and not CODE.search(said)
