"""The board in a real browser: Playwright for Python driving Debian's chromium (its own
executable; nothing is downloaded). A page opened from a `tavle` link shows the round; an
answer given through the bot appears on the open page without a reload; a revoked link's page
says so; expired, revoked and foreign tokens 404. Skipped, with the reason, where chromium or
Playwright is missing (scripts/test.sh installs chromium with apt, as CI does)."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from board_helpers import PUBLIC_URL, code_in, link_in, started

from bot.clock import FakeClock
from bot.http.app import bound_port, create_app, start_server
from bot.http.board import TEAMS_JS
from bot.teams.testing import CHANNEL, TENANT
from bot.testing import BotHarness

CHROMIUM = os.environ.get("LOVENDE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"

playwright_api = pytest.importorskip(
    "playwright.async_api", reason="Playwright for Python is not installed (requirements-dev)"
)
pytestmark = pytest.mark.skipif(
    not os.access(CHROMIUM, os.X_OK),
    reason=f"no chromium at {CHROMIUM}: `apt-get install chromium` (scripts/test.sh does)",
)


@pytest.fixture(autouse=True)
def _public_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOVENDE_PUBLIC_URL", PUBLIC_URL)


@pytest.fixture
async def served(bot: BotHarness) -> AsyncIterator[str]:
    """The bot's web app on a free port: its base address."""
    runner = await start_server(
        create_app(bot.runtime, adapters=(), background=False), "127.0.0.1", 0, 10.0
    )
    try:
        yield f"http://127.0.0.1:{bound_port(runner)}"
    finally:
        bot.runtime.board.close_all()
        await runner.cleanup()


@pytest.fixture
async def page(served: str) -> AsyncIterator[Any]:
    async with playwright_api.async_playwright() as p:
        browser = await p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            yield await browser.new_page()
        finally:
            await browser.close()


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """One database is enough here: the browser sees the same page either way."""
    return sqlite_url


async def test_an_open_board_follows_the_answers_live(
    bot: BotHarness, served: str, page: Any, clock: FakeClock
) -> None:
    await started(bot, "Anna: svar 1.1 ja")
    _, token = link_in(await bot.say("Bo", "tavle"))
    response = await page.goto(f"{served}/tavle/{token}")
    assert response.status == 200
    assert await page.locator("h1").inner_text() == "Recovery – runde 1"
    q = page.locator('article[id="q-1.1"]')
    assert "1 svar" in await q.inner_text()
    status = page.locator("#live")
    await playwright_api.expect(status).to_have_text("Opdateres, mens I svarer", timeout=5000)
    # An answer through the bot: the open page changes, without a reload, within a second.
    await bot.say("Bo", "svar 1.1 nej")
    await playwright_api.expect(q).to_contain_text("Uenighed – ikke afklaret", timeout=1000)
    await playwright_api.expect(q).to_contain_text("Bo: Nej", timeout=1000)
    assert "nej" not in page.url.casefold()  # nothing the team wrote in the address
    # The facilitator closes the links: the page says so.
    await bot.say("Anna", "tavle luk")
    await playwright_api.expect(status).to_contain_text("virker ikke længere", timeout=2000)
    # Revoked, foreign (tampered) and expired tokens: 404.
    assert (await page.goto(f"{served}/tavle/{token}")).status == 404
    _, fresh = link_in(await bot.say("Anna", "tavle"))
    assert (await page.goto(f"{served}/tavle/{fresh[:-2]}zz")).status == 404
    assert (await page.goto(f"{served}/tavle/{fresh}")).status == 200
    clock.advance(hours=13)
    assert (await page.goto(f"{served}/tavle/{fresh}")).status == 404


async def test_presentation_mode_shows_one_question_and_moves_with_the_keys(
    bot: BotHarness, served: str, page: Any
) -> None:
    await started(bot)
    _, token = link_in(await bot.say("Anna", "tavle"))
    await page.goto(f"{served}/tavle/{token}/vis")
    expect = playwright_api.expect
    visible = page.locator(".slide:visible")
    await expect(visible).to_have_count(1)
    await expect(visible).to_have_id("q-1.1")
    await expect(page.locator("#live")).to_have_text("Opdateres, mens I svarer", timeout=5000)
    await page.keyboard.press("ArrowRight")
    await expect(visible).to_have_id("q-1.2")
    assert page.url.endswith("#q-1.2")
    await expect(page.locator(".element-text:visible")).to_have_count(0)
    await page.keyboard.press("e")
    await expect(page.locator(".element-text:visible")).to_have_id("element-1")
    await page.keyboard.press("e")
    await expect(page.locator(".element-text:visible")).to_have_count(0)
    # Answers arrive live on the question on screen; the team answer once it is set.
    await bot.say("Bo", "svar 1.2 ja")
    await expect(visible).to_contain_text("Bo: Ja", timeout=1000)
    await expect(visible).to_have_id("q-1.2")
    await bot.say("Anna", "svar 1.2 ja")
    await expect(visible).to_contain_text("Teamets svar: Ja (enighed blandt 2)", timeout=1000)
    await page.keyboard.press("ArrowLeft")
    await page.keyboard.press("ArrowLeft")  # stays on the first
    await expect(visible).to_have_id("q-1.1")
    await page.keyboard.press("End")
    await expect(visible).to_have_id(re.compile(r"q-11\.\d+"))


AXE = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"


async def serious_violations(page: Any) -> list[str]:
    """axe-core's WCAG 2.1 A/AA violations of impact serious or critical, one line each."""
    await page.add_script_tag(path=str(AXE))
    result = await page.evaluate(
        """() => axe.run(document, {runOnly: {type: "tag",
             values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}})"""
    )
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.skipif(not AXE.is_file(), reason="npm install --prefix tests/board/axe (test.sh)")
async def test_axe_finds_no_serious_or_critical_violations(bot: BotHarness, served: str) -> None:
    await started(
        bot,
        *("Anna: svar 1.1 ja", "Bo: svar 1.1 nej", "Bo: kommentar 1.1 Vi er ikke enige"),
        "Anna: svar 1.2 ja",
    )
    # A running reflection meeting too: its step and support questions on the board.
    values = {"when": "05.03.2026 13:00", "facilitator": "anna", "participants": "Anna, Bo"}
    values |= {"mode": "async", "window": "2", "themes": "2", "focus": ""}
    await bot.press("Anna", "mtf-plan", values=values)
    await bot.say("Anna", "møde start")
    _, token = link_in(await bot.say("Anna", "tavle"))
    async with playwright_api.async_playwright() as p:
        browser = await p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            # Only the scan's own script needs past the page's CSP; the page is as served.
            page = await (await browser.new_context(bypass_csp=True)).new_page()
            await page.goto(f"{served}/tavle/{token}")
            await playwright_api.expect(page.locator("section.meeting")).to_contain_text("Trin 1")
            for view in ("", "/vis", "/vis#q-1.2"):
                await page.goto(f"{served}/tavle/{token}{view}")
                assert await serious_violations(page) == [], view
            await page.set_viewport_size({"width": 375, "height": 740})  # a phone
            await page.goto(f"{served}/tavle/{token}")
            assert await serious_violations(page) == []
            # The Teams tab's set-up page, with its form showing (Teams' stand-in).
            await with_fake_teams(page)
            await page.goto(f"{served}/tavle/fane")
            await playwright_api.expect(page.locator("#tab-form")).to_be_visible()
            assert await serious_violations(page) == []
        finally:
            await browser.close()


# The Teams JavaScript library cannot start outside Teams (it talks to the Teams client that
# frames the page): the set-up page gets this stand-in instead, with the same calls, recording
# what the page tells Teams.
FAKE_TEAMS = """
window.told = { valid: [], configs: [], save: null };
window.microsoftTeams = {
  app: {
    initialize: function () { return Promise.resolve(); },
    getContext: function () { return Promise.resolve(%s); }
  },
  pages: { config: {
    registerOnSaveHandler: function (handler) { window.told.save = handler; },
    setValidityState: function (valid) { window.told.valid.push(valid); },
    setConfig: function (settings) { window.told.configs.push(settings); return Promise.resolve(); }
  } }
};
"""


async def with_fake_teams(page: Any, locale: str = "da-dk", channel: str = CHANNEL) -> None:
    context = {
        "app": {"locale": locale},
        "channel": {"id": channel},
        "user": {"tenant": {"id": TENANT}},
    }
    script = FAKE_TEAMS % json.dumps(context)

    async def fulfil(route: Any) -> None:
        await route.fulfill(body=script, content_type="text/javascript")

    await page.route(f"**/tavle-filer/{TEAMS_JS}", fulfil)


async def test_the_tab_set_up_page_checks_the_code_and_saves_the_board_as_the_tab(
    bot: BotHarness, served: str, page: Any
) -> None:
    place = bot.place("teams", TENANT, CHANNEL)
    await place.say("Anna", "start Recovery")
    await place.say("Anna", "mødeleder")
    code = code_in(await place.say("Anna", "tavle fane"))
    await with_fake_teams(page)
    expect = playwright_api.expect
    await page.goto(f"{served}/tavle/fane")
    status = page.locator("#tab-status")
    await expect(status).to_have_text("Indsæt koden, og tryk på «Tjek koden».")
    field = page.get_by_label("Koden fra botten")
    await expect(field).to_be_focused()
    await field.fill(code[:-2] + "zz")
    await page.get_by_role("button", name="Tjek koden").click()
    await expect(status).to_contain_text("Koden virker ikke her")
    assert await page.evaluate("() => window.told.valid") == [False]
    await page.screenshot(path="/tmp/board-tab-refused.png", full_page=True)
    await field.fill(f"  {code} ")  # pasted with spaces around
    await field.press("Enter")
    await expect(status).to_have_text(
        "Koden passer til kanalen. Tryk på «Gem» for at tilføje fanen."
    )
    assert await page.evaluate("() => window.told.valid") == [False, False, True]
    await page.screenshot(path="/tmp/board-tab-ok.png", full_page=True)
    # Teams' "Save": the page gives Teams the board's address with the code.
    saved = await page.evaluate(
        """() => new Promise(done => window.told.save({
             notifySuccess: () => done("ok"), notifyFailure: e => done("failed: " + e)}))"""
    )
    assert saved == "ok"
    (settings,) = await page.evaluate("() => window.told.configs")
    assert settings["contentUrl"] == f"{PUBLIC_URL}/tavle/{code}"
    assert settings["suggestedDisplayName"] == "Tavlen"
    # What the tab then shows: the channel's board.
    tab = f"{served}/tavle/{code}"
    assert (await page.goto(tab)).status == 200
    assert await page.locator("h1").inner_text() == "Recovery – runde 1"


async def test_the_tab_set_up_page_speaks_english_when_teams_does(
    bot: BotHarness, served: str, page: Any
) -> None:
    await with_fake_teams(page, locale="en-us")
    await page.goto(f"{served}/tavle/fane")
    await playwright_api.expect(page.locator("#tab-status")).to_have_text(
        "Paste the code and press “Check the code”."
    )
    assert page.url.endswith("/tavle/fane?lang=en")
    await playwright_api.expect(page.get_by_role("button", name="Check the code")).to_be_visible()


async def test_the_real_teams_library_loads_under_the_pages_policy(
    bot: BotHarness, served: str, page: Any
) -> None:
    """Outside Teams the library cannot start; the page says where it works, and the page's
    Content-Security-Policy keeps the library to the bot's own origin."""
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    await page.goto(f"{served}/tavle/fane")
    assert await page.evaluate("() => typeof window.microsoftTeams.pages.config.setConfig") == (
        "function"
    )
    await playwright_api.expect(page.locator("#tab-status")).to_have_text(
        "Siden virker kun, når du tilføjer fanen i Teams.", timeout=10000
    )
    await playwright_api.expect(page.locator("#tab-form")).to_be_hidden()
    await page.screenshot(path="/tmp/board-tab-outside.png", full_page=True)
    # The one thing the policy refuses, on purpose: the library asks Microsoft's CDN for its
    # list of Teams origins, and uses the list built into the bot's copy instead.
    cdn = "https://res.cdn.office.net/teams-js/validDomains/json/validDomains.json"
    assert refused and all(cdn in line for line in refused), refused
