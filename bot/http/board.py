"""The board's routes in the one web app (bot/http/app.py mounts them; the rest of the board
is in bot/board/):

    GET /tavle/{token}          the page (HTML; Danish, or English when the channel is); an
                                admin's link opens the organisation overview (bot/board/org.py)
    GET /tavle/{token}/indhold  its content alone, which the page fetches when told to
    GET /tavle/{token}/vis      presentation mode: one question per screen (and /vis/indhold)
    GET /tavle/{token}/events   server-sent events: `changed` when a turn changed the channel,
                                `gone` when the link stopped working
    GET /tavle-filer/{name}     the page's stylesheet and script (nothing from elsewhere)

An unknown, expired, revoked or foreign token, and a channel whose data was deleted, all get
the same bare 404. Nothing the token opens is logged (the access log is quiet, and the metrics
label routes by their pattern); the pages are never cached and send no referrer.
"""

from __future__ import annotations

import asyncio
import logging
from importlib.resources import files

import aiohttp_jinja2
import jinja2
from aiohttp import web

from bot.board.live import CLOSING, BoardHub, PgListener
from bot.board.org import OrgBoard, load_org
from bot.board.page import Board, load_board
from bot.runtime import Runtime
from storage.board import channel_of_token, workspace_of_token
from storage.db import is_sqlite
from storage.models import Channel

log = logging.getLogger(__name__)

JINJA = web.AppKey("board_jinja", jinja2.Environment)
LISTENER = web.AppKey("board_listener", PgListener)
STATIC = "/tavle-filer"
STATIC_FILES = {
    "board.css": "text/css",
    "board.js": "text/javascript",
    "present.js": "text/javascript",
}
# Seconds between comments on a quiet event stream: proxies close idle connections (the nginx
# of deploy/ after 15 s, its proxy_read_timeout), and a page would reconnect and fetch again.
KEEPALIVE = 10.0

# Teams shows the board in a channel tab (an iframe in Teams' web and desktop clients); no one
# else may frame it. Everything the page uses comes from this origin.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors https://teams.microsoft.com https://*.teams.microsoft.com "
    "https://*.cloud.microsoft"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex, nofollow",
}


def _runtime(request: web.Request) -> Runtime:
    from bot.http.app import RUNTIME  # the app module imports this one

    return request.app[RUNTIME]


async def _channel(request: web.Request) -> Channel:
    """The token's channel, or 404 — the same 404 for every way a token can fail."""
    runtime = _runtime(request)
    token = request.match_info["token"]
    async with runtime.sessions() as session:
        channel = await channel_of_token(session, token, runtime.engine.clock.now())
        if channel is None:
            raise web.HTTPNotFound(text="404", headers=HEADERS)
        session.expunge(channel)
        return channel


async def _board(request: web.Request) -> Board:
    runtime = _runtime(request)
    channel = await _channel(request)
    async with runtime.sessions() as session:
        return await load_board(
            session, channel, runtime.catalogue, runtime.table, runtime.engine.clock.now()
        )


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
) -> web.Response:
    overview = f"/tavle/{request.match_info['token']}"  # the page's own address
    org = isinstance(board, OrgBoard)
    context = {
        "b": board,
        "title": _title(board) if isinstance(board, Board) else board.tr("board.org.page_title"),
        "static": STATIC,
        "present": present,
        "org": org,
        "content_template": content_template or ("present.html" if present else "content.html"),
        "overview_href": overview,
        "present_href": f"{overview}/vis",
    }
    response = aiohttp_jinja2.render_template(template, request, context, app_key=JINJA)
    response.headers.update(HEADERS)
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
    return _html(request, "page.html", await _board(request))


async def content(request: web.Request) -> web.Response:
    org = await _org(request)
    if org is not None:
        return _html(request, "org.html", org)
    return _html(request, "content.html", await _board(request))


async def presentation(request: web.Request) -> web.Response:
    return _html(request, "page.html", await _board(request), present=True)


async def presentation_content(request: web.Request) -> web.Response:
    return _html(request, "present.html", await _board(request), present=True)


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
    app.router.add_get("/tavle/{token}", page)
    app.router.add_get("/tavle/{token}/indhold", content)
    app.router.add_get("/tavle/{token}/events", events)
    app.router.add_get("/tavle/{token}/vis", presentation)
    app.router.add_get("/tavle/{token}/vis/indhold", presentation_content)
    app.router.add_get(STATIC + "/{name}", static)
