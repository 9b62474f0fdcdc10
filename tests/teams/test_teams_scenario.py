"""A whole assessment through the Teams adapter: three people in a channel, card clicks,
threads, a disagreement resolved with a form, element notes, closing and the summary."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from bot.teams.cards import MAX_CARD_BYTES, card_size
from bot.teams.testing import BOT_ID, CHANNEL, Call, TeamsBot, bot_added
from dialogs import actions

PEOPLE = ("Anna", "Bo", "Carla")
LONG = "Vi har overvejet det grundigt. " * 50  # 1550 characters: over the 1500 limit


QUESTION = re.compile(r"lp:(?:ans|multi):\d+:(\d+\.\d+)")


def question_calls(bot: TeamsBot) -> dict[str, Call]:
    """The newest post or update of each question card, by question id."""
    found: dict[str, Call] = {}
    for call in bot.connector.sent():
        match = QUESTION.search(call.text)
        if match and "Input.Text" not in call.text:
            found[match.group(1)] = call
    return found


def action_on(call: Call, prefix: str) -> str:
    text = json.dumps(call.cards)
    start = text.index(f'"{prefix}') + 1
    return text[start : text.index('"', start)]


def who_answers(qid: str) -> tuple[str, ...]:
    """Element 1 is answered by everyone; the rest of the 60 questions are shared out."""
    element = int(qid.split(".")[0])
    if element == 1:
        return PEOPLE
    return (PEOPLE[element % 3],)


async def test_three_people_complete_an_assessment_in_a_channel(
    teams_bot: TeamsBot, card_check: Callable[[dict[str, dict[str, Any]]], None]
) -> None:
    bot, fake = teams_bot, teams_bot.connector
    anna, carla = bot.user("Anna"), bot.user("Carla")

    # The team installs the app: the bot greets the channel with the commands.
    assert await bot.client.post("/api/messages", json=bot_added(fake.url)) is not None
    assert "Hej – jeg er Lovende praksis" in fake.text()

    assert await anna.say("start Recovery-forløb") == 201
    intro, progress = fake.posts()[-2:]
    assert "Måling af praksis: Recovery-forløb" in intro.text
    await anna.press_on(intro, action_on(intro, "lp:pace:").rsplit(":", 1)[0] + ":all")

    roots = [c for c in fake.posts() if "Element " in c.text and c.conversation_id == CHANNEL]
    assert len(roots) == 11
    threaded = [c for c in fake.posts() if ";messageid=" in (c.conversation_id or "")]
    assert len(threaded) == 59  # 2.3 comes when someone chooses 2.2 c
    root_ids = {r.response_id for r in roots}
    assert {c.conversation_id.split("=")[-1] for c in threaded} == root_ids  # type: ignore[union-attr]

    # Every question gets answered on its card; all three answer element 1, where Bo sees
    # 1.3 differently and 1.6 is "not relevant" with a reason given in a form.
    aid = int(action_on(intro, "lp:pace:").split(":")[2])
    users = {p: bot.user(p) for p in PEOPLE}
    for qid, call in sorted(question_calls(bot).items()):
        for name in who_answers(qid):
            person = users[name]
            if qid == "2.2":
                await person.press_on(call, actions.encode("multi", aid, qid), {"selected": "a,c"})
                call23 = question_calls(bot)["2.3"]  # posted in element 2's thread after 2.2 c
                await person.press_on(call23, actions.encode("ans", aid, "2.3", "universitet"))
            elif qid == "1.6":
                await person.press_on(call, actions.encode("ans", aid, qid, "ikke_relevant"))
                form_call, form_action = fake.find_submit(f"lp:f-ans:{aid}:1.6")
                assert ";messageid=" in (form_call.conversation_id or "")
                if name == "Carla":  # too long: the form card is replaced, keeping her draft
                    await person.press_on(form_call, form_action["data"]["lp"], {"comment": LONG})
                    rejected = fake.sent()[-1]
                    assert rejected.method == "PUT"
                    assert rejected.activity_id == fake.message_id(form_call)
                    assert LONG in rejected.text and "for lang" in rejected.text
                    form_call = rejected
                await person.press_on(
                    form_call,
                    form_action["data"]["lp"],
                    {"comment": f"{name}: vi samarbejder ikke med andre tilbud."},
                )
            elif qid != "2.3":
                answer = "nej" if (name, qid) == ("Bo", "1.3") else "ja"
                await person.press_on(call, actions.encode("ans", aid, qid, answer))

    # The progress card was updated in place, never posted again.
    progress_id = progress.response_id
    assert [c for c in fake.posts() if c.response_id == progress_id] == [progress]
    progress_updates = [c for c in fake.updates() if c.activity_id == progress_id]
    last = progress_updates[-1].text if progress_updates else ""
    assert "59 af 59" in last, last  # 2.3 is answered too, and the total stays 59

    # The facilitator looks at the disagreement and records the team answer with a form.
    mark = len(fake.sent())
    await anna.say("uenighed")
    view = fake.sent()[-1]
    assert ";messageid=" in (view.conversation_id or "")  # a quiet reply in her thread
    assert "Bo: Nej" in view.text and "Anna: Ja" in view.text
    await anna.press("lp:dec:")
    form_call, form = fake.find_submit(f"lp:f-dec:{aid}:1.3")
    await anna.press_on(form_call, form["data"]["lp"], {"value": "ja", "justification": LONG})
    rejected = fake.sent()[-1]
    assert rejected.method == "PUT" and rejected.activity_id == fake.message_id(form_call)
    assert "for lang" in rejected.text
    await anna.press_on(
        rejected, form["data"]["lp"], {"value": "ja", "justification": "Vi gør det altid."}
    )
    assert "Anna har fastsat teamsvaret for 1.3: Ja" in fake.text(mark)

    # Notes for element 1 through its button: Carla is told the facilitator records them;
    # Anna does. Then close: the summary comes.
    mark = len(fake.sent())
    await carla.press(f"lp:notes:{aid}:1")
    # (told her alone, in the answer to her click: nothing in the channel)
    assert "mødelederen (Anna) skriver den ind" in carla.answers[-1]["value"]
    assert fake.sent()[mark:] == []
    await anna.press(f"lp:notes:{aid}:1")
    notes_call, notes = fake.find_submit(f"lp:f-notes:{aid}:1")
    await anna.press_on(
        notes_call,
        notes["data"]["lp"],
        {"overall": "Stærk teori.", "potential": "Skriv vores tilgang ned."},
    )
    mark = len(fake.sent())
    await anna.say("luk")
    await anna.say("luk")  # the gaps first, then closing
    closing = fake.text(mark)
    assert "har lukket målingen" in closing
    assert "Resultat: Recovery-forløb" in closing
    assert "Skriv vores tilgang ned." in closing

    # Nothing failed, nothing was throttled, every card is valid and small enough.
    assert all(c.status < 400 for c in fake.calls)
    cards = fake.all_cards()
    assert max(card_size(c) for c in cards) <= MAX_CARD_BYTES
    card_check({f"scenario-{i}": c for i, c in enumerate(cards)})
    everyone = {c.body.get("from", {}).get("id") for c in fake.sent()}
    assert everyone == {BOT_ID}
