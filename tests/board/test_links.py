"""`tavle` hands out a private, expiring link to the channel's board; `tavle luk` (the
facilitator) and `slet-data` revoke every link; the link's validity is a channel setting
(`indstillinger tavle 12`). Only the token's hash is stored. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from board_helpers import PUBLIC_URL, link_in, started
from sqlalchemy import select

from bot.clock import FakeClock
from bot.testing import BotHarness, texts
from dialogs.board.model import plausible, token_hash
from dialogs.messages import Buttons, ToActorOnly, ToChannel, ToMember
from storage.board import BoardLink, channel_of_token


@pytest.fixture(autouse=True)
def _public_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOVENDE_PUBLIC_URL", PUBLIC_URL)


async def opens(bot: BotHarness, token: str) -> str | None:
    """The external id of the channel the token opens now, or None."""
    async with bot.runtime.sessions() as s:
        channel = await channel_of_token(s, token, bot.clock.now())
        return channel.external_id if channel else None


async def test_tavle_answers_privately_with_a_link_that_opens_this_channel(
    bot: BotHarness,
) -> None:
    records = await bot.say("Anna", "tavle")
    base, token = link_in(records)
    assert base == PUBLIC_URL
    assert plausible(token) and len(token) >= 43
    assert [type(r.target) for r in records] == [ToMember, ToActorOnly]
    assert records[0].target == ToMember("anna")  # in Anna's own chat
    assert token not in texts(records[1:])  # in the channel, only that it was sent
    assert "kl." in texts(records)  # until when it works
    assert await opens(bot, token) == "team"
    async with bot.runtime.sessions() as s:
        stored = list(await s.scalars(select(BoardLink.token_hash)))
    assert stored == [token_hash(token)]  # the hash, never the token
    # The English alias, and every link is new.
    _, other = link_in(await bot.say("Bo", "board"))
    assert other != token and await opens(bot, other) == "team"


async def test_a_link_expires_after_the_channels_setting(bot: BotHarness, clock: FakeClock) -> None:
    _, token = link_in(await bot.say("Anna", "tavle"))
    clock.advance(hours=11, minutes=59)
    assert await opens(bot, token) == "team"
    clock.advance(minutes=1)
    assert await opens(bot, token) is None  # 12 hours by default
    await bot.say("Anna", "mødeleder")
    said = texts(await bot.say("Anna", "indstillinger tavle 2"))
    assert "2 timer" in said
    _, short = link_in(await bot.say("Anna", "tavle"))
    clock.advance(hours=2)
    assert await opens(bot, short) is None
    refused = texts(await bot.say("Anna", "indstillinger tavle 0"))
    assert "1" in refused and "168" in refused


async def test_the_facilitator_closes_every_link_and_a_member_cannot(bot: BotHarness) -> None:
    await bot.say("Anna", "start Recovery")  # Anna becomes the facilitator
    _, one = link_in(await bot.say("Anna", "tavle"))
    _, two = link_in(await bot.say("Bo", "tavle"))
    refused = await bot.say("Bo", "tavle luk")
    assert "mødelederen" in texts(refused) and await opens(bot, one) == "team"
    closed = await bot.say("Anna", "tavle luk")
    assert any(isinstance(r.target, ToChannel) for r in closed)
    assert await opens(bot, one) is None and await opens(bot, two) is None
    _, three = link_in(await bot.say("Bo", "board"))  # a new link works again
    assert await opens(bot, three) == "team"
    await bot.say("Anna", "board close")
    assert await opens(bot, three) is None


async def test_a_link_opens_only_its_own_channel(bot: BotHarness) -> None:
    _, here = link_in(await bot.say("Anna", "tavle"))
    _, there = link_in(await bot.say("Eve", "tavle", channel="andet"))
    assert await opens(bot, here) == "team" and await opens(bot, there) == "andet"
    await bot.say("Eve", "mødeleder", channel="andet")
    await bot.say("Eve", "tavle luk", channel="andet")
    assert await opens(bot, here) == "team" and await opens(bot, there) is None


async def test_slet_data_takes_the_links_along(bot: BotHarness) -> None:
    await bot.say("Anna", "start Recovery")
    _, token = link_in(await bot.say("Anna", "tavle"))
    await bot.say("Anna", "slet-data")
    await bot.say("Anna", "slet-data bekræft")
    assert await opens(bot, token) is None
    async with bot.runtime.sessions() as s:
        assert list(await s.scalars(select(BoardLink))) == []


async def test_without_a_public_address_tavle_says_what_is_missing(
    database_url: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LOVENDE_PUBLIC_URL")
    monkeypatch.delenv("TEAMS_PUBLIC_URL", raising=False)
    bot = await BotHarness.start(database_url, clock)
    try:
        said = texts(await bot.say("Anna", "tavle"))
        assert "LOVENDE_PUBLIC_URL" in said and "/tavle/" not in said
    finally:
        await bot.close()


async def test_the_score_summarys_button_answers_the_presser_as_tavle_does(
    bot: BotHarness,
) -> None:
    await started(bot, "Anna: svar 1.1 ja")
    summary = await bot.say("Anna", "resultat")
    buttons = [b for r in summary if r.message for b in r.message.blocks if isinstance(b, Buttons)]
    assert [(b.label, b.action) for b in buttons[-1].buttons] == [("Åbn tavlen", "lp:board")]
    records = await bot.click("Bo", bot.button("lp:board"))
    _, token = link_in(records)
    assert [r.target for r in records] == [ToMember("bo"), ToActorOnly()]  # Bo, who pressed
    assert await opens(bot, token) == "team"
    # The channel's language: the button says it in English.
    await bot.say("Anna", "indstillinger sprog en")
    again = await bot.say("Anna", "resultat")
    labels = [
        b.label
        for r in again
        if r.message
        for b in r.message.blocks
        if isinstance(b, Buttons)
        for b in b.buttons
    ]
    assert "Open the board" in labels
