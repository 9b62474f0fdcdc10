"""What a process keeps of a channel between turns (issue 21, bot/engine.Snapshot), on SQLite
and PostgreSQL: after every turn it is exactly what a fresh read of the database gives at the
channel's version, and a replica's turn is seen by the other replica's next turn."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import select

from bot.testing import BotHarness, texts
from dialogs import actions
from dialogs.events import Interaction
from dialogs.turn import Turn
from storage import turns as repo
from storage.assessment import assessment_view, current_assessment
from storage.models import Channel


async def started(bot: BotHarness) -> int:
    await bot.say("Anna", "start Recovery-forløb")
    aid = int(actions.decode(bot.button("lp:pace:")).args[0])
    await bot.click("Anna", actions.encode("pace", aid, "all"))
    return aid


async def assert_kept_as_stored(bot: BotHarness) -> None:
    """The engine's snapshot of the channel is what a fresh read gives at its version."""
    async with bot.runtime.sessions() as session:
        channel = await session.scalar(select(Channel).where(Channel.external_id == "team"))
        assert channel is not None
        snap = bot.runtime.engine.snapshots.get(channel.id)
        assert snap is not None
        assert snap.version == channel.version
        assert snap.members == await repo.channel_members(session, channel)
        round_ = await current_assessment(session, channel)
        assert round_ is not None
        assert snap.extra["assessment"] == await assessment_view(session, round_)


async def test_what_a_process_keeps_is_what_is_stored(bot: BotHarness) -> None:
    """Answers given, changed and commented, a new member, a renamed member, a comment alone,
    a team answer: after each turn the kept round and members are the stored ones."""
    aid = await started(bot)
    steps = [
        ("Bo", actions.encode("ans", aid, "1.1", "ja"), None),
        ("Carla", actions.encode("ans", aid, "1.1", "nej"), None),
        ("Bo", actions.encode("ans", aid, "1.1", "delvist"), None),  # changed: in place
        ("Bo", actions.encode("ans", aid, "1.2", "ja"), None),  # a new question: last
        ("Dan", actions.encode("ans", aid, "1.1", "ja"), None),  # a new member
        ("Carla", actions.encode("f-cmt", aid, "1.1"), {"comment": "Fordi"}),  # comment alone
        ("Carla", actions.encode("ans", aid, "1.1", "ja"), None),  # keeps the comment
    ]
    for user, action, values in steps:
        await bot.click(user, action, values)
        await assert_kept_as_stored(bot)
    await bot.say("Bo", "svar 1.3 nej: En grund")  # an answer with its comment, typed
    await assert_kept_as_stored(bot)
    renamed = replace(
        bot.inbound("Bo", Interaction(actions.encode("ans", aid, "1.3", "ja"))),
        user_name="Bo Bøgh",
    )
    await bot.runtime.engine.handle(renamed, bot.channel)
    await assert_kept_as_stored(bot)
    await bot.say("Anna", "teamsvar 1.1 ja: Vi er enige")  # not an answer: read again
    await assert_kept_as_stored(bot)


async def test_a_replica_sees_what_the_other_changed(bot: BotHarness, database_url: str) -> None:
    """Two processes on one database: what one kept of the channel is not used after the
    other has changed it."""
    aid = await started(bot)
    for user in ("Bo", "Carla", "Dan"):  # members already: only the answers change
        await bot.say(user, "status")
    other = await BotHarness.start(database_url, bot.clock)
    try:
        await bot.click("Bo", actions.encode("ans", aid, "1.1", "ja"))  # `bot` keeps the round
        await other.click("Carla", actions.encode("ans", aid, "1.1", "nej"))
        shown = texts(await bot.click("Dan", actions.encode("ans", aid, "1.1", "ja")))
    finally:
        await other.close()
    assert "3 har svaret" in shown
    assert "Deltagere               3" in shown
    await assert_kept_as_stored(bot)


async def test_a_turn_overtaken_by_another_replica_reads_the_round_again(
    bot: BotHarness, database_url: str
) -> None:
    """A turn that finds, when it counts the channel's version up, that another replica
    changed the channel since it loaded it reads the round again in full: what it keeps is
    what is stored, and the next turn here does not render from a round missing the other's
    answer. PostgreSQL only: SQLite's write lock at BEGIN lets no two turns overlap."""
    if not database_url.startswith("postgresql"):
        pytest.skip("turns overlap on PostgreSQL only")
    aid = await started(bot)
    for user in ("Bo", "Carla", "Dan", "Eva"):  # members already: only the answers change
        await bot.say(user, "status")
    other = await BotHarness.start(database_url, bot.clock)
    engine = bot.runtime.engine
    load = engine.load_turn
    overtaken = False

    async def load_then_overtaken(
        session: Any, ctx: repo.Context, now: datetime, *args: Any, **kwargs: Any
    ) -> Turn:
        """Dan's turn loads the round; then the other replica's turn commits Carla's answer."""
        nonlocal overtaken
        turn = await load(session, ctx, now, *args, **kwargs)
        if ctx.member.external_id.casefold() == "dan" and not overtaken:
            overtaken = True
            await other.click("Carla", actions.encode("ans", aid, "1.1", "nej"))
        return turn

    try:
        await bot.click("Bo", actions.encode("ans", aid, "1.1", "ja"))  # `bot` keeps the round
        engine.load_turn = load_then_overtaken  # type: ignore[method-assign]
        await bot.click("Dan", actions.encode("ans", aid, "1.2", "ja"))
        engine.load_turn = load  # type: ignore[method-assign]
        assert overtaken
        await assert_kept_as_stored(bot)
        shown = texts(await bot.click("Eva", actions.encode("ans", aid, "1.1", "ja")))
    finally:
        await other.close()
    assert "3 har svaret" in shown  # Bo's, Carla's (the other replica's) and Eva's
    await assert_kept_as_stored(bot)
