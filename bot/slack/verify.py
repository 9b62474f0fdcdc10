"""Inbound Slack requests are checked before anything reads them, in this order:

1. `signed`: the timestamp is a number within 5 minutes of now and the signature is Slack's
   HMAC over exactly these bytes (else 401). This runs on the raw bytes, before the body is
   parsed: a forged request with a broken body is refused like any other forgery, and no
   parser ever sees it.
2. The body parses into a JSON object (bolt's own parser, so bolt sees what was checked);
   else 400 (bot/slack/mount.py).
3. `problem`: the fields the adapter and bolt read have the types they are read as, the
   action ids' numbers fit a database id, and every Slack id has Slack's format — team `T…`,
   user `U…`/`W…`, channel `C…`/`G…`/`D…`, enterprise `E…` (else 400). Nothing is created for
   a request refused here: no workspace, channel or member row.
4. `Guard.middleware` (bolt, after its authorization; Socket Mode too, where Slack signs
   nothing): `problem` again (Socket Mode: an envelope refused is still acknowledged, else
   Slack resends it), then the request must come from the workspace the token belongs to (one
   workspace) or that was installed (OAuth, where bolt found the installation by the team id
   it reads). A click claiming another team is refused politely, before any turn.

Reasons are logged as field names, never values: a body holds what people wrote.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.response import BoltResponse

from bot.slack.inbound import workspace_of
from bot.slack.modals import FormMeta
from bot.slack.origin import split_value

log = logging.getLogger(__name__)

MAX_AGE = 300  # seconds a signature is good for (slack_sdk/signature)
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
TEAM = re.compile(r"T[A-Z0-9]{1,39}")
USER = re.compile(r"[UW][A-Z0-9]{1,39}")
CHANNEL = re.compile(r"[CGD][A-Z0-9]{1,39}")
ENTERPRISE = re.compile(r"E[A-Z0-9]{1,39}")
WORKSPACE = re.compile(r"[TE][A-Z0-9]{1,39}")  # an org-wide install is known by its E… id
ID_RANGE = range(-(2**63), 2**63)  # a database id (BIGINT)
# Events the manifest subscribes to whose `user` and `channel` the adapter reads.
READ_EVENTS = frozenset({"app_mention", "message", "app_home_opened"})
Body = dict[str, Any]
Field = TypeVar("Field")


def signed(secret: str, headers: Mapping[str, str], raw: bytes, now: float) -> bool:
    """Slack's signature over `raw`, made within MAX_AGE seconds of `now`."""
    stamp = headers.get("X-Slack-Request-Timestamp", "")
    signature = headers.get("X-Slack-Signature", "")
    if not secret or not signature or not _TIMESTAMP.fullmatch(stamp):
        return False
    if abs(now - int(stamp)) > MAX_AGE:
        return False
    return hmac.compare_digest(
        signature_of(secret, stamp, raw), signature.encode("utf-8", "replace")
    )


def signature_of(secret: str, stamp: str, raw: bytes) -> bytes:
    """`v0=` HMAC-SHA256 of `v0:<timestamp>:<body>`, over the body's bytes as they came
    (slack_sdk's verifier decodes them as UTF-8 first, and raises when they are not)."""
    digest = hmac.new(secret.encode(), b"v0:" + stamp.encode() + b":" + raw, hashlib.sha256)
    return b"v0=" + digest.hexdigest().encode()


class Malformed(ValueError):
    """A field is missing or not of its kind; the message names the field, not its value."""


def problem(body: Any) -> str | None:
    """Why the adapter must not read `body` (None: it may)."""
    try:
        _check(body)
    except Malformed as exc:
        return str(exc)
    return None


def _check(body: Any) -> None:
    if not isinstance(body, dict):
        raise Malformed("body")
    kind = body.get("type")
    if kind is None and "command" in body:
        _command(body)
    elif kind == "url_verification":
        _need(body, "challenge", str)
    elif kind == "event_callback":
        _event_callback(body)
    elif kind == "block_actions":
        _interactive(body)
        _actions(body)
    elif kind in ("view_submission", "view_closed"):
        _interactive(body)
        _view(_need(body, "view", dict))
    elif not isinstance(kind, str):
        raise Malformed("type")
    # (other types reach no listener of ours: bolt answers them 404)


def _command(body: Body) -> None:
    for name in ("command", "text", "trigger_id", "response_url", "channel_name"):
        _may(body, name, str)
    _id(body, "team_id", TEAM, required=True)
    _id(body, "user_id", USER, required=True)
    _id(body, "channel_id", CHANNEL, required=True)
    if body.get("enterprise_id"):  # sent empty outside Enterprise Grid
        _id(body, "enterprise_id", ENTERPRISE)


def _event_callback(body: Body) -> None:
    _id(body, "team_id", WORKSPACE, required=True)
    _need(body, "event_id", str)
    _authorizations(body)
    event = _need(body, "event", dict)
    kind = _need(event, "type", str)
    if kind in READ_EVENTS:
        _id(event, "user", USER)
        _id(event, "channel", CHANNEL)
        _may(event, "text", str)
        _may(event, "channel_type", str)
        _may(event, "tab", str)


def _authorizations(body: Body) -> None:
    found = body.get("authorizations")
    if found is None:
        return
    if not isinstance(found, list) or not all(isinstance(a, dict) for a in found):
        raise Malformed("authorizations")
    for grant in found:
        _id(grant, "team_id", WORKSPACE)
        _id(grant, "enterprise_id", ENTERPRISE)


def _interactive(body: Body) -> None:
    """What every interactive payload carries: who, in which workspace."""
    user = _need(body, "user", dict)
    _id(user, "id", USER, required=True)
    _id(user, "team_id", WORKSPACE)
    team, enterprise = _may(body, "team", dict), _may(body, "enterprise", dict)
    if team is not None:
        _id(team, "id", TEAM, required=True)
    if enterprise is not None:
        _id(enterprise, "id", ENTERPRISE, required=True)
    for name in ("team_id", "enterprise_id"):  # not sent today; bolt and we would read them
        _id(body, name, WORKSPACE)
    workspace = workspace_of(body)
    if not isinstance(workspace, str) or not WORKSPACE.fullmatch(workspace):
        raise Malformed("team")
    for name in ("trigger_id", "response_url"):
        _may(body, name, str)


def _actions(body: Body) -> None:
    channel, container = _may(body, "channel", dict), _may(body, "container", dict)
    if channel is not None:
        _id(channel, "id", CHANNEL)
        _may(channel, "name", str)
    if container is not None:
        _id(container, "channel_id", CHANNEL)
    _may(body, "message", dict)
    _may(body, "view", dict)
    actions = body.get("actions")
    if not isinstance(actions, list) or not actions:
        raise Malformed("actions")
    for action in actions:
        if not isinstance(action, dict):
            raise Malformed("actions[]")
        _need(action, "type", str)
        _action_id(_need(action, "action_id", str), "actions[].action_id")
        value = _may(action, "value", str)
        if value is not None:
            _action_id(split_value(value)[0], "actions[].value")
        _options(action.get("selected_options"), "actions[].selected_options")
    state = _may(body, "state", dict)
    if state is not None:
        _state(state)


def _view(view: Body) -> None:
    for name in ("callback_id", "private_metadata", "id", "type"):
        _may(view, name, str)
    for name in ("team_id", "app_installed_team_id"):
        _id(view, name, TEAM)
    _state(_may(view, "state", dict) or {})
    meta = FormMeta.load(view.get("private_metadata") or "")
    if meta is not None:  # ours (Slack keeps it), but what it names is read as an id
        if not CHANNEL.fullmatch(meta.channel):
            raise Malformed("view.private_metadata")
        _action_id(meta.action, "view.private_metadata")


def _state(state: Body) -> None:
    """`state.values`: {block id: {action id: element state}}."""
    values = _may(state, "values", dict) or {}
    for block in values.values():
        if not isinstance(block, dict):
            raise Malformed("state.values")
        for element in block.values():
            if not isinstance(element, dict):
                raise Malformed("state.values")
            _may(element, "type", str)
            _may(element, "value", str)
            selected = _may(element, "selected_option", dict)
            if selected is not None:
                _may(selected, "value", str)
            _options(element.get("selected_options"), "state.values")


def _options(options: Any, where: str) -> None:
    if options is None:
        return
    if not isinstance(options, list):
        raise Malformed(where)
    for option in options:
        if not isinstance(option, dict) or not isinstance(option.get("value", ""), str):
            raise Malformed(where)


def _action_id(action: str, where: str) -> None:
    """Every number in an action (`lp:ans:12:1.1:ja`, `…#tag`) fits a database id."""
    for part in re.split(r"[:#]", action):
        try:
            number = int(part)
        except ValueError:
            continue
        if number not in ID_RANGE:
            raise Malformed(where)


def _need(data: Body, name: str, kind: type[Field]) -> Field:
    """The field `name`, which must be a `kind` (a string, an object)."""
    value = data.get(name)
    if not isinstance(value, kind):
        raise Malformed(name)
    return value


def _may(data: Body, name: str, kind: type[Field]) -> Field | None:
    """The field `name` if it is there: a `kind`, or nothing (null or absent)."""
    return None if data.get(name) is None else _need(data, name, kind)


def _id(data: Body, name: str, form: re.Pattern[str], *, required: bool = False) -> None:
    value = _need(data, name, str) if required else _may(data, name, str)
    if value is not None and not form.fullmatch(value):
        raise Malformed(name)


# ---- in bolt: the shape (Socket Mode) and the workspace ----
Next = Callable[[], Awaitable[BoltResponse | None]]


@dataclass(frozen=True)
class Guard:
    refusal: str  # shown to the person when a command comes from another workspace

    def allowed(self, context: AsyncBoltContext, body: Body) -> bool:
        """Whether the request is from the workspace bolt authorized (see the module doc)."""
        result = context.authorize_result
        if result is None:  # url_verification, ssl_check: nothing is authorized
            return True
        if result.team_id and workspace_of(body) == result.team_id:
            return True
        # An org-wide installation (Enterprise Grid) serves every workspace of its enterprise.
        same_org = bool(result.enterprise_id) and context.enterprise_id == result.enterprise_id
        return same_org and (not result.team_id or bool(context.is_enterprise_install))

    async def middleware(
        self, context: AsyncBoltContext, body: Body, next: Next
    ) -> BoltResponse | None:
        reason = problem(body)
        if reason is not None:  # (over HTTP the route refused it already: Socket Mode)
            log.warning("Slack request refused: malformed %s", reason)
            return BoltResponse(status=200, body="")  # acknowledged, so it is not resent
        if not self.allowed(context, body):
            log.warning("Slack request refused: from a workspace not installed")
            text = self.refusal if "command" in body else ""
            return BoltResponse(status=200, body=text)
        return await next()
