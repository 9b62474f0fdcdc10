"""Activities shaped as Teams sends them: messages, card submits and Action.Execute invokes,
the bot added to a team; the tenant, team, channel and people they come from."""

from __future__ import annotations

import itertools
from typing import Any

from bot.teams.cards import TIME_SUFFIX

TENANT = "72f988bf-0000-4000-8000-000000000001"
BOT_ID = "28:4b1c5e2a-0000-4000-8000-00000000b07"
BOT_NAME = "Lovende praksis"
TEAM = {"id": "19:team-omsorg@thread.tacv2", "name": "Bostedet Solhøj"}
CHANNEL = "19:kanal-recovery@thread.tacv2"
GROUP_CHAT = "19:meeting_gruppe-chat@thread.v2"
USERS = {
    "Anna": ("29:1anna", "aad-anna-0001"),
    "Bo": ("29:1bo", "aad-bo-0002"),
    "Carla": ("29:1carla", "aad-carla-0003"),
}


_ids = itertools.count(1)


def _account(user: str) -> dict[str, Any]:
    uid, aad = USERS.get(user, (f"29:1{user.casefold()}", f"aad-{user.casefold()}"))
    return {"id": uid, "name": user, "aadObjectId": aad}


def conversation_of(kind: str, conversation_id: str) -> dict[str, Any]:
    data: dict[str, Any] = {"id": conversation_id, "tenantId": TENANT, "conversationType": kind}
    if kind != "personal":
        data["isGroup"] = True
    return data


def channel_data(kind: str) -> dict[str, Any]:
    data: dict[str, Any] = {"tenant": {"id": TENANT}}
    if kind == "channel":
        data.update(
            team=TEAM,
            channel={"id": CHANNEL, "name": "Recovery"},
            teamsTeamId=TEAM["id"],
            teamsChannelId=CHANNEL,
        )
    return data


def message(
    user: str,
    text: str,
    service_url: str,
    *,
    kind: str = "channel",
    conversation_id: str = CHANNEL,
    mention: bool = True,
    activity_id: str | None = None,
) -> dict[str, Any]:
    entities: list[dict[str, Any]] = [{"type": "clientInfo", "locale": "da-DK", "country": "DK"}]
    if mention:
        at = f"<at>{BOT_NAME}</at>"
        text = f"{at} {text}"
        entities.insert(
            0, {"type": "mention", "mentioned": {"id": BOT_ID, "name": BOT_NAME}, "text": at}
        )
    return {
        "type": "message",
        "id": activity_id or f"17100000{next(_ids):05d}",
        "timestamp": "2026-03-02T09:00:00.000Z",
        "serviceUrl": service_url,
        "channelId": "msteams",
        "from": _account(user),
        "conversation": conversation_of(kind, conversation_id),
        "recipient": {"id": BOT_ID, "name": BOT_NAME},
        "textFormat": "plain",
        "text": text,
        "entities": entities,
        "channelData": channel_data(kind),
        "locale": "da-DK",
    }


def submit(
    user: str,
    data: dict[str, Any],
    service_url: str,
    *,
    conversation_id: str,
    reply_to: str,
    kind: str = "channel",
) -> dict[str, Any]:
    """What Teams sends when someone presses an Action.Submit: empty text, data in `value`."""
    activity = message(
        user, "", service_url, kind=kind, conversation_id=conversation_id, mention=False
    )
    activity.pop("text")
    activity["replyToId"] = reply_to
    activity["value"] = data
    return activity


def execute(
    user: str,
    data: dict[str, Any],
    service_url: str,
    *,
    conversation_id: str,
    reply_to: str,
    kind: str = "channel",
    verb: str = "lp",
    trigger: str = "manual",
) -> dict[str, Any]:
    """What Teams sends when someone presses an Action.Execute (or when a card's refresh asks
    for their view: `verb` "lp-own", `trigger` "automatic"): an `adaptiveCard/action` invoke
    whose answer the person alone sees: a submit's activity, as an invoke."""
    activity = submit(
        user, data, service_url, conversation_id=conversation_id, reply_to=reply_to, kind=kind
    )
    activity.pop("textFormat")
    activity.update(
        type="invoke",
        name="adaptiveCard/action",
        value={
            "action": {"type": "Action.Execute", "id": "", "verb": verb, "data": data},
            "trigger": trigger,
        },
    )
    return activity


def meeting_plan_inputs(**changes: str) -> dict[str, str]:
    """The inputs of the card `møde planlæg` shows, as Anna fills them in on Teams: a date and
    a time picked (5 March 2026, 13:00), herself (by her Entra id) as the facilitator and the
    only participant, live, two themes; some of them otherwise with `changes`."""
    values = {
        "when": "2026-03-05",
        "when" + TIME_SUFFIX: "13:00",
        "facilitator": USERS["Anna"][1],
        "participants": "Anna",
        "mode": "live",
        "themes": "2",
    }
    return {**values, **changes}


def kind_of(conversation_id: str) -> str:
    if conversation_id.startswith("a:"):
        return "personal"
    return "groupChat" if conversation_id.endswith("@thread.v2") else "channel"


def bot_added(
    service_url: str,
    *,
    kind: str = "channel",
    conversation_id: str = CHANNEL,
    by: str = "Anna",
    others: tuple[str, ...] = (),
) -> dict[str, Any]:
    added = [{"id": BOT_ID}] + [_account(u) for u in others]
    return {
        "type": "conversationUpdate",
        "id": f"f:{next(_ids)}",
        "timestamp": "2026-03-02T09:00:00.000Z",
        "serviceUrl": service_url,
        "channelId": "msteams",
        "from": _account(by),
        "conversation": conversation_of(kind, conversation_id),
        "recipient": {"id": BOT_ID, "name": BOT_NAME},
        "membersAdded": added,
        "channelData": {**channel_data(kind), "eventType": "teamMemberAdded"},
    }
