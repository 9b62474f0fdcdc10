"""Real-shaped Slack request payloads, as Slack sends them, and their signature."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from bot.slack.verify import signature_of

APP_ID = "A0LOVENDE"
TEAM = "T1"


def signed_headers(
    body: bytes,
    content_type: str,
    secret: str,
    *,
    timestamp: int | None = None,
    signature: str | None = None,
    extra: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The headers of a request to /slack/events: Slack's signature over exactly `body`,
    made at `timestamp` (now) unless `signature` is given."""
    ts = str(timestamp if timestamp is not None else int(time.time()))
    sig = signature or signature_of(secret, ts, body).decode()
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": sig or "",
        **(extra or {}),
    }


def slash_command(
    user: str,
    text: str,
    channel: str = "C1",
    team: str = TEAM,
    response_url: str | None = None,
    channel_name: str | None = None,
) -> bytes:
    return urlencode(
        {
            "token": "legacy-verification-token",
            "team_id": team,
            "team_domain": "lovende-test",
            "channel_id": channel,
            "channel_name": channel_name
            or ("directmessage" if channel.startswith("D") else "team"),
            "user_id": user,
            "user_name": user.lower(),
            "command": "/lovende",
            "text": text,
            "api_app_id": APP_ID,
            "is_enterprise_install": "false",
            "response_url": response_url or f"https://hooks.slack.com/commands/{team}/1/abc",
            "trigger_id": f"trigger-{user}-{len(text)}",
        }
    ).encode()


def event_callback(event: dict[str, Any], event_id: str, team: str = TEAM) -> bytes:
    return json.dumps(
        {
            "token": "legacy-verification-token",
            "team_id": team,
            "api_app_id": APP_ID,
            "event": event,
            "type": "event_callback",
            "event_id": event_id,
            "event_time": 1_700_000_000,
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": team,
                    "user_id": "UBOT",
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
        }
    ).encode()


def app_mention(user: str, text: str, channel: str = "C1", ts: str = "1.000100") -> dict[str, Any]:
    return {
        "type": "app_mention",
        "user": user,
        "text": f"<@UBOT> {text}",
        "ts": ts,
        "channel": channel,
        "event_ts": ts,
        "team": TEAM,
    }


def direct_message(
    user: str, text: str, channel: str = "D1", ts: str = "2.000100"
) -> dict[str, Any]:
    return {
        "type": "message",
        "channel_type": "im",
        "user": user,
        "text": text,
        "ts": ts,
        "channel": channel,
        "event_ts": ts,
        "team": TEAM,
    }


def home_opened(user: str) -> dict[str, Any]:
    return {
        "type": "app_home_opened",
        "user": user,
        "channel": "D" + user[1:],
        "tab": "home",
        "event_ts": "3.000100",
    }


def interactive(payload: dict[str, Any]) -> bytes:
    return urlencode({"payload": json.dumps(payload)}).encode()


def block_actions(
    user: str,
    element: dict[str, Any],
    message: dict[str, Any],
    channel: str = "C1",
    state: dict[str, Any] | None = None,
    team: str = TEAM,
    ephemeral: bool = False,
    channel_name: str = "team",  # "directmessage" in the bot's DM with the user
    response_url: str | None = None,
) -> bytes:
    action = {
        "action_id": element["action_id"],
        "block_id": element.get("block_id", "b1"),
        "type": element["type"],
        "action_ts": "1700000001.000200",
    }
    if element["type"] == "button":
        action |= {"text": element["text"], "value": element.get("value", "")}
        if "style" in element:
            action["style"] = element["style"]
    else:  # a check box ticked
        action["selected_options"] = element.get("selected_options", [])
    container = {
        "type": "message",
        "message_ts": message.get("ts", "1.0"),
        "channel_id": channel,
        "is_ephemeral": ephemeral,
    }
    return interactive(
        {
            "type": "block_actions",
            "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": team},
            "api_app_id": APP_ID,
            "token": "legacy-verification-token",
            "container": container,
            "trigger_id": f"trigger-click-{user}",
            "team": {"id": team, "domain": "lovende-test"},
            "enterprise": None,
            "is_enterprise_install": False,
            "channel": {"id": channel, "name": channel_name},
            "message": {"type": "message", "ts": message.get("ts", "1.0"), **message},
            "state": {"values": state or {}},
            "response_url": response_url or f"https://hooks.slack.com/actions/{team}/1/xyz",
            "actions": [action],
        }
    )


def view_submission(
    user: str, view: dict[str, Any], values: dict[str, str], team: str = TEAM
) -> bytes:
    """Submit a modal as opened with views.open, the user having filled `values` by field (a
    date and time field's value "2026-03-05 13:00" split over its date and time pickers)."""
    state: dict[str, Any] = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        name = block["block_id"].split(":", 1)[1]
        element = block["element"]
        value = values.get(name)
        if element["type"] == "static_select":
            chosen = [o for o in element["options"] if o["value"] == value]
            entry = {"type": "static_select", "selected_option": chosen[0] if chosen else None}
        elif element["type"] == "datepicker":
            entry = {"type": "datepicker", "selected_date": (value or "").split(" ")[0] or None}
        elif element["type"] == "timepicker":
            entry = {"type": "timepicker", "selected_time": (value or "").split(" ")[-1] or None}
        else:
            entry = {"type": "plain_text_input", "value": value}
        state[block["block_id"]] = {element["action_id"]: entry}
    return interactive(
        {
            "type": "view_submission",
            "team": {"id": team, "domain": "lovende-test"},
            "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": team},
            "api_app_id": APP_ID,
            "token": "legacy-verification-token",
            "trigger_id": f"trigger-submit-{user}",
            "view": {
                "id": "V123",
                "team_id": team,
                "type": "modal",
                "blocks": view["blocks"],
                "private_metadata": view.get("private_metadata", ""),
                "callback_id": view.get("callback_id", ""),
                "state": {"values": state},
                "hash": "1700000000.abc",
                "title": view["title"],
                "close": view.get("close"),
                "submit": view.get("submit"),
                "app_id": APP_ID,
                "bot_id": "BBOT",
            },
            "response_urls": [],
            "is_enterprise_install": False,
            "enterprise": None,
        }
    )
