"""The organisation overview (`tavle organisation`, for LOVENDE_ADMINS only): every practice of
the admin's workspace — and no other workspace's — with its latest round's coverage, scores,
open agreements and a small radar chart; its link opens nothing else."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from board_helpers import PUBLIC_URL, link_in, started

from bot.clock import FakeClock
from bot.testing import BotHarness, texts


@pytest.fixture
async def bot(
    database_url: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[BotHarness]:
    """Anna is an admin of the workspace (conftest's `web` serves this bot)."""
    monkeypatch.setenv("LOVENDE_PUBLIC_URL", PUBLIC_URL)
    monkeypatch.setenv("LOVENDE_ADMINS", "console:ws:anna")
    bot = await BotHarness.start(database_url, clock)
    try:
        yield bot
    finally:
        await bot.close()


async def test_admins_see_every_practice_of_their_workspace(
    bot: BotHarness, web: TestClient[Any, Any]
) -> None:
    await started(bot, "Anna: svar 1.1 ja")
    await bot.say("Eve", "start Bostøtte", channel="andet")
    bot.workspace = "ws2"  # another organisation's channel: never on ws's overview
    await bot.say("Zed", "start Hemmelig praksis", channel="fremmed")
    bot.workspace = "ws"
    refused = texts(await bot.say("Bo", "tavle organisation"))
    assert "administratorer" in refused and "/tavle/" not in refused
    _, token = link_in(await bot.say("Anna", "tavle organisation"))
    response = await web.get(f"/tavle/{token}")
    page = await response.text()
    assert response.status == 200 and "<h1>Organisationens overblik</h1>" in page
    assert "Recovery" in page and "Bostøtte" in page and "Hemmelig" not in page
    assert len(re.findall(r'<figure class="radar small">', page)) == 2
    assert re.search(r'<td class="num">1/59</td>', page)  # Recovery: one question answered
    assert "board.js" not in page  # an overview to look at, not a live page
    # The organisation link opens no channel's board, and a channel link no overview.
    for suffix in ("/vis", "/events", "/vis/indhold"):
        assert (await web.get(f"/tavle/{token}{suffix}")).status == 404
    _, own = link_in(await bot.say("Anna", "tavle"))
    assert "Organisationens overblik" not in await (await web.get(f"/tavle/{own}")).text()
    # Closing the channel's links ends the admin's link asked for there too.
    await bot.say("Anna", "tavle luk")
    assert (await web.get(f"/tavle/{token}")).status == 404
