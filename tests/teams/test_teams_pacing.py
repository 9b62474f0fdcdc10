"""The per-conversation pacer keeps every Teams window (7/1 s, 8/2 s, 60/30 s, 1800/h)."""

from __future__ import annotations

from bot.teams.pacing import WINDOWS, Pacer
from bot.teams.testing import FakeTime


def violations(times: list[float]) -> list[str]:
    found = []
    for limit, span in WINDOWS:
        for i in range(len(times) - limit):
            if times[i + limit] - times[i] < span:
                found.append(f"{limit + 1} sends within {span} s at {times[i]}")
                break
    return found


async def test_a_burst_to_one_conversation_is_spread_within_every_window() -> None:
    clock = FakeTime()
    pacer = Pacer(clock.now, clock.sleep)
    sent = []
    for _ in range(200):
        await pacer.wait("tenant|19:kanal")
        sent.append(clock.now())
    assert violations(sent) == []
    assert sent[6] == sent[0]  # the first seven go at once
    # 200 sends need at least three full 30-second windows beyond the first 60
    assert sent[-1] - sent[0] >= 90.0
    assert pacer.waited == clock.t - 1000.0


async def test_conversations_are_paced_independently() -> None:
    clock = FakeTime()
    pacer = Pacer(clock.now, clock.sleep)
    for _ in range(7):
        await pacer.wait("a")
    for _ in range(7):
        await pacer.wait("b")
    assert clock.slept == []


async def test_a_hold_after_429_delays_the_next_send() -> None:
    clock = FakeTime()
    pacer = Pacer(clock.now, clock.sleep)
    await pacer.wait("a")
    pacer.hold("a", 3.0)
    await pacer.wait("a")
    assert clock.slept == [3.0]
    await pacer.wait("b")  # others are not held
    assert clock.slept == [3.0]


async def test_the_hourly_limit_holds() -> None:
    clock = FakeTime()
    pacer = Pacer(clock.now, clock.sleep, windows=((1800, 3600.0),))
    for _ in range(1801):
        await pacer.wait("a")
    assert clock.slept == [3600.0]
