"""One message per key (issue 15.6): a keyed message (an element's card, a question, a meeting
step) is posted once even when another turn of the same channel runs while its first post is
still in flight — through the engine, with a post held open (`HoldingChannel`), in both orders,
on SQLite and PostgreSQL; across two replicas (polling), a poster that died (its reservation's
lease runs out), and the meetings case.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from bot.clock import FakeClock
from bot.console.channel import Record
from bot.delivery import POST_LEASE, Plan
from bot.testing import BotHarness, HeldPost, texts
from dialogs import actions
from dialogs.events import Command, Interaction
from storage import turns as repo
from storage.models import PostedMessage

WAIT = 20.0  # seconds: a bound on waits for a condition, never a pause


async def said(bot: BotHarness, text: str) -> None:
    """Wait (bounded) until the channel has shown `text`."""
    await bot.channel.until(lambda: any(text in texts([r]) for r in bot.channel.records), WAIT)


def posts(records: list[Record], prefix: str) -> list[Record]:
    return [
        r
        for r in records
        if r.kind == "post" and r.message is not None and r.message.fallback.startswith(prefix)
    ]


def shown(records: list[Record], ref: str) -> str:
    """What the message `ref` shows last (its post or its latest update)."""
    last = [r for r in records if r.ref == ref and r.message is not None][-1]
    return texts([last])


async def round_started(bot: BotHarness) -> int:
    await bot.say("Anna", "start Recovery")
    await bot.say("Bo", "status")
    return bot.assessment_id()


async def released(held: HeldPost, *tasks: asyncio.Task[list[Record]]) -> None:
    held.release.set()
    async with asyncio.timeout(WAIT):
        await asyncio.gather(*tasks)


async def test_an_answer_while_all_elements_are_posting_updates_the_one_card(
    bot: BotHarness,
) -> None:
    """The issue's case: `svar 11.7 ja` while "Alle elementer nu" is still posting. The answer's
    turn waits for the card in flight and then updates it with its tally; its other messages
    do not wait."""
    aid = await round_started(bot)
    held = bot.channel.hold("11.7 ")
    pace = asyncio.create_task(bot.click("Anna", actions.encode("pace", aid, "all")))
    async with asyncio.timeout(WAIT):
        await held.started.wait()
    answer = asyncio.create_task(bot.say("Bo", "svar 11.7 ja"))
    await said(bot, "Gemt: 11.7")  # Bo's confirmation goes before the card he waits for
    assert posts(bot.channel.records, "11.7 ") == []
    await released(held, pace, answer)

    records = bot.channel.records
    (card,) = posts(records, "11.7 ")
    (root,) = posts(records, "Element 11")
    assert card.thread == root.ref  # in its element's thread
    assert "1 har svaret" in shown(records, card.ref)  # Bo's answer, rendered after his commit
    async with bot.runtime.sessions() as s:
        rows = list(await s.scalars(select(PostedMessage).where(PostedMessage.ref.is_(None))))
    assert rows == []  # no reservation left behind


async def test_when_the_post_in_flight_fails_the_waiting_turn_posts_the_card(
    bot: BotHarness,
) -> None:
    aid = await round_started(bot)
    held = bot.channel.hold("11.7 ", fails=True)
    pace = asyncio.create_task(bot.click("Anna", actions.encode("pace", aid, "all")))
    async with asyncio.timeout(WAIT):
        await held.started.wait()
    answer = asyncio.create_task(bot.say("Bo", "svar 11.7 ja"))
    await said(bot, "Gemt: 11.7")
    await released(held, pace, answer)
    (card,) = posts(bot.channel.records, "11.7 ")
    assert card.conv.actor == "bo" and "1 har svaret" in texts([card])


async def test_content_rendered_earlier_does_not_replace_later_content(bot: BotHarness) -> None:
    """The other order: the answer's turn posts the card first (held), and the turn that
    rendered it earlier ("Alle elementer nu", committed before) reaches the key while it is in
    flight: it waits, and leaves the newer card alone."""
    aid = await round_started(bot)
    engine = bot.runtime.engine
    conv = bot.conv("Anna")
    pace = Interaction(actions.encode("pace", aid, "all"), {})
    plan = await committed(bot, "Anna", pace)  # rendered and committed, not yet delivered
    held = bot.channel.hold("11.7 ")
    answer = asyncio.create_task(bot.say("Bo", "svar 11.7 ja"))
    async with asyncio.timeout(WAIT):
        await held.started.wait()
    delivery = asyncio.create_task(engine.deliver(conv, plan, bot.channel))
    await said(bot, "11.6 ")  # the earlier turn's other cards go out meanwhile
    held.release.set()
    async with asyncio.timeout(WAIT):
        await asyncio.gather(answer, delivery)

    records = bot.channel.records
    (card,) = posts(records, "11.7 ")
    assert "1 har svaret" in shown(records, card.ref)
    assert [r for r in records if r.ref == card.ref and r.kind == "update"] == []


async def committed(bot: BotHarness, user: str, event: Interaction | Command) -> Plan:
    """A turn run up to its commit (what `Engine.act` does before it delivers): its plan."""
    engine = bot.runtime.engine
    inbound = bot.inbound(user, event)
    async with bot.runtime.sessions() as session, session.begin():
        now = bot.clock.now()
        place = repo.Place("console", bot.workspace, bot.default_channel, bot.default_channel)
        ctx = await repo.context_for(session, place, user.casefold(), user, now)
        turn = await engine.load_turn(session, ctx, now)
        outcome = engine.route(inbound.event).step(turn, inbound.event)
        return await engine.commit_outcome(session, ctx, turn, outcome, now)


async def test_another_replica_waits_for_the_card_in_flight(
    database_url: str, clock: FakeClock
) -> None:
    first = await BotHarness.start(database_url, clock)
    second = await BotHarness.start(database_url, clock)
    try:
        aid = await round_started(first)
        held = first.channel.hold("11.7 ")
        pace = asyncio.create_task(first.click("Anna", actions.encode("pace", aid, "all")))
        async with asyncio.timeout(WAIT):
            await held.started.wait()
        # Each replica's render times increase on their own: across replicas, later means a
        # later clock (the fake clock moves as time would).
        clock.advance(seconds=1)
        answer = asyncio.create_task(second.say("Bo", "svar 11.7 ja"))
        await said(second, "Gemt: 11.7")
        await released(held, pace, answer)

        (card,) = posts(first.channel.records, "11.7 ")
        assert posts(second.channel.records, "11.7 ") == []
        updates = [r for r in second.channel.records if r.ref == card.ref]
        assert updates and "1 har svaret" in texts(updates[-1:])
    finally:
        await second.close()
        await first.close()


async def test_a_key_whose_poster_died_is_posted_after_its_lease(
    database_url: str, clock: FakeClock
) -> None:
    dead = await BotHarness.start(database_url, clock)
    alive = await BotHarness.start(database_url, clock)
    stuck: asyncio.Task[list[Record]] | None = None
    try:
        aid = await round_started(dead)
        await dead.click("Anna", actions.encode("pace", aid, "one"))
        held = dead.channel.hold("Element 2")  # never released: this process "died" here
        stuck = asyncio.create_task(dead.say("Anna", "næste"))
        async with asyncio.timeout(WAIT):
            await held.started.wait()
        answer = asyncio.create_task(alive.say("Bo", "svar 2.1 ja"))
        await said(alive, "Gemt: 2.1")
        assert posts(alive.channel.records, "2.1 ") == []  # it waits for the reservation
        clock.advance(seconds=POST_LEASE.total_seconds() + 1)
        async with asyncio.timeout(WAIT):
            await answer
        (card,) = posts(alive.channel.records, "2.1 ")
        assert "1 har svaret" in texts([card])
    finally:
        if stuck is not None:
            stuck.cancel()
            await asyncio.gather(stuck, return_exceptions=True)
        await alive.close()
        await dead.close()


async def test_a_meeting_command_right_after_the_next_step_updates_the_step_card(
    bot: BotHarness,
) -> None:
    await round_started(bot)
    mid = await bot.plan_meeting(participants="Anna, Bo", focus="")
    prep = {"positive": "Flere mål", "improvement": "Færre møder", "question": ""}
    await bot.click("Bo", actions.encode("mtf-prep", mid), prep)
    await bot.say("Anna", "møde start")
    held = bot.channel.hold("Observationer og temaer")
    step = asyncio.create_task(bot.say("Anna", "møde næste"))
    async with asyncio.timeout(WAIT):
        await held.started.wait()
    observe = asyncio.create_task(bot.say("Bo", "møde observation Vi mangler data"))
    await said(bot, "Din observation er tilføjet.")
    await released(held, step, observe)

    records = bot.channel.records
    (card,) = posts(records, "Observationer og temaer")
    assert "3. Vi mangler data" in shown(records, card.ref)
