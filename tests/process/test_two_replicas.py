"""Two replicas of the bot as real processes (`lovende serve`) against one PostgreSQL database,
as in deploy/compose.yaml: migrations run once, then both serve Slack through their own HTTP
routes with signed requests, sharing everything through the database — an assessment started
on one is answered on both, messages posted by one are updated by the other, and an event that
Slack re-delivers to the other replica is handled once."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from proc_harness import (
    Launch,
    WatchedSlack,
    child_env,
    db_engine,
    poll,
    processed_events,
    run_migrate,
    stored_answers,
)

from bot.slack.testing import payloads as p

pytestmark = pytest.mark.postgres

PEOPLE = ("U1", "U2", "U3")  # Anna starts (so she facilitates), Bo, Carla
QUESTIONS = ("1.1", "1.2", "1.3", "1.4", "1.5", "1.6")  # element 1, posted with "one at a time"


def chosen(user: str, qid: str) -> str:
    return "nej" if (user, qid) == ("U2", "1.3") else "ja"  # Bo disagrees on 1.3


async def test_two_replicas_share_one_database(
    pg_url: str,
    slack_api: WatchedSlack,
    launch: Launch,
    tmp_path: Path,
) -> None:
    fake = slack_api
    base_env = child_env(pg_url, fake.api_url, tmp_path / "out", LOVENDE_AUTO_MIGRATE="false")
    await run_migrate(base_env, tmp_path)
    a, b = await asyncio.gather(launch("a", base_env), launch("b", base_env))
    assert a.port != b.port
    await asyncio.gather(a.wait_ready(), b.wait_ready())
    for replica in (a, b):
        assert await replica.get("/healthz") == (200, '{"status": "ok"}')
        assert (await replica.get("/readyz"))[0] == 200

    def logs() -> str:
        return "\n".join(r.log_tail() for r in (a, b))

    # Replica a starts the assessment: the intro and the progress message are posted by a.
    assert await a.command("U1", "start Recovery-forløb") == (200, "")
    progress = await fake.until("the progress message", lambda: fake.posts("Recovery-forløb – "))
    assert fake.by(progress[0]) == "a" and fake.posts("Måling af praksis: Recovery-forløb")
    progress_ts = progress[0].response["ts"]

    # Replica b chooses "one element at a time": b posts element 1 and its six questions,
    # threaded under the root whose ts only the database tells b.
    pace = await fake.until("the pace buttons", lambda: fake.button("lp:pace:1:one"))
    assert await b.click("U1", *pace) == (200, "")

    def question_messages() -> dict[str, Any]:
        found = {}
        for qid in QUESTIONS:
            hit = fake.button(f"lp:ans:1:{qid}:ja")
            if hit is None:
                return {}
            found[qid] = hit
        return found

    buttons = await fake.until("element 1's questions", question_messages, seconds=30)
    root = fake.posts("Element 1")
    assert len(root) == 1 and fake.by(root[0]) == "b"
    assert {m["thread_ts"] for _e, m in buttons.values()} == {root[0].response["ts"]}

    # Everyone answers every question; each question's three clicks race each other on both
    # replicas at once (a, b, a, then b, a, b…).
    turn = 0
    for qid in QUESTIONS:
        clicks = []
        for user in PEOPLE:
            replica = (a, b)[turn % 2]
            turn += 1
            hit = fake.button(f"lp:ans:1:{qid}:{chosen(user, qid)}")
            assert hit is not None
            element, msg = hit
            clicks.append(replica.click(user, element, msg, msg["channel"]))
        assert await asyncio.gather(*clicks) == [(200, "")] * len(PEOPLE), logs()

    expected = {("C1", user, qid): chosen(user, qid) for user in PEOPLE for qid in QUESTIONS}
    db = db_engine(pg_url)
    try:

        async def all_answers() -> bool:
            return await stored_answers(db) == expected

        await poll("all 18 answers in the database", all_answers, fake, diagnostics=logs)

        # Each answer updated its question message (posted by b) and the progress message
        # (posted by a) — from whichever replica took the click.
        def updates(ts: str) -> list[Any]:
            return [c for c in fake.of("chat.update") if c["ts"] == ts]

        question_ts = {qid: msg["ts"] for qid, (_e, msg) in buttons.items()}

        # Updates of one message coalesce (bot/delivery.py): racing clicks may make fewer
        # updates than clicks, but the last one shows every answer.
        everyone = f"{len(PEOPLE)} har svaret"

        def all_updated() -> bool:
            return all(
                updates(ts) and everyone in json.dumps(updates(ts)[-1].body)
                for ts in question_ts.values()
            )

        await fake.until("the question messages' updates", all_updated)
        assert {fake.by(c) for ts in question_ts.values() for c in updates(ts)} == {"a", "b"}
        await fake.until(
            "progress updates from both",
            lambda: {fake.by(c) for c in updates(progress_ts)} >= {"a", "b"},
        )
        assert {fake.by(c) for c in updates(progress_ts)} == {"a", "b"}

        # Each click also told its person their own answer, privately; those come first so
        # that the status reply below is the only private message after the mark.
        def own_answers() -> list[Any]:
            return [c for c in fake.of("chat.postEphemeral") if c["text"].startswith("Dit svar")]

        await fake.until("the own answers", lambda: len(own_answers()) >= len(expected))

        # Slack delivers the same event to a, and its retry lands on b: handled once.
        mark = len(fake.calls)
        event = p.app_mention("U2", "status", ts="1700000100.000100")
        answers = await asyncio.gather(
            a.event(event, "Ev0PROC2REPL"), b.event(event, "Ev0PROC2REPL", retry=1)
        )
        assert answers == [(200, ""), (200, "")]

        def status_replies() -> list[Any]:
            return [c for c in fake.since(mark, "chat.postEphemeral") if c["user"] == "U2"]

        await fake.until("the status reply", status_replies)

        for replica in (a, b):
            assert (await replica.get("/healthz"))[0] == 200
            assert (await replica.get("/readyz"))[0] == 200

        # Stop both the way `docker compose stop` does (SIGTERM): each finishes what it has
        # acknowledged first, so whatever the retry would have sent has been sent by now.
        assert await asyncio.gather(a.stop(), b.stop()) == [0, 0], logs()
        texts = [c["text"] for c in status_replies()]  # the reply may come in several parts
        assert len(texts) == len(set(texts)), [
            (fake.by(c), c["text"][:80]) for c in status_replies()
        ]
        assert len({fake.by(c) for c in status_replies()}) == 1  # from the replica that ran it
        assert await processed_events(db, "%Ev0PROC2REPL") == ["slack:T1:Ev0PROC2REPL"]
        assert await stored_answers(db) == expected  # nothing changed on the way down
        for ts in question_ts.values():
            assert 1 <= len(updates(ts)) <= len(PEOPLE)  # at most one a click: none twice
            assert everyone in json.dumps(updates(ts)[-1].body)  # never a stale one last
        assert len(updates(progress_ts)) <= len(expected) + 1  # + the status command's
        assert not [c for c in fake.calls if not c.response.get("ok")]
    finally:
        await db.dispose()
