"""`/lovende` in a channel the bot is not in: the person is told, through the command's
`response_url`, to invite the bot — instead of a failure nobody sees (Slack answers
chat.postMessage with `channel_not_found` in a private channel the bot cannot see, and with
`not_in_channel` in a public one it could not join)."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.slack.testing.harness import SlackHarness
from storage.models import DeliveryFailure

INVITE = "Invitér mig først: /invite @Lovende praksis"


async def failures(slack: SlackHarness) -> int:
    async with slack.runtime.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(DeliveryFailure)) or 0)


async def test_a_command_in_a_private_channel_asks_to_invite_the_bot_once(
    slack: SlackHarness,
) -> None:
    slack.fake.hidden.add("C9")
    r = await slack.command("U1", "start Recovery", channel="C9")
    assert r.status == 200
    (told,) = slack.fake.of("response_url")  # once, though the intro and progress both failed
    assert told["response_type"] == "ephemeral" and INVITE in told["text"]
    assert [c.response["error"] for c in slack.fake.of("chat.postMessage")] == [
        "channel_not_found"
    ] * 2
    assert await failures(slack) == 2  # recorded as before, now also said


async def test_an_answer_only_the_person_sees_asks_to_invite_the_bot(
    slack: SlackHarness,
) -> None:
    slack.fake.hidden.add("C9")
    await slack.command("U2", "hjælp", channel="C9")
    (told,) = slack.fake.of("response_url")
    assert INVITE in told["text"]


async def test_a_public_channel_the_bot_cannot_join_asks_to_invite_it(
    slack: SlackHarness,
) -> None:
    slack.fake.outside.add("C8")
    slack.fake.fail("conversations.join", error="missing_scope", times=2)
    await slack.command("U1", "start Recovery", channel="C8")
    (told,) = slack.fake.of("response_url")
    assert INVITE in told["text"]


async def test_a_public_channel_is_joined_and_nobody_is_asked(slack: SlackHarness) -> None:
    slack.fake.outside.add("C8")
    await slack.command("U1", "start Recovery", channel="C8")
    assert slack.fake.of("response_url") == []
    assert [c["channel"] for c in slack.fake.done("chat.postMessage")] == ["C8", "C8"]


async def test_a_response_url_that_is_not_slacks_is_not_called(slack: SlackHarness) -> None:
    """The URL is taken from the signed request only when it is Slack's (or the fake's)."""
    from bot.slack.testing import payloads as p

    slack.fake.hidden.add("C9")
    body = p.slash_command("U1", "hjælp", "C9", response_url="https://example.org/steal")
    r = await slack.send(body, "application/x-www-form-urlencoded")
    assert r.status == 200 and slack.fake.of("response_url") == []
