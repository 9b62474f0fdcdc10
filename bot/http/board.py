"""The board's routes in the one web app (bot/http/app.py mounts them; the rest of the board
is in bot/board/):

    GET /tavle/{token}          the page (HTML; Danish, or English when the channel is); an
                                admin's link opens the organisation overview (bot/board/org.py)
    GET /tavle/{token}/indhold  its content alone, which the page fetches when told to
    GET /tavle/{token}/vis      presentation mode: one question per screen (and /vis/indhold)
    GET /tavle/{token}/events   server-sent events: `changed` when a turn changed the channel,
                                `gone` when the link stopped working
    GET /tavle-filer/{name}     the page's stylesheet and script (nothing from elsewhere)
    GET /tavle/fane             the Teams channel tab's set-up page (bot/board/tab.py)
    POST /tavle/fane/kode       its check of a tab code: the tab's settings, or a bare 404
                                (`fane` is never a token: too short)

An unknown, expired, revoked or foreign token, and a channel whose data was deleted, all get
the same bare 404. Nothing the token opens is logged (the access log is quiet, and the metrics
label routes by their pattern); the pages are never cached and send no referrer.
"""

from __future__ import annotations

import asyncio
import json
import logging
from functools import partial
from importlib.resources import files

import aiohttp_jinja2
import jinja2
from aiohttp import web

from bot.board.config import base_url
from bot.board.live import CLOSING, BoardHub, PgListener
from bot.board.org import OrgBoard, load_org
from bot.board.page import Board, load_board
from bot.board.tab import check_code, claim_of
from bot.runtime import Runtime
from dialogs.i18n import t
from storage.board import Opened, board_of_token, workspace_of_token
from storage.db import is_sqlite
from storage.models import Channel

log = logging.getLogger(__name__)

JINJA = web.AppKey("board_jinja", jinja2.Environment)
LISTENER = web.AppKey("board_listener", PgListener)
STATIC = "/tavle-filer"
TEAMS_JS = "teams-js-2.58.0.min.js"  # the Teams JavaScript library, vendored (its NOTICE)
STATIC_FILES = {
    "board.css": "text/css",
    "board.js": "text/javascript",
    "present.js": "text/javascript",
    "tab.js": "text/javascript",
    TEAMS_JS: "text/javascript",
}
# Seconds between comments on a quiet event stream: proxies close idle connections (the nginx
# of deploy/ after 15 s, its proxy_read_timeout), and a page would reconnect and fetch again.
KEEPALIVE = 10.0

# Nothing here may be framed (clickjacking), except what a Teams channel tab shows: the set-up
# page and the board opened by a tab's code (`tavle fane`), and only by Teams' own web and
# desktop clients. The hosts are Microsoft's list for tabs ("Tab requirements", learn.microsoft
# .com): Teams' own and *.cloud.microsoft, where its clients are moving. A configurable tab lives
# only in Teams channels and group chats, so the Outlook and Microsoft 365 app hosts of that
# list are left out, and so is *.skype.com, which the list no longer names. `connect-src 'self'`
# holds for the set-up page too: the Teams library's request to Microsoft's CDN for its list of
# Teams origins is refused, and the library falls back to the list built into the bot's copy
# (test_browser.py sees exactly that).
TEAMS_FRAMERS = (
    "https://teams.microsoft.com https://*.teams.microsoft.com https://*.cloud.microsoft"
)
BASE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; "
)
CSP = BASE_CSP + "frame-ancestors 'none'"
TAB_CSP = BASE_CSP + "frame-ancestors " + TEAMS_FRAMERS
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex, nofollow",
}
TAB_HEADERS = {**HEADERS, "Content-Security-Policy": TAB_CSP}
TAB_PAGE = "/tavle/fane"
MAX_CLAIM = 2048  # bytes of a code check's body: a code and two ids


def _runtime(request: web.Request) -> Runtime:
    from bot.http.app import RUNTIME  # the app module imports this one

    return request.app[RUNTIME]


async def _opened(request: web.Request) -> Opened:
    """The token's channel (and whether a tab's code opened it), or 404 — the same 404 for
    every way a token can fail."""
    runtime = _runtime(request)
    token = request.match_info["token"]
    async with runtime.sessions() as session:
        opened = await board_of_token(session, token, runtime.engine.clock.now())
        if opened is None:
            raise web.HTTPNotFound(text="404", headers=HEADERS)
        session.expunge(opened.channel)
        return opened


async def _channel(request: web.Request) -> Channel:
    return (await _opened(request)).channel


async def _board(request: web.Request) -> tuple[Board, bool]:
    """The board, and whether its page may be framed by Teams (a tab's code opened it)."""
    runtime = _runtime(request)
    opened = await _opened(request)
    async with runtime.sessions() as session:
        board = await load_board(
            session, opened.channel, runtime.catalogue, runtime.table, runtime.engine.clock.now()
        )
    return board, opened.tab


def _title(board: Board) -> str:
    r = board.report
    if r is None:
        return board.tr("board.page.title_empty")
    return board.tr("board.page.title", practice=r.practice, round=r.round_no)


def _html(
    request: web.Request,
    template: str,
    board: Board | OrgBoard,
    *,
    present: bool = False,
    content_template: str | None = None,
    framed: bool = False,
) -> web.Response:
    overview = f"/tavle/{request.match_info['token']}"  # the page's own address
    org = isinstance(board, OrgBoard)
    context = {
        "b": board,
        "lang": board.lang,
        "title": _title(board) if isinstance(board, Board) else board.tr("board.org.page_title"),
        "static": STATIC,
        "present": present,
        "org": org,
        "content_template": content_template or ("present.html" if present else "content.html"),
        "overview_href": overview,
        "present_href": f"{overview}/vis",
    }
    response = aiohttp_jinja2.render_template(template, request, context, app_key=JINJA)
    response.headers.update(TAB_HEADERS if framed else HEADERS)
    response.headers["Content-Language"] = board.lang
    return response


async def _org(request: web.Request) -> OrgBoard | None:
    """The organisation overview an admin's link opens, or None for any other token."""
    runtime = _runtime(request)
    now = runtime.engine.clock.now()
    async with runtime.sessions() as session:
        workspace = await workspace_of_token(session, request.match_info["token"], now)
        if workspace is None:
            return None
        lang = runtime.settings.language
        return await load_org(session, workspace, runtime.catalogue, runtime.table, now, lang)


async def page(request: web.Request) -> web.Response:
    org = await _org(request)
    if org is not None:
        return _html(request, "page.html", org, content_template="org.html")
    board, framed = await _board(request)
    return _html(request, "page.html", board, framed=framed)


async def content(request: web.Request) -> web.Response:
    org = await _org(request)
    if org is not None:
        return _html(request, "org.html", org)
    board, framed = await _board(request)
    return _html(request, "content.html", board, framed=framed)


async def presentation(request: web.Request) -> web.Response:
    board, framed = await _board(request)
    return _html(request, "page.html", board, present=True, framed=framed)


async def presentation_content(request: web.Request) -> web.Response:
    board, framed = await _board(request)
    return _html(request, "present.html", board, present=True, framed=framed)


async def events(request: web.Request) -> web.StreamResponse:
    runtime = _runtime(request)
    channel = await _channel(request)
    hub: BoardHub = runtime.board
    response = web.StreamResponse(
        headers={**HEADERS, "Content-Type": "text/event-stream", "X-Accel-Buffering": "no"}
    )
    queue = hub.subscribe(channel.id)
    # An open stream is not a request being answered: kept clicks' turns must not wait for
    # the board pages to close (bot/priority.py). Counted again for the middleware's leave.
    answering = runtime.engine.answering
    answering.leave()
    try:
        await response.prepare(request)
        await response.write(b"retry: 2000\n\n")
        while True:
            try:
                async with asyncio.timeout(KEEPALIVE):
                    what = await queue.get()
            except TimeoutError:
                await response.write(b": keep-alive\n\n")
                continue
            if what == CLOSING:
                break
            # Told first, checked after: the page's fetch answers 404 for a link that no longer
            # works anyway, and a hundred pages need not wait for a hundred lookups.
            await response.write(b"event: changed\ndata: \n\n")
            if not await _still_valid(request, channel.id):
                await response.write(b"event: gone\ndata: \n\n")
                break
    except (ConnectionResetError, ConnectionError):
        pass  # the page went away
    finally:
        hub.unsubscribe(channel.id, queue)
        answering.enter()
    return response


async def _still_valid(request: web.Request, channel_id: int) -> bool:
    try:
        return (await _channel(request)).id == channel_id
    except web.HTTPNotFound:
        return False


async def static(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    if name not in STATIC_FILES:
        raise web.HTTPNotFound()
    body = files("bot.board").joinpath("static", name).read_bytes()
    return web.Response(
        body=body,
        headers={
            "Content-Type": f"{STATIC_FILES[name]}; charset=utf-8",
            "Cache-Control": "public, max-age=300",
            "X-Content-Type-Options": "nosniff",
        },
    )


async def tab_page(request: web.Request) -> web.Response:
    """The tab's set-up page, in Teams' frame: Danish, or English with `?lang=en` (its script
    asks for that when the Teams client speaks English)."""
    lang = "en" if request.query.get("lang") == "en" else "da"
    context = {
        "lang": lang,
        "title": t(lang, "board.tabpage.title"),
        "tr": partial(t, lang),
        "static": STATIC,
        "teams_js": TEAMS_JS,
        "check_url": TAB_PAGE + "/kode",
    }
    response = aiohttp_jinja2.render_template("tab.html", request, context, app_key=JINJA)
    response.headers.update(TAB_HEADERS)
    response.headers["Content-Language"] = lang
    return response


async def tab_code(request: web.Request) -> web.Response:
    """The set-up page's check of a code: the tab's settings, or the same bare 404 for every
    code that does not open this channel's board as a tab (bot/board/tab.py)."""
    refused = web.json_response({}, status=404, headers=HEADERS)
    if (request.content_length or 0) > MAX_CLAIM:
        return refused
    body = await request.read()  # (aiohttp's client_max_size bounds a body without a length)
    try:
        claim = claim_of(json.loads(body)) if len(body) <= MAX_CLAIM else None
    except ValueError:  # not JSON (nor UTF-8)
        return refused
    if claim is None:
        return refused
    runtime = _runtime(request)
    base = base_url(runtime.settings) or str(request.url.origin())
    async with runtime.sessions() as session:
        settings = await check_code(session, claim, base, runtime.engine.clock.now())
    if settings is None:
        return refused
    return web.json_response(settings.json(), headers=HEADERS)


async def _on_startup(app: web.Application) -> None:
    if LISTENER in app:
        await app[LISTENER].start()


async def _on_shutdown(app: web.Application) -> None:
    from bot.http.app import RUNTIME

    app[RUNTIME].board.close_all()  # open streams end, so the app can stop
    if LISTENER in app:
        await app[LISTENER].stop()


def mount(app: web.Application, runtime: Runtime) -> None:
    env = aiohttp_jinja2.setup(
        app,
        loader=jinja2.PackageLoader("bot.board", "templates"),
        autoescape=True,
        app_key=JINJA,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.clear()  # nothing but what each page is given
    if not is_sqlite(runtime.settings.database_url):
        # A change applied by any replica reaches the pages open on this one.
        app[LISTENER] = PgListener(runtime.settings.database_url, runtime.board)
    app.on_startup.append(_on_startup)
    app.on_shutdown.append(_on_shutdown)
    # The tab's pages first: the router takes the first match, and `fane` is never a token
    # (too short). Under /tavle so that every deployment that routes the board routes them
    # (the Kubernetes Ingress's /tavle prefix, deploy/kubernetes).
    app.router.add_get(TAB_PAGE, tab_page)
    app.router.add_post(TAB_PAGE + "/kode", tab_code)
    app.router.add_get("/tavle/{token}", page)
    app.router.add_get("/tavle/{token}/indhold", content)
    app.router.add_get("/tavle/{token}/events", events)
    app.router.add_get("/tavle/{token}/vis", presentation)
    app.router.add_get("/tavle/{token}/vis/indhold", presentation_content)
    app.router.add_get(STATIC + "/{name}", static)
