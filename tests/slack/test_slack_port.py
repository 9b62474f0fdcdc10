"""The Slack ChatPort against the fake Web API: targets, updates, splits, uploads, DMs,
joining, pacing, 429 retries and failures mapped to DeliveryError."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_slack_response import AsyncSlackResponse
from sqlalchemy import func, select

from bot.ports import Conversation, DeliveryError
from bot.slack.client import delivery_error
from bot.slack.refs import Ref
from bot.slack.testing.harness import SlackHarness, check_all
from dialogs.messages import (
    File,
    Image,
    Message,
    Text,
    ToActorOnly,
    ToChannel,
    ToMember,
)
from storage.models import DeliveryFailure

CONV = Conversation("slack", "T1", "C1", "U1")
KeepFile = Callable[..., Awaitable[str]]  # tests/conftest.py `keep_file`


def text(body: str) -> Message:
    return Message((Text(body),), body)


async def test_to_channel_in_a_thread_and_update(slack: SlackHarness) -> None:
    port = slack.slack.port
    root = await port.post(CONV, ToChannel(), text("Element 1"), None)
    assert Ref.load(root).channel == "C1"
    reply = await port.post(CONV, ToChannel("element:1:1"), text("1.1 Spørgsmål"), root)
    (first, second) = slack.fake.of("chat.postMessage")
    assert "thread_ts" not in first.body
    assert second["thread_ts"] == Ref.load(root).root
    await port.update(CONV, reply, text("1.1 Spørgsmål (2 har svaret)"))
    (update,) = slack.fake.of("chat.update")
    assert (update["channel"], update["ts"]) == ("C1", Ref.load(reply).root)
    assert update["text"] == "1.1 Spørgsmål (2 har svaret)"


async def test_to_member_is_a_private_dm_never_a_mention(slack: SlackHarness) -> None:
    port = slack.slack.port
    ref = await port.post(CONV, ToMember("U2"), text("Husk at svare på 1.1"), None)
    await port.post(CONV, ToMember("U2"), text("Og 1.2"), None)
    assert slack.fake.methods() == ["conversations.open", "chat.postMessage", "chat.postMessage"]
    assert slack.fake.of("conversations.open")[0]["users"] == "U2"
    assert {c["channel"] for c in slack.fake.of("chat.postMessage")} == {"D2"}
    assert "<@" not in str([c.body for c in slack.fake.calls])
    assert Ref.load(ref).channel == "D2"


async def test_a_marked_message_can_be_found_again(slack: SlackHarness) -> None:
    """Issue 15.5: a reminder's message carries its marker in Slack's metadata, so a worker
    that takes over a reminder whose sender died mid-send can ask whether it arrived."""
    port = slack.slack.port
    since = datetime.fromtimestamp(1_700_000_000, UTC)  # the fake Slack's clock
    marked = Message((Text("Husk at svare"),), "Husk at svare", marker="rem-7-0")
    ref = await port.post(CONV, ToMember("U2"), marked, None)
    (posted,) = slack.fake.of("chat.postMessage")
    assert posted["metadata"]["event_payload"] == {"id": "rem-7-0.0"}
    assert await port.find_posted(CONV, ToMember("U2"), marked, since) == ref
    other = Message((Text("Husk at svare"),), "Husk at svare", marker="rem-8-0")
    assert await port.find_posted(CONV, ToMember("U2"), other, since) is None
    assert await port.find_posted(CONV, ToChannel(), other, since) is None


async def test_to_actor_only_is_ephemeral_and_updates_resend(slack: SlackHarness) -> None:
    port = slack.slack.port
    ref = await port.post(CONV, ToActorOnly(), text("Kun til dig"), None)
    (eph,) = slack.fake.of("chat.postEphemeral")
    assert (eph["channel"], eph["user"]) == ("C1", "U1")
    assert Ref.load(ref).user == "U1"
    await port.update(CONV, ref, text("Stadig kun til dig"))
    assert slack.fake.of("chat.update") == []  # Slack cannot update ephemeral messages
    assert len(slack.fake.of("chat.postEphemeral")) == 2
    with pytest.raises(DeliveryError) as err:
        await port.post(Conversation("slack", "T1", "C1"), ToActorOnly(), text("x"), None)
    assert not err.value.retryable


async def test_image_and_file_use_the_files_upload_v2_sequence(
    slack: SlackHarness, keep_file: KeepFile
) -> None:
    """The bytes uploaded are the stored file's (storage/files.py): any replica uploads it."""
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 100
    doc = b"PK\x03\x04docx"
    sessions = slack.runtime.sessions
    png_id = await keep_file(sessions, CONV, "radar.png", png)
    doc_id = await keep_file(sessions, CONV, "rapport-udkast.docx", doc)
    port = slack.slack.port
    root = await port.post(CONV, ToChannel(), text("Element 1"), None)
    message = Message(
        (
            Text("Resultat"),
            Image(png_id, "Radardiagram"),
            File(doc_id, "rapport.docx", "Rapport"),
        ),
        "Resultat",
    )
    await port.post(CONV, ToChannel("el"), message, root)
    assert slack.fake.methods()[1:] == [
        "chat.postMessage",
        "files.getUploadURLExternal",
        "upload",
        "files.completeUploadExternal",
        "files.getUploadURLExternal",
        "upload",
        "files.completeUploadExternal",
    ]
    url1, url2 = slack.fake.of("files.getUploadURLExternal")
    assert (url1["filename"], int(url1["length"])) == ("radar.png", len(png))
    assert url1["alt_txt"] == "Radardiagram" and url2["filename"] == "rapport.docx"
    assert slack.fake.uploads == {"F0001": png, "F0002": doc}
    done = slack.fake.of("files.completeUploadExternal")
    assert [c["channel_id"] for c in done] == ["C1", "C1"]
    assert [c["thread_ts"] for c in done] == [Ref.load(root).root] * 2
    assert done[0]["files"] == [{"id": "F0001", "title": "Radardiagram"}]


async def test_a_file_alone_carries_the_text_as_its_comment(
    slack: SlackHarness, keep_file: KeepFile
) -> None:
    png = await keep_file(slack.runtime.sessions, CONV, "radar.png", b"png")
    await slack.slack.port.post(
        CONV, ToChannel(), Message((Image(png, "Radar"),), "Radar for runde 1"), None
    )
    assert "chat.postMessage" not in slack.fake.methods()
    (done,) = slack.fake.of("files.completeUploadExternal")
    assert done["initial_comment"] == "Radar for runde 1"


async def test_a_long_message_is_split_and_its_update_keeps_the_parts(
    slack: SlackHarness,
) -> None:
    port = slack.slack.port
    long = Message(tuple(Text(f"Linje {i}") for i in range(70)), "Lang")
    ref = await port.post(CONV, ToChannel(), long, None)
    parts = slack.fake.of("chat.postMessage")
    assert [len(c["blocks"]) for c in parts] == [50, 20]
    assert len(Ref.load(ref).stamps) == 2
    await port.update(CONV, ref, text("Kort nu"))
    assert [c.method for c in slack.fake.calls[-2:]] == ["chat.update", "chat.delete"]
    assert slack.fake.calls[-1]["ts"] == Ref.load(ref).stamps[1]
    check_all(slack.fake.calls)


async def test_joins_a_public_channel_once_when_not_in_it(slack: SlackHarness) -> None:
    slack.fake.outside.add("C9")
    await slack.slack.port.post(
        Conversation("slack", "T1", "C9", "U1"), ToChannel(), text("Hej"), None
    )
    assert slack.fake.methods() == ["chat.postMessage", "conversations.join", "chat.postMessage"]


async def test_posts_are_paced_per_channel(slack: SlackHarness) -> None:
    port = slack.slack.port
    for i in range(6):
        await port.post(CONV, ToChannel(), text(f"C1 nr. {i}"), None)
    assert slack.timing.sleeps == [1.0, 1.0, 1.0]  # a burst of 3, then one per second
    await port.post(Conversation("slack", "T1", "C2", "U1"), ToChannel(), text("C2"), None)
    assert len(slack.timing.sleeps) == 3  # another channel does not wait
    slack.timing.now += 60
    await port.post(CONV, ToChannel(), text("Efter en pause"), None)
    assert len(slack.timing.sleeps) == 3


async def test_a_429_is_retried_after_retry_after_and_not_duplicated(
    slack: SlackHarness,
) -> None:
    slack.fake.fail("chat.postMessage", status=429, headers={"Retry-After": "0"})
    r = await slack.command("U1", "start Recovery")
    assert r.status == 200
    posted = [c for c in slack.fake.of("chat.postMessage") if c.response.get("ok")]
    attempts = slack.fake.of("chat.postMessage")
    assert len(attempts) == 3 and len(posted) == 2  # one 429, then intro and progress once
    assert posted[0]["text"].startswith("Måling af praksis")
    assert 0.0 in slack.timing.sleeps


async def test_a_send_that_keeps_failing_is_recorded_not_lost(slack: SlackHarness) -> None:
    slack.fake.fail("chat.postMessage", status=429, headers={"Retry-After": "1"}, times=100)
    r = await slack.command("U1", "start Recovery")
    assert r.status == 200  # acknowledged: the assessment is stored before any send
    async with slack.runtime.sessions() as s:
        failures = list(await s.scalars(select(DeliveryFailure.error)))
        assert await s.scalar(select(func.count()).select_from(DeliveryFailure)) == 2
    assert all("429" in f for f in failures)
    assert len(slack.fake.of("chat.postMessage")) == 2 * 3 * 4  # 2 posts × 3 tries × 4 calls


def api_error(code: str, status: int = 200) -> SlackApiError:
    response = AsyncSlackResponse(
        client=None,  # type: ignore[arg-type]
        http_verb="POST",
        api_url="https://slack.com/api/chat.postMessage",
        req_args={},
        data={"ok": False, "error": code},
        headers={},
        status_code=status,
    )
    return SlackApiError(code, response)


@pytest.mark.parametrize(
    ("code", "status", "retryable"),
    [
        ("ratelimited", 429, True),
        ("internal_error", 200, True),
        ("fatal_error", 500, True),
        ("invalid_auth", 200, False),
        ("channel_not_found", 200, False),
        ("msg_blocks_too_long", 200, False),
        ("token_revoked", 200, False),
    ],
)
def test_failures_map_to_delivery_errors(code: str, status: int, retryable: bool) -> None:
    error = delivery_error(api_error(code, status))
    assert error.retryable is retryable
    assert code in str(error)


def test_connection_failures_are_retryable() -> None:
    import aiohttp

    assert delivery_error(aiohttp.ClientConnectionError()).retryable
    assert not delivery_error(ValueError("x")).retryable


async def test_a_failed_name_lookup_is_not_repeated_at_once(slack: SlackHarness) -> None:
    slack.fake.fail("users.info", error="missing_scope", times=5)
    await slack.command("U1", "hjælp")
    await slack.command("U1", "hjælp")
    assert len(slack.fake.of("users.info")) == 1  # the turn went on without the name
    assert len(slack.fake.of("chat.postEphemeral")) == 2
    slack.timing.now += 61
    await slack.command("U1", "hjælp")
    assert len(slack.fake.of("users.info")) == 2
