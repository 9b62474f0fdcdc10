"""Requests that must never hurt: the signature is checked before the body is parsed, a signed
body that is not shaped as Slack shapes it is refused, and a refused request creates nothing —
no workspace, channel or member row (bot/slack/verify.py, bot/slack/mount.py).

Before, unsigned requests with a broken body got 500 with a traceback (bolt parsed the body
before checking the signature), signed oddly shaped payloads got 500, and a click claiming
another workspace created that workspace, its channel and the person."""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, inspect, select, table

from bot.slack.testing import payloads as p
from bot.slack.testing.harness import SlackHarness

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
BUTTON = {
    "type": "button",
    "action_id": "lp:ans:1:1.1:ja",
    "value": "lp:ans:1:1.1:ja",
    "text": {"type": "plain_text", "text": "Ja"},
}


async def stored(slack: SlackHarness) -> dict[str, int]:
    """Rows per table, the tables that hold any (the inbox's own SQLite file included)."""

    def names(conn: Any) -> list[str]:
        return [n for n in inspect(conn).get_table_names() if n != "alembic_version"]

    counts: dict[str, int] = {}
    for engine in {slack.runtime.db, slack.runtime.inbox_db or slack.runtime.db}:
        async with engine.connect() as conn:
            for name in await conn.run_sync(names):
                n = int(await conn.scalar(select(func.count()).select_from(table(name))) or 0)
                if n:
                    counts[name] = n
    return counts


def tracebacks(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Log records with a traceback or at ERROR: none is expected from a refused request."""
    return [r.getMessage() for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


def click(**changes: Any) -> dict[str, Any]:
    """A real-shaped answer click (in C1 of T1 by U1), with top-level fields changed."""
    (payload,) = dict(parse_qsl(p.block_actions("U1", BUTTON, {"ts": "1.0"}).decode())).values()
    return {**json.loads(payload), **changes}


def command(**changes: str) -> dict[str, str]:
    return {**dict(parse_qsl(p.slash_command("U1", "start Recovery").decode())), **changes}


async def post_raw(slack: SlackHarness, body: bytes, headers: dict[str, str]) -> int:
    response = await slack.client.post("/slack/events", data=body, headers=headers)
    await response.read()
    await slack.slack.idle()
    return response.status


UNSIGNED = {
    "payload={x": (b"payload={x", FORM, {}),
    "payload=[1]": (b"payload=[1]", FORM, {}),
    "JSON {": (b"{", JSON, {}),
    "non-numeric timestamp": (
        b'{"type": "event_callback"}',
        JSON,
        {"X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": "v0=" + "0" * 64},
    ),
    "non-ASCII signature": (
        b"payload={x",
        FORM,
        {"X-Slack-Request-Timestamp": "1700000000", "X-Slack-Signature": "v0=ø"},
    ),
}


@pytest.mark.parametrize("case", UNSIGNED)
async def test_unsigned_requests_with_broken_bodies_get_401_without_a_traceback(
    slack: SlackHarness, caplog: pytest.LogCaptureFixture, case: str
) -> None:
    body, content_type, headers = UNSIGNED[case]
    status = await post_raw(slack, body, {"Content-Type": content_type, **headers})
    assert status == 401
    assert tracebacks(caplog) == []
    assert slack.fake.calls == [] and await stored(slack) == {}


SIGNED_BROKEN = {
    "payload={x": (b"payload={x", FORM),
    "payload=[1]": (b"payload=[1]", FORM),
    'payload="x"': (b"payload=%22x%22", FORM),
    "JSON {": (b"{", JSON),
    "JSON [1]": (b"[1]", JSON),
    "JSON null": (b"null", JSON),
    "not UTF-8": (b"payload=\xff\xfe", FORM),
    "empty": (b"", FORM),
}


@pytest.mark.parametrize("case", SIGNED_BROKEN)
async def test_signed_requests_with_broken_bodies_get_400_without_a_traceback(
    slack: SlackHarness, caplog: pytest.LogCaptureFixture, case: str
) -> None:
    body, content_type = SIGNED_BROKEN[case]
    assert (await slack.send(body, content_type)).status == 400
    assert tracebacks(caplog) == []
    assert slack.fake.calls == [] and await stored(slack) == {}


def interactive(payload: dict[str, Any]) -> tuple[bytes, str]:
    return p.interactive(payload), FORM


def event(**changes: Any) -> tuple[bytes, str]:
    body = json.loads(p.event_callback(p.app_mention("U1", "status"), "Ev1"))
    return json.dumps({**body, **changes}).encode(), JSON


ODD = {
    "user is a string": interactive(click(user="U1")),
    "actions is empty": interactive(click(actions=[])),
    "actions holds a string": interactive(click(actions=["lp:ans:1:1.1:ja"])),
    "a 20-digit id in the action": interactive(
        click(actions=[{**BUTTON, "value": "lp:ans:12345678901234567890:1.1:ja"}])
    ),
    "garbage in state": interactive(click(state={"values": {"b": "x"}})),
    "state is a list": interactive(click(state=[1, 2])),
    "no user": interactive({k: v for k, v in click().items() if k != "user"}),
    "no team": interactive(click(team=None, user={"id": "U1"})),
    "team id not T…": interactive(click(team={"id": "C1"})),
    "user id not U…/W…": interactive(click(user={"id": "T1", "team_id": "T1"})),
    "channel id not C…/G…/D…": interactive(click(channel={"id": "U1", "name": "x"})),
    "enterprise id not E…": interactive(click(enterprise={"id": "T1"})),
    "view is a string": interactive({**click(), "type": "view_submission", "view": "v"}),
    "view state garbage": interactive(
        {**click(), "type": "view_submission", "view": {"private_metadata": "", "state": 7}}
    ),
    "command without user": (urlencode(command(user_id="")).encode(), FORM),
    "command in a channel id not C…": (urlencode(command(channel_id="U1")).encode(), FORM),
    "command from team id not T…": (urlencode(command(team_id="t1")).encode(), FORM),
    "event is a string": event(event="app_mention"),
    "event user is a list": event(event={**p.app_mention("U1", "x"), "user": ["U1"]}),
    "event without team": event(team_id=None),
    "authorizations is a string": event(authorizations="T1"),
    "no type": (json.dumps({"team_id": "T1"}).encode(), JSON),
}


@pytest.mark.parametrize("case", ODD)
async def test_signed_oddly_shaped_payloads_are_refused_and_store_nothing(
    slack: SlackHarness, caplog: pytest.LogCaptureFixture, case: str
) -> None:
    body, content_type = ODD[case]
    response = await slack.send(body, content_type)
    assert response.status == 400
    assert tracebacks(caplog) == []
    assert slack.fake.calls == [] and await stored(slack) == {}


async def test_a_click_claiming_another_workspace_is_refused_and_creates_no_rows(
    slack: SlackHarness, caplog: pytest.LogCaptureFixture
) -> None:
    """The bot's token belongs to T1 (auth.test); T2 is a workspace it is not installed in."""
    body = p.block_actions("U9", BUTTON, {"ts": "1.0"}, "C9", team="T2")
    assert (await slack.send(body, FORM)).status == 200
    answer = await slack.send(p.slash_command("U9", "start Recovery", "C9", team="T2"), FORM)
    assert answer.status == 200
    assert "ikke installeret" in await answer.text()  # shown to the person
    mention = p.event_callback(p.app_mention("U9", "start Recovery", "C9"), "Ev9", team="T2")
    assert (await slack.send(mention, JSON)).status == 200  # acknowledged: no retry
    assert await stored(slack) == {}
    assert slack.fake.methods() == ["auth.test"]  # bolt's authorization, nothing else
    assert tracebacks(caplog) == []
    # The same click from the bot's own workspace is taken (and then refused by the dialog:
    # there is no round 1 in C1).
    await slack.send(p.block_actions("U1", BUTTON, {"ts": "1.0"}, "C1"), FORM)
    assert "channels" in await stored(slack)


# ---- signed payload mutations: never a 5xx ----
JSON_VALUE = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(10**21), max_value=10**21),
        st.sampled_from(["", "T1", "U1", "C1", "D1", "E1", "lp:ans:1:1.1:ja", "1" * 20]),
        st.text(max_size=12),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON value, parents before children."""
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, inner in value.items():
            found += paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            found += paths(inner, (*prefix, i))
    return found


def mutate(value: Any, path: tuple[Any, ...], new: Any, delete: bool) -> Any:
    """A copy of `value` with `path` replaced by `new` (or removed)."""
    head, rest = path[0], path[1:]
    copy: Any = dict(value) if isinstance(value, dict) else list(value)
    if rest:
        copy[head] = mutate(copy[head], rest, new, delete)
    elif delete and isinstance(copy, dict):
        del copy[head]
    else:
        copy[head] = new
    return copy


def submission() -> dict[str, Any]:
    view = {
        "title": {"type": "plain_text", "text": "Kommentar"},
        "private_metadata": json.dumps({"a": "lp:f-cmt:1:1.1", "c": "C1"}),
        "blocks": [
            {
                "type": "input",
                "block_id": "f:comment",
                "element": {"type": "plain_text_input", "action_id": "value"},
                "label": {"type": "plain_text", "text": "Kommentar"},
            }
        ],
    }
    (payload,) = dict(parse_qsl(p.view_submission("U1", view, {"comment": "x"}).decode())).values()
    return dict(json.loads(payload))


BASES: dict[str, tuple[Any, str]] = {
    "click": (click(), "interactive"),
    "submission": (submission(), "interactive"),
    "mention": (json.loads(p.event_callback(p.app_mention("U1", "status"), "Ev1")), "json"),
    "dm": (json.loads(p.event_callback(p.direct_message("U1", "hjælp"), "Ev2")), "json"),
    "command": (command(text="status"), "form"),
}


@st.composite
def mutated(draw: st.DrawFn) -> tuple[bytes, str]:
    name = draw(st.sampled_from(sorted(BASES)))
    value, encoding = BASES[name]
    for _ in range(draw(st.integers(1, 3))):
        places = paths(value)
        if not places:
            break
        path = draw(st.sampled_from(places))
        new = draw(JSON_VALUE)
        value = mutate(value, path, str(new) if encoding == "form" else new, draw(st.booleans()))
    if encoding == "form":
        return urlencode(value).encode(), FORM
    if encoding == "interactive":
        return p.interactive(value), FORM
    return json.dumps(value).encode(), JSON


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(request=mutated())
async def test_signed_payload_mutations_never_get_a_5xx(
    slack: SlackHarness, caplog: pytest.LogCaptureFixture, request: tuple[bytes, str]
) -> None:
    body, content_type = request
    response = await slack.send(body, content_type)
    assert response.status < 500, (response.status, body[:300])
    assert tracebacks(caplog) == [], body[:300]


@pytest.mark.parametrize(
    ("token", "request_ids", "allowed"),
    [
        (("T1", None), ("T1", None, False), True),
        (("T1", None), ("T2", None, False), False),
        (("T1", "E1"), ("T2", "E1", False), False),  # a workspace install in a Grid org
        (("T1", "E1"), ("T2", "E1", True), True),  # an org-wide install
        (("T1", "E1"), ("T2", "E2", True), False),
        ((None, "E1"), ("T2", "E1", False), True),
        ((None, "E1"), ("T2", "E2", False), False),
    ],
)
def test_the_workspace_rule(
    token: tuple[str | None, str | None],
    request_ids: tuple[str, str | None, bool],
    allowed: bool,
) -> None:
    """`Guard.allowed`: the workspace the token (or installation) belongs to, or any workspace
    of its enterprise for an org-wide installation."""
    from slack_bolt.authorization import AuthorizeResult
    from slack_bolt.context.async_context import AsyncBoltContext

    from bot.slack.verify import Guard

    team, enterprise, org_wide = request_ids
    context = AsyncBoltContext(
        {"team_id": team, "enterprise_id": enterprise, "is_enterprise_install": org_wide}
    )
    context.set_authorize_result(AuthorizeResult(team_id=token[0], enterprise_id=token[1]))
    body = {"type": "block_actions", "team": {"id": team}}
    assert Guard("").allowed(context, body) is allowed
