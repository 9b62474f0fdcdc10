"""The App Home tab: the member's open questions and the channels' assessments with status,
each channel with a button that sends the member a private link to its board (Tavlen).

Pure rendering from `storage.overview` data (at most 100 blocks, as Slack requires), plus the
listener step that loads the data and publishes the view.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from slack_sdk.web.async_client import AsyncWebClient

from bot.board.config import base_url
from bot.runtime import Runtime
from bot.slack.blocks import MAX_SURFACE_BLOCKS, Json, plain, sections
from bot.slack.client import delivery_error
from bot.slack.mrkdwn import escape, truncate
from bot.slack.origin import OriginKey, Sign, is_dm
from dialogs.assessment.model import AssessmentView
from dialogs.assessment.render import element_posted
from dialogs.assessment.team import member_applies, tally
from dialogs.assessment.views import element_questions
from dialogs.board.model import open_button
from dialogs.i18n import format_date, t
from scoring.catalogue import Catalogue
from storage.overview import ChannelOverview, RoundSummary, member_overview

MAX_IDS = 25


def open_questions(view: AssessmentView, catalogue: Catalogue, member: str) -> list[str]:
    """The questions posted so far that the member has not answered (and that apply)."""
    todo = []
    for e in catalogue.elements:
        if not element_posted(view, e.number):
            continue
        for q, _msg in element_questions("da", view, catalogue, e):
            mine = any(
                a.member_external_id == member and a.value for a in view.answers.get(q.id, ())
            )
            if not mine and member_applies(q, view, member):
                todo.append(q.id)
    return todo


def channel_label(lang: str, channel: ChannelOverview) -> str:
    if channel.external_id.startswith("D"):
        return t(lang, "slack.home.dm")
    return f"<#{channel.external_id}>"


def round_line(lang: str, r: RoundSummary, view: AssessmentView | None, cat: Catalogue) -> str:
    practice = escape(r.practice_name)
    if r.status == "open" and view is not None and view.id == r.id:
        counted = tally(view, cat)  # the progress message's headline: the same everywhere
        team, total = counted.answered, counted.total
        return t(
            lang,
            "slack.home.round_open",
            practice=practice,
            round=r.round_no,
            team=team,
            total=total,
        )
    when = format_date((r.closed_at or r.started_at).date(), lang)
    return t(lang, "slack.home.round_closed", practice=practice, round=r.round_no, date=when)


# channel -> the signer of a button about it (bot.slack.origin), or None: no board buttons
SignerFor = Callable[[str], Sign]


def board_button(lang: str, channel: str, sign: Sign) -> Json:
    """ "Åbn tavlen" for one channel. A signed button, not a link minted now: Home is drawn
    each time it is opened, and a fresh link per channel per visit would fill the table with
    links nobody asked for and leave working ones in a view Slack keeps. The click runs the
    `board` verb in that channel (the signature proves whose Home it was; the engine checks
    the membership as for any click), so the link is made on demand, expires and is closed
    by `tavle luk` like any other, and reaches the person in their DM."""
    b = open_button(lang)
    return {
        "type": "button",
        "text": plain(b.label, 75),
        "action_id": f"{b.action}#{channel}",  # unique within the view
        "value": sign(b.action),
    }


def home_view(
    lang: str,
    channels: list[ChannelOverview],
    cat: Catalogue,
    member: str,
    signer_for: SignerFor | None = None,
) -> Json:
    blocks: list[Json] = [
        {"type": "header", "text": plain(t(lang, "slack.home.title"), 150)},
        *sections(t(lang, "slack.home.intro")),
        {"type": "divider"},
        {"type": "header", "text": plain(t(lang, "slack.home.open_title"), 150)},
    ]
    lines = []
    for ch in channels:
        todo = open_questions(ch.open_round, cat, member) if ch.open_round else []
        if todo and ch.open_round:
            ids = ", ".join(todo[:MAX_IDS]) + (
                " " + t(lang, "slack.home.more", n=len(todo) - MAX_IDS)
                if len(todo) > MAX_IDS
                else ""
            )
            head = t(
                lang,
                "slack.home.open_line",
                channel=channel_label(lang, ch),
                practice=escape(ch.open_round.practice_name),
                round=ch.open_round.round_no,
                n=len(todo),
            )
            lines.append(
                {
                    "type": "section",
                    "text": {"type": "mrkdwn", "text": truncate(f"{head}\n{ids}", 3000)},
                }
            )
    blocks += lines or sections(t(lang, "slack.home.none_open"))
    blocks += [
        {"type": "divider"},
        {"type": "header", "text": plain(t(lang, "slack.home.rounds_title"), 150)},
    ]
    for ch in channels:
        rows = "\n".join("• " + round_line(lang, r, ch.open_round, cat) for r in ch.rounds)
        text = truncate(f"*{channel_label(lang, ch)}*\n{rows}", 3000)
        block: Json = {"type": "section", "text": {"type": "mrkdwn", "text": text}}
        if signer_for is not None and not is_dm(ch.external_id):  # a DM has no board of its own
            block["accessory"] = board_button(lang, ch.external_id, signer_for(ch.external_id))
        blocks.append(block)
    if not channels:
        blocks += sections(t(lang, "slack.home.no_rounds"))
    blocks.append(
        {"type": "context", "elements": [{"type": "mrkdwn", "text": t(lang, "slack.home.guide")}]}
    )
    return {"type": "home", "blocks": blocks[:MAX_SURFACE_BLOCKS]}


async def publish_home(
    runtime: Runtime,
    client: AsyncWebClient,
    workspace: str,
    user: str,
    key: OriginKey | None = None,
) -> None:
    """`key`: signs the board buttons (none without it, nor without a public address for the
    links: the click would only be told that the board is not set up)."""
    async with runtime.sessions() as session:
        channels = await member_overview(session, "slack", workspace, user)
    signer_for: SignerFor | None = None
    if key is not None and base_url(runtime.settings):
        signer_for = partial(key.signer, workspace, user)
    view = home_view(runtime.settings.language, channels, runtime.catalogue, user, signer_for)
    try:
        await client.views_publish(user_id=user, view=view)
    except Exception as exc:
        raise delivery_error(exc) from exc
