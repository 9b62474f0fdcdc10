"""Slack hears "ok" as soon as a request is acknowledged, not when its turn ends: a click once
it is kept in the inbox, an event at once. The click's turn then waits for a lull between
requests (bot/priority.py). An error before the acknowledgement is answered by bolt (500);
one after it is logged, by type only."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from aiohttp import ClientResponse
from sqlalchemy import select

from bot import priority
from bot.slack.testing import payloads as p
from bot.slack.testing.harness import SlackHarness
from storage.models import MemberAnswer

FORM = "application/x-www-form-urlencoded"


async def started(slack: SlackHarness) -> None:
    await slack.command("U1", "start Recovery")
    await slack.press("U1", "lp:pace:1:one")


async def click(slack: SlackHarness, action: str) -> ClientResponse:
    """Click the button `action` and return at Slack's answer (the turn may go on)."""
    element, message = slack.button(action)
    body = p.block_actions("U2", element, message, message["channel"])
    return await slack.send(body, FORM, settle=False)


async def answers(slack: SlackHarness) -> dict[str, str | None]:
    async with slack.runtime.sessions() as s:
        return {a.question_id: a.value for a in await s.scalars(select(MemberAnswer))}


async def test_a_click_is_answered_while_its_turn_waits(slack: SlackHarness) -> None:
    await started(slack)
    engine = slack.runtime.engine
    await engine.turn_slots.acquire()  # a long turn of another request is running
    try:
        r = await click(slack, "lp:ans:1:1.1:ja")
        assert (r.status, await r.text()) == (200, "")
        assert await answers(slack) == {}
        assert len(engine.inbox.kept) == 1  # kept: safe, whatever happens to this process
    finally:
        engine.turn_slots.release()
    await slack.slack.idle()
    assert await answers(slack) == {"1.1": "ja"}
    assert engine.inbox.kept == set()


async def test_a_kept_click_waits_for_a_lull_between_requests(
    slack: SlackHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    await started(slack)
    monkeypatch.setattr(priority, "PATIENCE", 3600.0)  # no lull but the one we make
    answering = slack.runtime.engine.answering
    answering.enter()  # another request is being answered
    try:
        assert (await click(slack, "lp:ans:1:1.1:ja")).status == 200
        assert await answers(slack) == {}
    finally:
        answering.leave()
    await slack.slack.idle()
    assert await answers(slack) == {"1.1": "ja"}


async def test_a_command_does_not_wait_for_a_lull(
    slack: SlackHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(priority, "PATIENCE", 3600.0)
    slack.runtime.engine.answering.enter()
    try:
        r = await slack.command("U1", "start Recovery")  # settles: its turn has ended
    finally:
        slack.runtime.engine.answering.leave()
    assert r.status == 200
    assert slack.fake.of("chat.postMessage")


async def test_an_event_is_answered_before_its_turn(slack: SlackHarness) -> None:
    engine = slack.runtime.engine
    await engine.turn_slots.acquire()
    try:
        body = p.event_callback(p.app_mention("U1", "<@UBOT> start Recovery"), "Ev1")
        r = await slack.send(body, "application/json", settle=False)
        assert r.status == 200
        assert slack.fake.of("chat.postMessage") == []
    finally:
        engine.turn_slots.release()
    await slack.slack.idle()
    assert slack.fake.of("chat.postMessage")


async def test_an_error_before_the_acknowledgement_is_a_500(
    slack: SlackHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    await started(slack)

    async def broken(*_args: Any) -> None:
        raise RuntimeError("the inbox is broken")

    monkeypatch.setattr(slack.runtime.engine.inbox, "keep", broken)
    r = await click(slack, "lp:ans:1:1.1:ja")
    await slack.slack.idle()
    assert r.status == 500  # Slack shows the person an error: nothing was kept
    assert await answers(slack) == {}


async def test_an_error_after_the_acknowledgement_is_logged(
    slack: SlackHarness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    await started(slack)

    async def broken(*_args: Any) -> bool:
        raise RuntimeError("what someone wrote")

    monkeypatch.setattr(slack.runtime.engine, "handle", broken)
    with caplog.at_level(logging.ERROR, logger="bot.slack.listeners"):
        r = await click(slack, "lp:ans:1:1.1:ja")
        await slack.slack.idle()
    assert r.status == 200  # kept, so a replay applies it
    assert "Slack request failed: RuntimeError" in caplog.text
    assert "what someone wrote" not in caplog.text
    assert len(slack.runtime.engine.inbox.kept) == 1
