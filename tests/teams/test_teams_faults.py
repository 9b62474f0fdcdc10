"""Faults of the Bot Connector, driven through the whole bot (issue 10): 429/412/5xx, answers
that never come (a held response, a dropped connection) and hard failures. Each message reaches
the team exactly once or is recorded as a delivery failure; retries are counted in the metrics.

The fake connector (bot/teams/testing/) stores an activity before it fails to answer, as the
real service may; the port's deadline runs out exactly when an answer is held, so no test waits
for a clock. Backoff sleeps go through the pacer's and the engine's fake sleeps.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
import requests
from sqlalchemy import select

from bot.clock import FakeClock
from bot.inbound import Inbound
from bot.metrics import REGISTRY
from bot.ports import Conversation
from bot.reminders import ReminderWorker
from bot.teams.failures import NoAnswer, classify
from bot.teams.testing import (
    CHANNEL,
    DROP,
    TENANT,
    TIMEOUT,
    USERS,
    Call,
    TeamsBot,
    TeamsUser,
    bot_added,
)
from dialogs.effects import Outcome, Post
from dialogs.events import Command
from dialogs.messages import Message, Text, ToChannel
from dialogs.turn import Turn
from storage.models import DeliveryFailure
from storage.reminder_models import Reminder

SECRET = "Jens har haft en svær uge"  # stands for what a team writes: never in a log


# ---- helpers ----
class Counters:
    """Deltas of lovende_platform_api_{errors,retries}_total for Teams since creation."""

    def __init__(self) -> None:
        self.start = {key: self._value(*key) for key in self._keys()}

    @staticmethod
    def _keys() -> Iterator[tuple[str, ...]]:
        for method in ("send_activity", "update_activity", "create_conversation"):
            yield ("retries", method)
            for kind in ("rate_limited", "server_error", "timeout", "client_error", "blocked"):
                yield ("errors", method, kind)

    @staticmethod
    def _value(what: str, method: str, kind: str = "") -> float:
        labels = {"platform": "teams", "method": method}
        if what == "errors":
            labels["kind"] = kind
        value = REGISTRY.get_sample_value(f"lovende_platform_api_{what}_total", labels)
        return value or 0.0

    def retries(self, method: str) -> float:
        return self._value("retries", method) - self.start[("retries", method)]

    def errors(self, method: str, kind: str) -> float:
        return self._value("errors", method, kind) - self.start[("errors", method, kind)]

    def changed(self) -> dict[tuple[str, ...], float]:
        now = {key: self._value(*key) - self.start[key] for key in self._keys()}
        return {key: delta for key, delta in now.items() if delta}


def reminder(text: str) -> Callable[[Turn], Outcome]:
    def step(_turn: Turn) -> Outcome:
        return Outcome(out=(Post(Message((Text(text),), text), ToChannel()),))

    return step


def system() -> Inbound:
    """A system-initiated turn (a reminder): no actor, no request."""
    return Inbound(Conversation("teams", TENANT, CHANNEL, None), Command(""))


async def send_reminder(bot: TeamsBot, text: str) -> None:
    """A reminder through the runtime's Teams port, as the reminder worker sends one."""
    await bot.runtime.engine.act(system(), reminder(text), bot.runtime.ports["teams"])


async def failures(bot: TeamsBot) -> list[DeliveryFailure]:
    async with bot.runtime.sessions() as session:
        return list(await session.scalars(select(DeliveryFailure).order_by(DeliveryFailure.id)))


def stored(calls: list[Call]) -> list[Call]:
    """Calls the connector accepted (stored), whether or not the bot heard the answer."""
    return [c for c in calls if c.status < 400]


async def started_round(bot: TeamsBot) -> tuple[TeamsUser, Call]:
    """Anna starts a round, one element at a time; the card of question 1.1."""
    anna = bot.user("Anna")
    await anna.say("start Recovery-forløb")
    call, action = bot.connector.find_submit("lp:pace:")
    await anna.press_on(call, action["data"]["lp"].rsplit(":", 1)[0] + ":one")
    question, _ = bot.connector.find_submit("lp:ans:1:1.1:")
    return anna, question


# ---- retried: the message arrives once ----
async def test_server_errors_on_a_reply_are_retried_until_it_arrives_once(
    teams_bot: TeamsBot,
) -> None:
    fake = teams_bot.connector
    counters = Counters()
    fake.fail[CHANNEL] = [500, 503]
    mark = len(fake.calls)
    assert await teams_bot.user("Anna").say("hjælp") == 201  # a command, answered in its thread
    calls = fake.calls[mark:]
    assert [c.status for c in calls] == [500, 503, 201]
    assert calls[0].body == calls[2].body  # the same message, tried again
    assert len(stored(calls)) == 1
    assert counters.retries("send_activity") == 2
    assert counters.errors("send_activity", "server_error") == 2
    assert teams_bot.time.slept == [2.0, 4.0]  # a growing backoff, slept by the pacer
    assert len(teams_bot.engine_sleeps) == 2
    assert await failures(teams_bot) == []


@pytest.mark.parametrize(("status", "kind"), [(429, "rate_limited"), (502, "server_error")])
async def test_a_card_submit_whose_update_is_throttled_waits_and_updates_once(
    teams_bot: TeamsBot, status: int, kind: str
) -> None:
    fake = teams_bot.connector
    anna, question = await started_round(teams_bot)
    fake.retry_after = "7"
    fake.fail[CHANNEL] = [status]
    counters = Counters()
    mark, slept = len(fake.calls), len(teams_bot.time.slept)
    assert (
        await anna.press_on(question, "lp:ans:1:1.1:ja") == 200
    )  # an Action.Execute: the invoke is answered
    calls = fake.calls[mark:]
    # One try each, no hidden retries below us (msrest/urllib3 would repeat a PUT on 502).
    assert [(c.method, c.status) for c in calls] == [("PUT", status), ("PUT", 200), ("PUT", 200)]
    assert calls[0].activity_id == calls[1].activity_id == fake.message_id(question)
    assert calls[0].body == calls[1].body
    assert counters.changed() == {
        ("retries", "update_activity"): 1,
        ("errors", "update_activity", kind): 1,
    }
    wait = 7.0 if status == 429 else 2.0  # Retry-After when Teams sends one (on 429)
    assert teams_bot.time.slept[slept:] == [wait]
    assert await failures(teams_bot) == []


@pytest.mark.parametrize("fault", [TIMEOUT, DROP])
async def test_an_update_without_an_answer_is_sent_again(teams_bot: TeamsBot, fault: str) -> None:
    """A PUT of a known activity id is idempotent: repeating it cannot make a second message."""
    fake = teams_bot.connector
    anna, question = await started_round(teams_bot)
    fake.fail[CHANNEL] = [fault]
    counters = Counters()
    mark = len(fake.calls)
    assert await anna.press_on(question, "lp:ans:1:1.1:ja") == 200
    calls = fake.calls[mark:]
    assert [(c.method, c.fault) for c in calls] == [("PUT", fault), ("PUT", None), ("PUT", None)]
    assert calls[0].activity_id == calls[1].activity_id
    assert [c for c in calls if c.method == "POST"] == []
    assert counters.changed() == {
        ("retries", "update_activity"): 1,
        ("errors", "update_activity", "timeout"): 1,
    }
    assert await failures(teams_bot) == []


async def test_a_later_part_of_a_long_message_is_retried_without_repeating_the_first(
    teams_bot: TeamsBot,
) -> None:
    fake = teams_bot.connector
    await teams_bot.client.post("/api/messages", json=bot_added(fake.url))
    long = "\n".join(f"• Punkt {i}: " + "ø" * 1500 for i in range(12))
    fake.fail[CHANNEL] = [201, 503, 429]  # part 1 goes through; part 2 fails twice
    counters = Counters()
    mark = len(fake.calls)
    await send_reminder(teams_bot, long)
    calls = fake.calls[mark:]
    parts = stored(calls)
    assert len(parts) >= 3 and [c.status for c in calls[:4]] == [201, 503, 429, 201]
    assert len({c.text for c in parts}) == len(parts)  # no part twice
    assert "Punkt 11" in parts[-1].text
    assert counters.retries("send_activity") == 2
    assert teams_bot.engine_sleeps == []  # not handed back: the engine would re-post part 1
    assert await failures(teams_bot) == []


async def test_a_lost_answer_to_creating_a_1to1_chat_is_retried_for_a_nudge(
    teams_bot: TeamsBot, clock: FakeClock
) -> None:
    """A reminder by the real worker: Anna's nudge three working days after the start; the
    connector creates her 1:1 chat but the answer is lost; creating it again finds it."""
    fake = teams_bot.connector
    await started_round(teams_bot)
    fake.fail[f"new:{USERS['Anna'][0]}"] = [TIMEOUT]
    counters = Counters()
    mark = len(fake.calls)
    clock.set(datetime(2026, 3, 5, 9, 0, tzinfo=UTC))  # three working days later, 10:00 local
    stats = await ReminderWorker(teams_bot.runtime).run_due()
    calls = fake.calls[mark:]
    assert [(c.method, c.fault) for c in calls] == [
        ("CREATE", TIMEOUT),
        ("CREATE", None),
        ("POST", None),
    ]
    assert calls[0].response_id == calls[1].response_id == calls[2].conversation_id
    assert "svaret" in calls[2].text
    assert counters.changed() == {
        ("retries", "create_conversation"): 1,
        ("errors", "create_conversation", "timeout"): 1,
    }
    assert stats.sent >= 1 and stats.failed == 0


# ---- not retried: recorded, never doubled ----
@pytest.mark.parametrize("fault", [TIMEOUT, DROP])
async def test_a_new_message_without_an_answer_is_not_sent_twice_but_recorded(
    teams_bot: TeamsBot, fault: str, caplog: pytest.LogCaptureFixture
) -> None:
    """The connector stored the reminder, the bot never heard: a second POST would show it
    twice (no idempotency key, no way to list the channel's messages). It is reported as a
    failure that may have arrived instead."""
    caplog.set_level(logging.DEBUG)
    fake = teams_bot.connector
    await teams_bot.client.post("/api/messages", json=bot_added(fake.url))
    fake.fail[CHANNEL] = [fault]
    counters = Counters()
    mark = len(fake.calls)
    await send_reminder(teams_bot, SECRET)
    calls = fake.calls[mark:]
    assert [(c.method, c.fault) for c in calls] == [("POST", fault)]  # stored once, not again
    assert SECRET in calls[0].text
    assert counters.changed() == {("errors", "send_activity", "timeout"): 1}
    assert teams_bot.engine_sleeps == []
    (failure,) = await failures(teams_bot)
    assert "may have arrived" in failure.error and SECRET not in failure.error
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [r.getMessage() for r in errors] == ["delivery failed: Post: DeliveryError"]
    assert SECRET not in caplog.text and "Jens" not in caplog.text
    # The conversation is not blocked: the next reminder goes out normally.
    await send_reminder(teams_bot, "Husk mødet.")
    assert [c.status for c in fake.calls[mark + 1 :]] == [201]


async def test_a_nudge_without_an_answer_fails_its_reminder_instead_of_repeating_it(
    teams_bot: TeamsBot, clock: FakeClock
) -> None:
    fake = teams_bot.connector
    await started_round(teams_bot)
    fake.fail[f"a:1dm-1-{USERS['Anna'][0]}"] = [DROP]  # the 1:1 chat the fake will create
    mark = len(fake.calls)
    clock.set(datetime(2026, 3, 5, 9, 0, tzinfo=UTC))
    stats = await ReminderWorker(teams_bot.runtime).run_due()
    posts = [c for c in fake.calls[mark:] if c.method == "POST"]
    assert [c.fault for c in posts] == [DROP]
    assert stats.failed == 1
    async with teams_bot.runtime.sessions() as session:
        statuses = set(await session.scalars(select(Reminder.status)))
    assert "failed" in statuses
    clock.set(datetime(2026, 3, 5, 12, 0, tzinfo=UTC))
    await ReminderWorker(teams_bot.runtime).run_due()
    assert [c for c in fake.calls[mark:] if c.method == "POST"] == posts  # never again
    assert any("may have arrived" in f.error for f in await failures(teams_bot))


async def test_a_client_error_is_not_retried_and_is_recorded(
    teams_bot: TeamsBot, caplog: pytest.LogCaptureFixture
) -> None:
    fake = teams_bot.connector
    await teams_bot.client.post("/api/messages", json=bot_added(fake.url))
    fake.fail[CHANNEL] = [400]
    counters = Counters()
    mark = len(fake.calls)
    await send_reminder(teams_bot, SECRET)
    assert [c.status for c in fake.calls[mark:]] == [400]
    assert counters.changed() == {("errors", "send_activity", "client_error"): 1}
    (failure,) = await failures(teams_bot)
    assert "400" in failure.error and SECRET not in failure.error
    assert "delivery failed: Post: DeliveryError" in caplog.text and "Jens" not in caplog.text


async def test_a_throttled_conversation_is_given_up_after_three_tries_and_recorded(
    teams_bot: TeamsBot, caplog: pytest.LogCaptureFixture
) -> None:
    fake = teams_bot.connector
    await teams_bot.client.post("/api/messages", json=bot_added(fake.url))
    fake.fail[CHANNEL] = [503] * 5
    counters = Counters()
    mark = len(fake.calls)
    await send_reminder(teams_bot, SECRET)
    assert [c.status for c in fake.calls[mark:]] == [503, 503, 503]
    assert counters.changed() == {
        ("retries", "send_activity"): 2,
        ("errors", "send_activity", "server_error"): 3,
    }
    (failure,) = await failures(teams_bot)
    assert "503" in failure.error
    assert "delivery failed: Post: DeliveryError" in caplog.text and "Jens" not in caplog.text


async def test_a_blocked_conversation_is_counted(teams_bot: TeamsBot) -> None:
    fake = teams_bot.connector
    await teams_bot.client.post("/api/messages", json=bot_added(fake.url))
    fake.fail[CHANNEL] = [403]
    counters = Counters()
    await send_reminder(teams_bot, "Husk mødet.")
    assert counters.changed() == {("errors", "send_activity", "blocked"): 1}


# ---- how failures are told apart ----
def test_a_connection_that_was_never_made_is_safe_to_retry() -> None:
    with socket.socket() as unused:  # bound, not listening: connecting is refused
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
        with pytest.raises(requests.ConnectionError) as refused:
            requests.post(f"http://127.0.0.1:{port}/v3/conversations", json={}, timeout=5)
    failure = classify(refused.value)
    assert failure.kind == "timeout" and failure.transient and not failure.maybe_delivered
    lost = classify(NoAnswer("deadline"))
    assert lost.kind == "timeout" and lost.transient and lost.maybe_delivered
