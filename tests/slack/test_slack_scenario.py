"""A whole assessment through the Slack adapter: three people, signed requests through the real
route, every answer a button click, a disagreement settled by the facilitator in a modal, the
close and the summary — and every Block Kit payload validated on the way."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from bot.slack.testing.harness import SlackHarness, check_all
from scoring.catalogue import load_catalogue
from storage.models import ElementNote, MemberAnswer, TeamDecision

PEOPLE = ("U1", "U2", "U3")  # Anna (starts, so facilitator), Bo, Carla


def answer_for(user: str, qid: str) -> str:
    if qid == "1.3":
        return "ja" if user == "U2" else "delvist"  # Bo disagrees
    return {"1.5": "nej", "4.2": "ved_ikke"}.get(qid, "ja")


def posts(slack: SlackHarness, prefix: str = "") -> list[dict[str, Any]]:
    return [
        m
        for m in slack.messages()
        if m["method"] == "chat.postMessage" and str(m["text"]).startswith(prefix)
    ]


def checkbox_state(slack: SlackHarness, qid: str, keys: list[str]) -> dict[str, Any]:
    element, _msg = slack.button(f"lp:multi:1:{qid}")
    for msg in reversed(slack.messages()):
        for block in msg["blocks"]:
            for e in block.get("elements", []):
                if e.get("type") == "checkboxes" and e["action_id"].startswith(element["value"]):
                    chosen = [o for o in e["options"] if o["value"] in keys]
                    boxes = {"type": "checkboxes", "selected_options": chosen}
                    return {"b-2-2": {e["action_id"]: boxes}}
    raise LookupError(qid)


async def answer(slack: SlackHarness, user: str, elements: range = range(1, 12)) -> None:
    for q in (q for q in load_catalogue().questions if q.element in elements):
        if q.type == "multi":
            state = checkbox_state(slack, q.id, ["a", "c"])
            element, msg = slack.button(f"lp:multi:1:{q.id}")
            tick = dict(state["b-2-2"])
            (action_id, boxes), *_ = tick.items()
            # Ticking a box is acknowledged and changes nothing; the button sends the choice.
            before = len(slack.fake.calls)
            r = await slack.click(user, {"type": "checkboxes", "action_id": action_id,
                                         **boxes}, msg)  # fmt: skip
            assert r.status == 200 and len(slack.fake.calls) == before
            r = await slack.click(user, element, msg, state=state)
        elif q.type == "single":
            r = await slack.press(user, f"lp:ans:1:{q.id}:universitet")
        else:
            r = await slack.press(user, f"lp:ans:1:{q.id}:{answer_for(user, q.id)}")
        assert r.status == 200, q.id


async def test_a_whole_assessment_through_slack(slack: SlackHarness) -> None:
    fake = slack.fake
    r = await slack.command("U1", "start Recovery-forløb")
    assert r.status == 200 and await r.text() == ""
    assert posts(slack, "Måling af praksis: Recovery-forløb")
    progress = posts(slack, "Recovery-forløb – runde 1")[0]

    await slack.press("U1", "lp:pace:1:all")
    roots = posts(slack, "Element ")
    threaded = [m for m in posts(slack) if m.get("thread_ts")]
    assert len(roots) == 11 and len(threaded) == 59  # 2.3 waits for a 2.2 answer with c
    assert {m["thread_ts"] for m in threaded} == {m["ts"] for m in roots}
    assert sum(slack.timing.sleeps) > 60  # ~1 message per second per channel, paced

    # Anna answers all 60 questions, Bo and Carla the first two elements (with 2.2 and 2.3):
    # a question answered alike by everyone who answered is the team's answer.
    await answer(slack, "U1")
    for user in PEOPLE[1:]:
        await answer(slack, user, range(1, 3))
    async with slack.runtime.sessions() as s:
        stored = await s.scalar(select(func.count()).select_from(MemberAnswer))
    assert stored == 60 + 2 * 9

    # Bo explains his answer in a modal (the comment limit is the modal's max_length).
    mark = len(fake.calls)
    await slack.press("U2", "lp:cmt:1:1.3")
    (opened,) = fake.since(mark, "views.open")
    assert opened["trigger_id"] == "trigger-click-U2"
    assert opened["view"]["blocks"][-1]["element"]["max_length"] == 1500
    r = await slack.submit("U2", opened["view"], {"comment": "Vi gør det altid. " * 83})
    assert r.status == 200 and await r.text() == ""

    # The facilitator sees the disagreement and settles it in a modal.
    mark = len(fake.calls)
    await slack.command("U1", "uenighed")
    (view,) = fake.since(mark, "chat.postEphemeral")
    assert view["user"] == "U1" and "Bo: Ja" in str(view["blocks"])
    await slack.press("U1", "lp:dec:1:1.3")
    (opened,) = fake.since(mark, "views.open")
    assert opened["view"]["title"]["text"] == "Teamsvar for 1.3"
    refused = await slack.submit(
        "U1", opened["view"], {"value": "delvist", "justification": "Se 010190-1234"}
    )
    body = await refused.json()
    assert body["response_action"] == "errors" and "f:justification" in body["errors"]
    async with slack.runtime.sessions() as s:
        assert await s.scalar(select(func.count()).select_from(TeamDecision)) == 0
    r = await slack.submit(
        "U1", opened["view"], {"value": "delvist", "justification": "Vi bruger det kun delvist."}
    )
    assert r.status == 200 and await r.text() == ""
    decided = [c for c in fake.since(mark, "chat.postMessage") if "1.3" in c["text"]]
    assert decided and "Vi bruger det kun delvist." in decided[0]["text"]

    # Samlet vurdering for element 1, from the button on the element's root message.
    mark = len(fake.calls)
    await slack.press("U1", "lp:notes:1:1")
    (opened,) = fake.since(mark, "views.open")
    await slack.submit(
        "U1", opened["view"], {"overall": "Godt fundament.", "potential": "Mere viden."}
    )
    async with slack.runtime.sessions() as s:
        assert await s.scalar(select(func.count()).select_from(ElementNote)) == 1

    # Close: the progress message is updated in place and the summary is posted.
    mark = len(fake.calls)
    await slack.command("U1", "luk")
    await slack.command("U1", "luk")  # the gaps first, then closing
    summary = posts(slack, "Resultat: Recovery-forløb")
    assert summary and "Teori og viden" in str(summary[0]["blocks"])
    updates = fake.since(mark, "chat.update")
    assert any(u["ts"] == progress["ts"] and "lukket" in u["text"] for u in updates)
    late = await slack.press("U3", "lp:ans:1:1.1:nej")
    assert late.status == 200 and "Målingen er lukket" in slack.texts()
    names = [c["user"] for c in fake.of("users.info")]
    assert sorted(names) == ["U1", "U2", "U3"]  # display names are looked up once per person
    assert check_all(fake.calls) > 200  # every Block Kit payload on the way was valid
