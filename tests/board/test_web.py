"""The board's pages through the whole web app (aiohttp's test client): what a link opens,
the 404 for every token that does not (unknown, tampered, expired, revoked, deleted), the
security headers, the content (as `uenighed` and the report show it) and the live events a
committed turn sends. SQLite and PostgreSQL (there the event goes through NOTIFY/LISTEN: the
click is applied by one runtime, the page is served by another)."""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import date
from typing import Any

import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient, TestServer
from board_helpers import PUBLIC_URL, link_in, part, started, text_of
from sqlalchemy import select

from bot import logs
from bot.clock import FakeClock
from bot.http.app import create_app
from bot.http.board import CSP
from bot.runtime import Runtime, build_runtime
from bot.settings import load_settings
from bot.testing import BotHarness
from dialogs import actions
from dialogs.meetings import content
from storage.db import is_sqlite
from storage.meeting_models import Agreement
from storage.models import Channel, Member

COMMENT = "Vi bruger den i hverdagen"
JUSTIFICATION = "Vi gør det kun i nogle teams"


@pytest.fixture(autouse=True)
def _public_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOVENDE_PUBLIC_URL", PUBLIC_URL)


async def played(bot: BotHarness) -> str:
    """A round with agreement, a disagreement, one answer, a decision and a comment; the
    path of a board link."""
    await started(
        bot,
        *("Anna: svar 1.1 ja", "Bo: svar 1.1 nej", "Anna: svar 1.2 ja", "Bo: svar 1.2 ja"),
        *(f"Bo: kommentar 1.2 {COMMENT}", "Anna: svar 1.3 delvist", "Anna: svar 1.4 ja"),
        *("Bo: svar 1.4 nej", f"Anna: teamsvar 1.4 delvist: {JUSTIFICATION}"),
    )
    _, token = link_in(await bot.say("Bo", "tavle"))
    return f"/tavle/{token}"


def question(page: str, qid: str) -> str:
    return part(page, f'<article id="q-{re.escape(qid)}"', "</article>")


def column(page: str, status: str) -> str:
    return part(page, f'<section class="column column-{status}"', "</section>")


async def test_the_board_shows_the_round_as_the_team_answered_it(
    bot: BotHarness, web: TestClient[Any, Any]
) -> None:
    path = await played(bot)
    response = await web.get(path)
    assert response.status == 200
    page = await response.text()
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert response.headers["Content-Security-Policy"] == CSP
    assert CSP.endswith("frame-ancestors 'none'")  # only a tab's code may be framed (test_tab)
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert '<html lang="da">' in page
    assert re.search(r"<h1>Recovery <span", page)
    assert "Uenighed – ikke afklaret" in question(page, "1.1")
    assert "Anna : Ja" in question(page, "1.1") and "Bo : Nej" in question(page, "1.1")
    assert "enighed blandt 2" in question(page, "1.2") and COMMENT in question(page, "1.2")
    assert "1 svar" in question(page, "1.3")
    decided = question(page, "1.4")
    assert "fastsat af mødeleder Anna" in decided and JUSTIFICATION in decided
    assert 'class="q q-disagreement"' in page  # highlighted, and said in words
    assert "Uafklarede uenigheder:" in text_of(page) and 'href="#q-1.1"' in page
    assert "Samlet vurdering" in page and "Udviklingspotentiale" in page
    # Scores with Danish decimal commas, the chart as SVG with its text alternative.
    assert re.search(r'<td class="num">\d,\d\d', page)
    assert '<svg viewBox="0 0 400 400" role="img" aria-labelledby="radar-title radar-desc"' in page
    assert re.search(r'<desc id="radar-desc">[^<]*1\. [^<]*: (\d,\d\d|–)', page)
    # Nothing inline for the CSP to refuse, nothing from elsewhere.
    assert "<style" not in page and " style=" not in page
    assert re.findall(r"<script[^>]*>", page) == ['<script src="/tavle-filer/board.js" defer>']
    assert not re.search(r'(src|href)="(https?:)?//', page)


async def test_the_board_speaks_the_channels_language(
    bot: BotHarness, web: TestClient[Any, Any]
) -> None:
    path = await played(bot)
    await bot.say("Anna", "indstillinger sprog en")
    response = await web.get(path)
    page = await response.text()
    assert response.headers["Content-Language"] == "en" and '<html lang="en">' in page
    assert "Disagreement – not resolved" in page and "agreement among 2" in page


async def test_an_empty_channel_has_a_board_that_says_so(
    bot: BotHarness, web: TestClient[Any, Any]
) -> None:
    _, token = link_in(await bot.say("Anna", "tavle"))
    page = await (await web.get(f"/tavle/{token}")).text()
    assert "<h1>Ingen måling endnu</h1>" in page


async def not_found(web: TestClient[Any, Any], path: str) -> list[tuple[int, str]]:
    out = []
    for suffix in ("", "/indhold", "/events"):
        response = await web.get(path + suffix)
        out.append((response.status, await response.text()))
    return out


NOT_FOUND = [(404, "404")] * 3


async def test_every_token_that_does_not_open_the_board_gets_the_same_404(
    bot: BotHarness, web: TestClient[Any, Any], clock: FakeClock
) -> None:
    path = await played(bot)
    token = path.rsplit("/", 1)[1]
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert await not_found(web, f"/tavle/{tampered}") == NOT_FOUND
    assert await not_found(web, "/tavle/kort") == NOT_FOUND
    assert await not_found(web, "/tavle/" + "x" * 300) == NOT_FOUND
    # Another channel's link opens that channel, never this one.
    _, there = link_in(await bot.say("Eve", "tavle", channel="andet"))
    other = await (await web.get(f"/tavle/{there}")).text()
    assert "Ingen måling endnu" in other and "Recovery" not in other
    # Revoked.
    await bot.say("Anna", "tavle luk")
    assert await not_found(web, path) == NOT_FOUND
    # Expired.
    _, fresh = link_in(await bot.say("Anna", "tavle"))
    assert (await web.get(f"/tavle/{fresh}")).status == 200
    clock.advance(hours=12)
    assert await not_found(web, f"/tavle/{fresh}") == NOT_FOUND
    # The channel's data deleted.
    _, last = link_in(await bot.say("Anna", "tavle"))
    await bot.say("Anna", "slet-data")
    await bot.say("Anna", "slet-data bekræft")
    assert await not_found(web, f"/tavle/{last}") == NOT_FOUND


async def test_the_pages_files_come_from_the_bot(web: TestClient[Any, Any]) -> None:
    css = await web.get("/tavle-filer/board.css")
    js = await web.get("/tavle-filer/board.js")
    assert css.status == js.status == 200
    assert css.headers["Content-Type"].startswith("text/css")
    assert "EventSource" in await js.text() and "@media print" in await css.text()
    assert (await web.get("/tavle-filer/../settings.py")).status == 404
    assert (await web.get("/tavle-filer/other.js")).status == 404


class Kept(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


async def test_neither_token_nor_answers_are_logged(
    bot: BotHarness, web: TestClient[Any, Any]
) -> None:
    """With the bot's own logging (`lovende serve`'s, at its most talkative level)."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    logs.configure("DEBUG", "text")
    kept = Kept()
    root.addHandler(kept)
    try:
        path = await played(bot)
        await web.get(path)
        await web.get(path + "/indhold")
        await web.get(path[:-2] + "xx")  # a 404 too
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
    logged = "\n".join(kept.lines)
    assert path[8:] not in logged and COMMENT not in logged


async def next_event(stream: ClientResponse) -> str:
    """The name of the next event on a server-sent event stream (comments skipped)."""
    async with asyncio.timeout(10):
        while True:
            line = (await stream.content.readline()).decode().strip()
            if line.startswith("event: "):
                return line.removeprefix("event: ")


async def test_an_open_page_hears_of_a_committed_change_and_of_its_link_closing(
    bot: BotHarness, web: TestClient[Any, Any]
) -> None:
    path = await played(bot)
    stream = await web.get(path + "/events")
    assert stream.status == 200
    assert stream.headers["Content-Type"] == "text/event-stream"
    await until(lambda: bot.runtime.board.open_pages() == 1)
    # An open stream is no request being answered: kept clicks' turns need not wait for a
    # lull (bot/priority.py) while a board is on the screen.
    assert bot.runtime.engine.answering.count == 0
    await bot.say("Bo", "svar 1.3 delvist")
    assert await next_event(stream) == "changed"
    after = await (await web.get(path + "/indhold")).text()
    assert "enighed blandt 2" in question(after, "1.3")
    await bot.say("Anna", "status")  # changes nothing: no event
    await bot.say("Anna", "tavle luk")
    assert await next_event(stream) == "changed"  # its page's fetch gets 404
    assert await next_event(stream) == "gone"
    stream.close()
    await until(lambda: bot.runtime.board.open_pages() == 0)


async def until(check: Any) -> None:
    """Bounded polling on a condition (the server side of a stream runs on the same loop)."""
    async with asyncio.timeout(10):
        for _ in range(1_000_000):
            if check():
                return
            await asyncio.sleep(0)  # a turn of the loop: no waiting
    raise AssertionError("never happened")


@pytest.mark.postgres
async def test_a_click_on_one_replica_reaches_a_page_on_another(
    bot: BotHarness, clock: FakeClock
) -> None:
    if is_sqlite(bot.database_url):
        pytest.skip("one process on SQLite: NOTIFY/LISTEN is PostgreSQL's")
    other: Runtime = await build_runtime(load_settings(database_url=bot.database_url), clock)
    client: TestClient[Any, Any] = TestClient(
        TestServer(create_app(other, adapters=(), background=False), port=0)
    )
    await client.start_server()  # starts the LISTEN connection
    try:
        path = await played(bot)
        stream = await client.get(path + "/events")
        await until(lambda: other.board.open_pages() == 1)
        await bot.say("Bo", "svar 1.3 ja")  # applied by the bot's runtime, not `other`
        assert await next_event(stream) == "changed"
        stream.close()
    finally:
        await client.close()
        await other.close()


async def test_presentation_mode_has_a_screen_per_question_and_the_element_texts(
    bot: BotHarness, web: TestClient[Any, Any]
) -> None:
    path = await played(bot)
    response = await web.get(path + "/vis")
    page = await response.text()
    assert response.status == 200 and response.headers["Content-Security-Policy"] == CSP
    assert len(re.findall(r'<section class="slide', page)) >= 59
    assert len(re.findall(r'<aside class="element-text"', page)) == 11
    assert '<script src="/tavle-filer/present.js" defer>' in page
    assert f'href="{path}/vis" aria-current="page"' in page
    fragment = await (await web.get(path + "/vis/indhold")).text()
    assert "<html" not in fragment and 'id="q-1.4"' in fragment
    assert "fastsat af mødeleder Anna" in fragment and JUSTIFICATION in fragment
    slide = part(fragment, '<section class="slide', 'id="q-1.2"')  # 1.1's screen, before 1.2's
    assert re.search(r"2 har svaret: Ja\s*1 · Nej\s*1", re.sub(r"<[^>]+>", "", slide))
    assert (await web.get("/tavle-filer/present.js")).status == 200


async def agreements_made(bot: BotHarness) -> None:
    """Two agreements as a meeting leaves them (rows, as storage/meetings writes them)."""
    async with bot.runtime.sessions() as s, s.begin():
        channel = await s.scalar(select(Channel).where(Channel.external_id == "team"))
        people = {
            m.external_id: m.id
            for m in await s.scalars(select(Member).where(Member.external_id.in_(["anna", "bo"])))
        }
        assert channel is not None and len(people) == 2
        now = bot.clock.now()
        for number, what, due, owner in (
            (1, "Fælles morgenmøde om recovery", date(2026, 2, 20), "bo"),
            (2, "Ny skabelon til handleplaner", date(2026, 4, 1), "anna"),
        ):
            s.add(
                Agreement(
                    channel_id=channel.id,
                    number=number,
                    what=what,
                    owner_id=people[owner],
                    follow_up_id=people["anna" if owner == "bo" else "bo"],
                    due=due,
                    status="not_started",
                    source="meeting",
                    created_at=now,
                    status_changed_at=now,
                )
            )


async def test_the_agreements_as_a_board_with_the_overdue_marked(
    bot: BotHarness, web: TestClient[Any, Any]
) -> None:
    path = await played(bot)
    assert 'id="h-agreements"' not in await (await web.get(path)).text()  # none yet
    await agreements_made(bot)
    page = await (await web.get(path)).text()
    todo = column(page, "not_started")
    assert "Ikke startet (2)" in todo and "Aftale 1: Fælles morgenmøde om recovery" in todo
    assert "Ansvarlig: Bo" in todo and "Følger op: Anna" in todo
    assert "Frist: 20.02.2026 Overskredet" in todo  # the fake clock says 2 March 2026
    assert "Frist: 01.04.2026 Overskredet" not in todo
    assert page.count('class="card overdue"') == 1
    assert "Ingen." in column(page, "done")
    await bot.say("Bo", "aftale 1 gennemført: det virkede")
    after = await (await web.get(path + "/indhold")).text()
    assert "Fælles morgenmøde" in column(after, "done") and "Overskredet" not in column(
        after, "done"
    )
    assert "Det lærte vi: det virkede" in column(after, "done")
    assert "Ikke startet (1)" in column(after, "not_started")


async def test_a_second_round_shows_the_history_and_the_previous_round_dashed(
    bot: BotHarness, web: TestClient[Any, Any]
) -> None:
    path = await played(bot)
    assert 'id="h-history"' not in await (await web.get(path)).text()  # one round: no history
    await bot.say("Anna", "luk")
    await bot.say("Anna", "luk")  # the gaps first, then closing
    bot.clock.advance(days=365)
    await started(bot, "Anna: svar 1.1 nej")
    assert (await web.get(path)).status == 404  # a year on, the old link has expired
    _, token = link_in(await bot.say("Anna", "tavle"))
    page = await (await web.get(f"/tavle/{token}")).text()
    assert re.search(r"<h1>Recovery <span[^>]*>– runde 2", page)
    history = re.search(r'<section aria-labelledby="h-history".*?</section>', page, re.S)
    assert history is not None
    assert "runde 1" in history.group(0) and "runde 2" in history.group(0)
    assert re.search(r'<td class="num">\d,\d\d', history.group(0))
    assert '<polygon class="previous"' in page and "Runde 1 er stiplet." in page


async def test_the_agreements_part_shows_the_current_meetings_step_and_support_questions(
    bot: BotHarness, web: TestClient[Any, Any]
) -> None:
    """From the meetings store's read model: planned (the preparation's questions), then each
    step as the facilitator moves on, with the booklet's support questions (hæfte 7); a
    cancelled (or finished) meeting is no longer shown."""
    path = await played(bot)
    await bot.say("Anna", "luk")
    await bot.say("Anna", "luk")  # the gaps, then closed
    when = {"when": "05.03.2026 13:00", "facilitator": "anna", "participants": "Anna, Bo"}
    values = when | {"mode": "live", "window": "2", "themes": "2", "focus": "1"}
    await bot.click("Anna", actions.encode("mtf-plan"), values)

    async def meeting() -> str:
        page = await (await web.get(path + "/indhold")).text()
        return part(page, '<section aria-labelledby="h-meeting"', "</section>")

    planned = await meeting()
    assert "Refleksionsmøde 1 – planlagt" in planned and "05.03.2026 kl. 13:00" in planned
    assert "Mødeleder Anna" in planned and "Har forberedt sig 0 af 2" in planned
    assert "Forberedelse" in planned
    for question in content.text("preparation.review_questions", "da"):
        assert question in planned
    await bot.say("Anna", "møde start")
    since = await meeting()
    assert "Refleksionsmøde 1 – i gang" in since and "Trin 1 af 4: Siden sidst" in since
    assert "Støttespørgsmål til dialogen" in since
    for question in content.step_questions(1, "da", practice=True):
        assert question in since
    await bot.say("Anna", "møde næste")
    explore = await meeting()
    assert "Trin 2 af 4: Udforsk" in explore and "Trin 1 af 4" not in explore
    for question in content.step_questions(2, "da", practice=True):  # about the practice
        assert question in explore
    assert "Datagrundlaget er jeres måling af praksis" in explore
    await bot.say("Anna", "indstillinger sprog en")
    english = await (await web.get(path + "/indhold")).text()
    assert "Step 2 of 4: Explore" in text_of(english)
    await bot.say("Anna", "møde aflys")
    done = await (await web.get(path + "/indhold")).text()
    assert 'aria-labelledby="h-meeting"' not in done
