"""kill -9 during a burst of answer clicks: every click that was acknowledged (HTTP 200 to
Slack) is in the database after a restart over the same database — SQLite file and PostgreSQL.

The burst: 200 signed `block_actions` answer clicks over distinct (member, question) pairs,
20 at a time, against one `lovende serve` process. When the 100th acknowledgement arrives the
client kills the process (SIGKILL: no cleanup, no drain) and sends nothing more. A new process
is started over the same database; acknowledged answers whose turns had not run are replayed by
it (the inbox), so we poll the database with a deadline until all are there. Clicks that were
not acknowledged may or may not be stored; no pair is stored twice.
"""

from __future__ import annotations

import asyncio
import random
import signal

import aiohttp
from proc_harness import (
    Serve,
    WatchedSlack,
    db_engine,
    duplicate_answers,
    element,
    poll,
    start_assessment,
    stored_answers,
)

from scoring.catalogue import load_catalogue

CLICKS = 200
CONCURRENCY = 20
KILL_AT = CLICKS // 2  # acknowledgements
VALUES = ("ja", "delvist", "nej", "ved_ikke")


def burst(assessment: int) -> list[tuple[str, str, str, str]]:
    """(user, question, value, action) for 20 members × 10 questions, shuffled."""
    scale = [q.id for q in load_catalogue().questions if q.type == "scale"][:10]
    users = [f"U9{n:03d}" for n in range(CLICKS // len(scale))]
    clicks = [
        (user, qid, value, f"lp:ans:{assessment}:{qid}:{value}")
        for i, user in enumerate(users)
        for j, qid in enumerate(scale)
        for value in [VALUES[(i + j) % len(VALUES)]]
    ]
    random.Random(10).shuffle(clicks)
    return clicks


async def test_acknowledged_answers_survive_kill_9(
    database_url: str, slack_api: WatchedSlack, serve: Serve
) -> None:
    fake = slack_api

    first = await serve("first")
    db = db_engine(database_url)
    try:
        aid = await start_assessment(first, db, fake)
        question_message = {"ts": "1700000200.000100", "text": "Spørgsmål", "blocks": []}

        clicks = burst(aid)
        queue: asyncio.Queue[tuple[str, str, str, str]] = asyncio.Queue()
        for click in clicks:
            queue.put_nowait(click)
        acknowledged: dict[tuple[str, str], str] = {}
        refused: list[tuple[int, str]] = []
        in_flight = 0
        cut: tuple[int, int] | None = None  # (in flight, unsent) when killed

        def kill() -> None:
            nonlocal cut
            first.kill()  # from the client side, mid-burst
            cut = (in_flight, queue.qsize())

        async def clicker() -> None:
            nonlocal in_flight
            while cut is None and not queue.empty():
                user, qid, value, action = queue.get_nowait()
                in_flight += 1
                try:
                    status, text = await first.click(user, element(action, value), question_message)
                except (aiohttp.ClientError, TimeoutError):
                    continue  # the process is gone: not acknowledged
                finally:
                    in_flight -= 1
                if status == 200:
                    acknowledged[(user, qid)] = value
                else:  # bolt answers 404 when the ack took over 3 s (a very busy machine)
                    refused.append((status, text[:200]))
                if cut is None and (len(acknowledged) >= KILL_AT or queue.empty()):
                    kill()  # after half were acknowledged (or all were sent, if fewer were)

        await asyncio.gather(*(clicker() for _ in range(CONCURRENCY)))
        assert cut is not None and acknowledged, refused[:5]
        print(
            f"kill -9 with {len(acknowledged)} acknowledged, {len(refused)} refused, "
            f"{cut[0]} in flight, {cut[1]} not sent"
        )
        assert await first.close() == -signal.SIGKILL
        assert sum(cut) > 0  # killed mid-burst

        expected = {("C1", user, qid): value for (user, qid), value in acknowledged.items()}

        async def missing() -> dict[tuple[str, str, str], str]:
            stored = await stored_answers(db)
            return {k: v for k, v in expected.items() if stored.get(k) != v}

        async def all_there() -> bool:
            return not await missing()

        print(f"{len(await missing())} acknowledged answers not stored when the process died")

        # A new process over the same database: ready, then (after its inbox replay) every
        # acknowledged answer is stored with the value that was clicked.
        second = await serve("second")
        await poll("every acknowledged answer", all_there, fake, 90, second.log_tail)
        assert await duplicate_answers(db) == []
        stored = await stored_answers(db)
        sent = {("C1", user, qid): value for user, qid, value, _a in clicks}
        assert set(stored) <= set(sent)  # nothing that was not clicked
        assert all(stored[k] == sent[k] for k in stored)

        # The new process takes clicks as usual: someone whose click was not acknowledged
        # clicks again, choosing another answer this time.
        user, qid, old, _a = next(c for c in clicks if (c[0], c[1]) not in acknowledged)
        value = VALUES[(VALUES.index(old) + 1) % len(VALUES)]
        action = f"lp:ans:{aid}:{qid}:{value}"
        assert await second.click(user, element(action, value), question_message) == (200, "")

        async def late_one() -> bool:
            return (await stored_answers(db)).get(("C1", user, qid)) == value

        await poll("the click after the restart", late_one, fake, 30, second.log_tail)
        assert await duplicate_answers(db) == []
    finally:
        await db.dispose()
