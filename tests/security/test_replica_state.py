"""What one replica learns, another may need (issue 19, point 1), on SQLite and PostgreSQL.

- A long Slack message whose sending failed part-way is continued by whichever replica tries
  again: the parts already posted are known from the database (`slack_sent_parts`), not from
  the memory of the process that posted them, so the team never sees a part twice. The row
  is gone once the message is complete, and forgotten after an hour.
- A generated file is uploaded to Slack by a replica that did not make it (its bytes are in
  the database).
Two replicas here are two runtimes, each with its own Slack adapter, over one database.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from sqlalchemy import func, select

from bot.clock import FakeClock
from bot.ports import Conversation, DeliveryError
from bot.slack.testing.api import FakeSlack
from bot.slack.testing.fixtures import fake
from bot.slack.testing.harness import SlackHarness, running_harness, settings_for
from dialogs.messages import Image, Message, Text, ToChannel
from storage.file_models import GeneratedFile
from storage.files import GeneratedFiles
from storage.slack_outbox import SlackSentParts

CONV = Conversation("slack", "T1", "C1", "U1")
POST = "chat.postMessage"
__all__ = ["fake"]  # the Slack kit's fixture, used here

LONG = Message(tuple(Text(f"Linje {i}") for i in range(70)), "Lang besked")  # 50 + 20 blocks


@pytest.fixture
async def replicas(
    fake: FakeSlack, database_url: str, clock: FakeClock
) -> AsyncIterator[tuple[SlackHarness, SlackHarness]]:
    fake.wall = lambda: clock.now().timestamp()  # Slack's timestamps on the bot's clock
    async with (
        running_harness(fake, database_url, clock, settings_for(fake)) as a,
        running_harness(fake, database_url, clock, settings_for(fake)) as b,
    ):
        yield a, b


async def kept_rows(harness: SlackHarness) -> int:
    async with harness.runtime.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(SlackSentParts)) or 0)


async def test_a_message_sent_part_way_by_one_replica_is_finished_by_another(
    replicas: tuple[SlackHarness, SlackHarness], fake: FakeSlack
) -> None:
    a, b = replicas
    # The second part fails on a until a gives up (its client retries twice).
    fake.fail(POST, status=503, error="service_unavailable", times=3, after=1)
    with pytest.raises(DeliveryError):
        await a.slack.port.post(CONV, ToChannel(), LONG, None)
    assert [len(c["blocks"]) for c in fake.done(POST)] == [50]
    assert await kept_rows(a) == 1  # in the database: any replica sees it

    ref = await b.slack.port.post(CONV, ToChannel(), LONG, None)

    posted = fake.done(POST)
    assert [len(c["blocks"]) for c in posted] == [50, 20]  # each part once, in order
    assert ref.endswith(posted[1].response["ts"]) and posted[0].response["ts"] in ref
    assert await kept_rows(b) == 0  # finished: nothing left to remember


async def test_what_was_sent_part_way_is_forgotten_after_an_hour(
    replicas: tuple[SlackHarness, SlackHarness], fake: FakeSlack, clock: FakeClock
) -> None:
    a, b = replicas
    fake.fail(POST, status=503, error="service_unavailable", times=3, after=1)
    with pytest.raises(DeliveryError):
        await a.slack.port.post(CONV, ToChannel(), LONG, None)
    clock.advance(hours=1, seconds=1)
    await b.slack.port.post(CONV, ToChannel(), LONG, None)  # a send afresh, an hour later
    assert [len(c["blocks"]) for c in fake.done(POST)] == [50, 50, 20]
    assert await kept_rows(b) == 0


async def test_a_file_made_on_one_replica_is_uploaded_by_another(
    replicas: tuple[SlackHarness, SlackHarness],
    fake: FakeSlack,
    keep_file: Callable[..., Awaitable[str]],
) -> None:
    a, b = replicas
    chart = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40
    file_id = await keep_file(a.runtime.sessions, CONV, "radar-recovery-1.png", chart)
    message = Message((Image(file_id, "Radardiagram"),), "Resultat")
    await b.slack.port.post(CONV, ToChannel(), message, None)
    assert list(fake.uploads.values()) == [chart]
    (url,) = fake.of("files.getUploadURLExternal")
    assert url["filename"] == "radar-recovery-1.png"

    # A file that is gone (its channel's data deleted meanwhile) is not uploaded.
    async with a.runtime.sessions() as session, session.begin():
        await session.delete(await session.get(GeneratedFile, file_id))
    with pytest.raises(DeliveryError, match="gone"):
        await b.slack.port.post(CONV, ToChannel(), message, None)
    assert len(fake.uploads) == 1
    assert await GeneratedFiles(b.runtime.sessions).read(file_id) is None
