"""The activity handler with botbuilder-core's TestAdapter (channel id msteams): mentions in
channels and group chats, 1:1 chats, card submits and conversationUpdate become the engine's
neutral events; what the bot sends is what TestAdapter buffers."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from botbuilder.core.adapters import TestAdapter
from botbuilder.schema import Activity
from sqlalchemy import func, select

from bot.clock import FakeClock
from bot.runtime import Runtime, build_runtime
from bot.settings import load_settings
from bot.teams.files import FileLinks
from bot.teams.handler import LovendeTeamsBot
from bot.teams.inbound import command_text
from bot.teams.pacing import Pacer
from bot.teams.port import TeamsPort
from bot.teams.store import TeamsStore
from bot.teams.testing import (
    BOT_ID,
    BOT_NAME,
    CHANNEL,
    GROUP_CHAT,
    TENANT,
    FakeTime,
    actions_in,
    bot_added,
    message,
    submit,
)
from dialogs import actions
from storage.models import ProcessedEvent
from storage.teams_models import TeamsConversation, TeamsMember

SERVICE = "https://smba.trafficmanager.net/emea/"
CARD = "application/vnd.microsoft.card.adaptive"


@dataclass
class Harness:
    runtime: Runtime
    adapter: TestAdapter
    bot: LovendeTeamsBot

    async def send(self, activity: dict[str, Any]) -> list[Activity]:
        mark = len(self.adapter.activity_buffer)
        await self.adapter.receive_activity(Activity().deserialize(activity))
        await self.bot.settle()  # the turn runs after the answer
        return self.adapter.activity_buffer[mark:]

    async def count(self, model: type[Any]) -> int:
        async with self.runtime.sessions() as session:
            return int(await session.scalar(select(func.count()).select_from(model)) or 0)


def text_of(activities: list[Activity]) -> str:
    return "\n".join(
        json.dumps(a.attachments[0].content, ensure_ascii=False) if a.attachments else a.text or ""
        for a in activities
    )


def submits(activity: Activity) -> list[str]:
    return actions_in(activity.attachments[0].content if activity.attachments else {})


@pytest.fixture
async def harness(database_url: str, clock: FakeClock) -> AsyncIterator[Harness]:
    runtime = await build_runtime(load_settings(database_url=database_url), clock)
    store = TeamsStore(runtime.sessions, clock)
    files = FileLinks(store, clock, "", timedelta(hours=24))
    adapter = TestAdapter(template_or_conversation=Activity(channel_id="msteams"))
    time = FakeTime()
    port = TeamsPort(adapter, "", store, clock, files, Pacer(time.now, time.sleep))
    bot = LovendeTeamsBot(runtime.engine, port)
    adapter.logic = bot.on_turn
    try:
        yield Harness(runtime, adapter, bot)
    finally:
        await runtime.close()


async def test_a_channel_mention_becomes_a_command_and_answers_in_the_channel(
    harness: Harness,
) -> None:
    sent = await harness.send(message("Anna", "start Recovery-forløb", SERVICE))
    assert "Måling af praksis: Recovery-forløb (runde 1)" in text_of(sent)
    assert {a.conversation.id for a in sent} == {CHANNEL}
    assert {a.attachments[0].content_type for a in sent} == {CARD}
    assert all(a.channel_id == "msteams" and a.service_url == SERVICE for a in sent)
    assert await harness.count(TeamsConversation) == 1
    assert await harness.count(TeamsMember) == 1


async def test_a_channel_message_without_a_mention_is_ignored(harness: Harness) -> None:
    sent = await harness.send(message("Anna", "start Recovery", SERVICE, mention=False))
    assert sent == []
    assert await harness.count(ProcessedEvent) == 0
    assert await harness.count(TeamsConversation) == 1  # but the reference is kept


async def test_group_chats_need_a_mention_and_personal_chats_do_not(harness: Harness) -> None:
    group = await harness.send(
        message("Bo", "hjælp", SERVICE, kind="groupChat", conversation_id=GROUP_CHAT)
    )
    assert "`@Lovende praksis start «praksis»`" in text_of(group)
    assert {a.conversation.id for a in group} == {GROUP_CHAT}
    quiet = await harness.send(
        message("Bo", "hjælp", SERVICE, kind="groupChat", conversation_id=GROUP_CHAT, mention=False)
    )
    assert quiet == []
    personal = await harness.send(
        message("Bo", "help", SERVICE, kind="personal", conversation_id="a:1bo-dm", mention=False)
    )
    assert "`start «praksis»`" in text_of(personal)  # no mention in a 1:1 chat
    assert {a.conversation.id for a in personal} == {"a:1bo-dm"}


async def test_quiet_replies_go_into_the_thread_of_the_message(harness: Harness) -> None:
    activity = message("Anna", "hvad nu", SERVICE, activity_id="1710000099999")
    sent = await harness.send(activity)
    assert "Den kender jeg ikke" in text_of(sent)
    assert {a.conversation.id for a in sent} == {f"{CHANNEL};messageid=1710000099999"}


async def test_card_submits_become_interactions_and_questions_go_in_threads(
    harness: Harness,
) -> None:
    intro, _progress = await harness.send(message("Anna", "start Recovery", SERVICE))
    pace = next(a for a in submits(intro) if a.endswith(":all"))
    data = {"lp": pace}
    sent = await harness.send(submit("Anna", data, SERVICE, conversation_id=CHANNEL, reply_to="1"))
    roots = [a for a in sent if a.conversation.id == CHANNEL]
    threaded = [a for a in sent if ";messageid=" in a.conversation.id]
    assert len(roots) == 11 and len(threaded) == 59
    aid = actions.decode(pace).args[0]
    q11 = next(a for a in threaded if f"lp:ans:{aid}:1.1:ja" in submits(a))
    # Bo answers on the card inside the element's thread: the card and progress are updated
    mark = len(harness.adapter.updated_activities)
    await harness.send(
        submit(
            "Bo",
            {"lp": f"lp:ans:{aid}:1.1:ja"},
            SERVICE,
            conversation_id=q11.conversation.id,
            reply_to="x",
        )
    )
    updated = harness.adapter.updated_activities[mark:]
    assert len(updated) == 2
    assert "1 har svaret" in text_of(updated)
    assert updated[0].conversation.id == q11.conversation.id


async def test_multi_select_values_arrive_with_the_submit(harness: Harness) -> None:
    intro, _progress = await harness.send(message("Anna", "start Recovery", SERVICE))
    aid = actions.decode(submits(intro)[1]).args[0]
    await harness.send(
        submit("Anna", {"lp": f"lp:pace:{aid}:all"}, SERVICE, conversation_id=CHANNEL, reply_to="1")
    )
    sent = await harness.send(
        submit(
            "Anna",
            {"lp": f"lp:multi:{aid}:2.2", "selected": "a,c"},
            SERVICE,
            conversation_id=f"{CHANNEL};messageid=9",
            reply_to="12",
        )
    )
    assert any("**2.3**" in text_of([a]) for a in sent)  # the conditional question appears


async def test_a_forged_action_changes_nothing(harness: Harness) -> None:
    sent = await harness.send(
        submit("Anna", {"lp": "lp:ans:999:1.1:ja"}, SERVICE, conversation_id=CHANNEL, reply_to="5")
    )
    assert "Der er ingen måling" in text_of(sent) or "Intet er ændret" in text_of(sent)
    assert (
        await harness.send(
            submit("Anna", {"other": "card"}, SERVICE, conversation_id=CHANNEL, reply_to="5")
        )
        == []
    )


async def test_installation_stores_the_reference_and_welcomes(harness: Harness) -> None:
    sent = await harness.send(bot_added(SERVICE, others=("Bo", "Carla")))
    welcome = text_of(sent)
    assert "Hej – jeg er Lovende praksis" in welcome
    assert "`@Lovende praksis start «praksis»`" in welcome  # a channel: the bot is mentioned
    assert "<praksis>" not in welcome  # (Teams would show "start" and nothing after it)
    assert {a.conversation.id for a in sent} == {CHANNEL}
    assert await harness.count(TeamsConversation) == 1
    assert await harness.count(TeamsMember) == 3  # Anna (who added it), Bo and Carla
    async with harness.runtime.sessions() as session:
        row = await session.scalar(select(TeamsConversation))
    assert row is not None and row.tenant_id == TENANT and row.conversation_type == "channel"
    assert row.reference["bot"]["id"] == BOT_ID
    assert row.reference["serviceUrl"] == SERVICE


async def test_the_channels_reference_is_written_when_its_place_changes_not_its_sender(
    harness: Harness, clock: FakeClock
) -> None:
    """Who spoke last is part of an activity's reference, but not of where the channel is:
    rewriting the row for each new sender would make every activity in a busy channel a write
    (issue 21). A new service URL (Teams moved the conversation) is written at once."""

    async def stored() -> TeamsConversation:
        async with harness.runtime.sessions() as session:
            row = await session.scalar(select(TeamsConversation))
        assert row is not None
        return row

    await harness.send(message("Anna", "hjælp", SERVICE))
    first = await stored()
    for name in ("Bo", "Carla"):
        clock.advance(minutes=1)
        await harness.send(message(name, "hjælp", SERVICE))
    assert (await stored()).updated_at == first.updated_at
    assert await harness.count(TeamsMember) == 3  # each sender is still remembered
    moved = "https://smba.trafficmanager.net/amer/"
    clock.advance(minutes=1)
    await harness.send(message("Bo", "hjælp", moved))
    row = await stored()
    assert row.reference["serviceUrl"] == moved and row.updated_at > first.updated_at


async def test_removing_the_bot_blocks_the_conversation(harness: Harness) -> None:
    await harness.send(bot_added(SERVICE))
    removed = bot_added(SERVICE)
    removed["membersRemoved"] = removed.pop("membersAdded")
    await harness.send(removed)
    async with harness.runtime.sessions() as session:
        row = await session.scalar(select(TeamsConversation))
    assert row is not None and row.blocked_reason == "removed"
    await harness.send(message("Anna", "hjælp", SERVICE))  # added again and used: unblocked
    async with harness.runtime.sessions() as session:
        row = await session.scalar(select(TeamsConversation))
    assert row is not None and row.blocked_reason is None


def test_the_mention_is_removed_also_with_odd_names() -> None:
    for name in (BOT_NAME, "Lovende (test) + bot", "C++ [dev]"):
        raw = message("Anna", "svar 1.1 ja", SERVICE)
        raw["text"] = f"<at>{name}</at>&nbsp;svar 1.1 ja"
        raw["entities"][0]["text"] = f"<at>{name}</at>"
        raw["entities"][0]["mentioned"]["name"] = name
        raw["recipient"]["name"] = name
        assert command_text(Activity().deserialize(raw)) == "svar 1.1 ja"
