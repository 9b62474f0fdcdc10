"""The two public pages the app packages name: `/privacy` and `/terms`.

Teams' manifest links them (`developer.privacyUrl`, `developer.termsOfUseUrl`), and the Slack
manifest's long description names them. Danish by default, English with `?lang=en` (each page
links the other language). Plain server-rendered HTML: no script, no image, nothing fetched
from anywhere; the one inline style block is allowed by its hash in a Content-Security-Policy
that allows nothing else.

The texts live in `dialogs/locale/pages.{da,en}.json`. They state what the code does, with the
operator's own values filled in: the data controller (`LOVENDE_DATA_CONTROLLER`), the retention
period (`LOVENDE_RETENTION_YEARS`) and how long a deletion waits for its confirmation. A text
may use two marks: a paragraph whose lines start with "- " is a list, and `backticks` are code.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass

from aiohttp import web

from bot.settings import Settings
from dialogs.i18n import LANGUAGES, t
from dialogs.privacy.dialog import CONFIRM_MINUTES

STYLE = (
    "body{font-family:system-ui,sans-serif;line-height:1.5;max-width:42rem;margin:2rem auto;"
    "padding:0 1rem;color:#1d2b27}h1{color:#2f5d50;font-size:1.6rem}h2{font-size:1.15rem;"
    "margin-top:1.8rem}code{background:#eef3f1;padding:0 .2rem}nav{text-align:right}"
    "footer{margin-top:2.5rem;font-size:.9rem;color:#4a5a55}"
)
STYLE_HASH = "sha256-" + base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()
# Nothing may load, run, frame the page or be posted from it; only the style block above.
CSP = (
    f"default-src 'none'; style-src '{STYLE_HASH}'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "public, max-age=300",
}
CODE = re.compile(r"`([^`]+)`")


@dataclass(frozen=True)
class Section:
    heading: str  # a text key
    paragraphs: tuple[str, ...]  # text keys, filled with the page's values


Sections = Callable[[Settings], tuple[Section, ...]]


def privacy_sections(settings: Settings) -> tuple[Section, ...]:
    controller = "set" if settings.data_controller else "unset"
    kept = "set" if settings.retention_years is not None else "unset"
    return (
        Section("page.privacy.controller.heading", (f"page.privacy.controller.{controller}",)),
        Section("page.privacy.stored.heading", ("page.privacy.stored.body",)),
        Section("page.privacy.where.heading", ("page.privacy.where.body",)),
        Section(
            "page.privacy.how_long.heading",
            (f"page.privacy.how_long.{kept}", "page.privacy.how_long.rest"),
        ),
        Section("page.privacy.export.heading", ("page.privacy.export.body",)),
        Section("page.privacy.recipients.heading", ("page.privacy.recipients.body",)),
        Section("page.privacy.rights.heading", ("page.privacy.rights.body",)),
    )


def terms_sections(settings: Settings) -> tuple[Section, ...]:
    operator = "set" if settings.data_controller else "unset"
    return (
        Section("page.terms.what.heading", ("page.terms.what.body",)),
        Section("page.terms.content.heading", ("page.terms.content.body",)),
        Section("page.terms.roles.heading", ("page.terms.roles.body",)),
        Section(
            "page.terms.operator.heading",
            (f"page.terms.operator.{operator}", "page.terms.operator.body"),
        ),
        Section("page.terms.data.heading", ("page.terms.data.body",)),
    )


PAGES: dict[str, Sections] = {"privacy": privacy_sections, "terms": terms_sections}


def inline(text: str) -> str:
    """Escape, then turn `code` into <code>."""
    return CODE.sub(r"<code>\1</code>", html.escape(text))


def blocks(text: str) -> Iterator[str]:
    """Paragraphs, and lists where every line of a paragraph starts with "- "."""
    for block in text.split("\n\n"):
        lines = block.strip().splitlines()
        if lines and all(line.startswith("- ") for line in lines):
            items = "".join(f"<li>{inline(line[2:])}</li>" for line in lines)
            yield f"<ul>{items}</ul>"
        elif lines:
            yield f"<p>{inline(' '.join(lines))}</p>"


def render(page: str, lang: str, settings: Settings) -> str:
    values = {
        "controller": settings.data_controller,
        "years": settings.retention_years,
        "minutes": CONFIRM_MINUTES,
        "file_days": settings.file_retention_days,
    }
    other = "en" if lang == "da" else "da"
    body = [
        f'<nav><a href="/{page}?lang={other}" hreflang="{other}" lang="{other}">'
        f"{inline(t(lang, 'page.other_language'))}</a></nav>",
        f"<h1>{inline(t(lang, f'page.{page}.title'))}</h1>",
        *blocks(t(lang, f"page.{page}.intro")),
    ]
    for section in PAGES[page](settings):
        body.append(f"<h2>{inline(t(lang, section.heading))}</h2>")
        for key in section.paragraphs:
            body.extend(blocks(t(lang, key, **values)))
    links = " · ".join(
        f'<a href="/{name}{"" if lang == "da" else "?lang=en"}">'
        f"{inline(t(lang, f'page.{name}.title'))}</a>"
        for name in PAGES
    )
    body.append(f"<footer><p>{inline(t(lang, 'page.footer'))}</p><p>{links}</p></footer>")
    return (
        f'<!doctype html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{inline(t(lang, f'page.{page}.title'))}</title>\n<style>{STYLE}</style>\n"
        "</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n"
    )


def handler(page: str, settings: Settings) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def serve(request: web.Request) -> web.Response:
        lang = request.query.get("lang", "da")
        lang = lang if lang in LANGUAGES else "da"
        return web.Response(
            text=render(page, lang, settings),
            content_type="text/html",
            charset="utf-8",
            headers={**HEADERS, "Content-Language": lang},
        )

    return serve


def mount(app: web.Application, settings: Settings) -> None:
    """GET (and HEAD) /privacy and /terms; they read nothing but the settings."""
    for page in PAGES:
        app.router.add_get(f"/{page}", handler(page, settings))
