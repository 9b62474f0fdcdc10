"""The board in a real browser: Playwright for Python driving Debian's chromium (its own
executable; nothing is downloaded). A page opened from a `tavle` link shows the round; an
answer given through the bot appears on the open page without a reload; a revoked link's page
says so; expired, revoked and foreign tokens 404. Skipped, with the reason, where chromium or
Playwright is missing (scripts/test.sh installs chromium with apt, as CI does)."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from board_helpers import PUBLIC_URL, link_in

from bot.clock import FakeClock
from bot.http.app import bound_port, create_app, start_server
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
    await bot.say("Anna", "start Recovery")
    await bot.say("Anna", "tempo alle")
    await bot.say("Anna", "svar 1.1 ja")
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
    await bot.say("Anna", "start Recovery")
    await bot.say("Anna", "tempo alle")
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
    await bot.say("Anna", "start Recovery")
    await bot.say("Anna", "tempo alle")
    await bot.say("Anna", "svar 1.1 ja")
    await bot.say("Bo", "svar 1.1 nej")
    await bot.say("Bo", "kommentar 1.1 Vi er ikke enige")
    await bot.say("Anna", "svar 1.2 ja")
    _, token = link_in(await bot.say("Anna", "tavle"))
    async with playwright_api.async_playwright() as p:
        browser = await p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            # Only the scan's own script needs past the page's CSP; the page is as served.
            page = await (await browser.new_context(bypass_csp=True)).new_page()
            for view in ("", "/vis", "/vis#q-1.2"):
                await page.goto(f"{served}/tavle/{token}{view}")
                assert await serious_violations(page) == [], view
            await page.set_viewport_size({"width": 375, "height": 740})  # a phone
            await page.goto(f"{served}/tavle/{token}")
            assert await serious_violations(page) == []
        finally:
            await browser.close()
