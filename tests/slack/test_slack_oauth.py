"""Multi-workspace mode: the OAuth install flow stores the installation in our database with
slack-sdk's SQLAlchemy store; events use the installed token; uninstalling removes it."""

from __future__ import annotations

import base64
import re
from collections.abc import AsyncIterator

import pytest

from bot.clock import FakeClock
from bot.ports import Conversation, DeliveryError
from bot.slack.testing import payloads as p
from bot.slack.testing.api import FakeSlack
from bot.slack.testing.harness import SlackHarness, running_harness, settings_for
from dialogs.messages import Message, Text, ToChannel


@pytest.fixture
async def oauth(
    fake: FakeSlack, database_url: str, clock: FakeClock
) -> AsyncIterator[SlackHarness]:
    settings = settings_for(
        fake, bot_token=None, client_id="111.222", client_secret="client-secret"
    )
    async with running_harness(fake, database_url, clock, settings) as harness:
        yield harness


async def install(slack: SlackHarness) -> None:
    page = await slack.client.get("/slack/install")
    assert page.status == 200
    html = await page.text()
    link = re.search(r'href="(https://slack.com/oauth/v2/authorize\?[^"]+)"', html)
    assert link is not None
    url = link.group(1).replace("&amp;", "&")
    assert "client_id=111.222" in url and "scope=app_mentions:read,channels:join" in url
    state = re.search(r"state=([^&]+)", url)
    assert state is not None
    cookie = page.headers["Set-Cookie"].split(";")[0]
    done = await slack.client.get(
        f"/slack/oauth_redirect?code=the-code&state={state.group(1)}",
        headers={"Cookie": cookie},
    )
    assert done.status == 200, await done.text()


async def test_install_then_use_then_uninstall(oauth: SlackHarness) -> None:
    await install(oauth)
    (access,) = oauth.fake.of("oauth.v2.access")
    assert access["code"] == "the-code"
    assert access.token == "Basic " + base64.b64encode(b"111.222:client-secret").decode()
    assert oauth.slack.store is not None
    bot = await oauth.slack.store.async_find_bot(enterprise_id=None, team_id="T2")
    assert bot is not None and bot.bot_token == "xoxb-installed"

    mark = len(oauth.fake.calls)
    await oauth.event(p.app_mention("U1", "start Recovery"), "Ev50", team="T2")
    posted = oauth.fake.since(mark, "chat.postMessage")
    assert len(posted) == 2 and {c.token for c in posted} == {"xoxb-installed"}

    proactive = Conversation("slack", "T2", "C1")
    await oauth.slack.port.post(proactive, ToChannel(), Message((Text("Påmindelse"),), "P"), None)
    assert oauth.fake.calls[-1].token == "xoxb-installed"

    await oauth.event({"type": "app_uninstalled"}, "Ev51", team="T2")
    assert await oauth.slack.store.async_find_bot(enterprise_id=None, team_id="T2") is None
    with pytest.raises(DeliveryError) as err:
        await oauth.slack.port.post(proactive, ToChannel(), Message((Text("x"),), "x"), None)
    assert not err.value.retryable


async def test_tokens_revoked_removes_the_bot_token(oauth: SlackHarness) -> None:
    await install(oauth)
    revoked = {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["UBOT"]}}
    r = await oauth.event(revoked, "Ev52", team="T2")
    assert r.status == 200
    assert oauth.slack.store is not None
    assert await oauth.slack.store.async_find_bot(enterprise_id=None, team_id="T2") is None


async def test_a_workspace_without_installation_gets_nothing(oauth: SlackHarness) -> None:
    r = await oauth.event(p.app_mention("U1", "start Recovery"), "Ev53", team="T9")
    assert r.status == 200  # bolt acknowledges it (no retries) and does nothing
    assert oauth.fake.of("chat.postMessage") == []


async def test_a_forged_oauth_state_is_refused(oauth: SlackHarness) -> None:
    done = await oauth.client.get("/slack/oauth_redirect?code=c&state=forged")
    assert done.status >= 400
    assert oauth.fake.of("oauth.v2.access") == []
