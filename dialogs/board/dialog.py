"""`tavle` (`board`): a private link to the channel's board (in the person's own chat: a DM in
Slack, a 1:1 chat in Teams); `tavle fane` (`board tab`): the facilitator's code for a Teams
channel tab that shows the board (bot/http/board.py checks it); `tavle luk` (`board close`):
the facilitator revokes every link and tab code of the channel.

The step stays pure: the random token comes from the `new_token` the dialog was built with
(`secrets.token_urlsafe` in the bot, a fixed sequence in tests), the expiry from the turn's
clock and the channel's setting. Only the token's hash goes into the operation; the token
itself is only in the private answer.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import timedelta
from zoneinfo import ZoneInfo

from dialogs.actions import Action
from dialogs.board.model import (
    OPEN_VERB,
    OWNER,
    TAB_DAYS,
    TOKEN_BYTES,
    CreateBoardLink,
    RevokeBoardLinks,
    token_hash,
)
from dialogs.effects import Outcome, Post
from dialogs.feature import FeatureDialog, Values, command, verb
from dialogs.i18n import format_date
from dialogs.messages import Message, Text, ToActorOnly, ToMember
from dialogs.privacy.model import OWNER as PRIVACY
from dialogs.privacy.model import privacy_of
from dialogs.replies import Refusal, announce, say
from dialogs.settings.prefs import prefs
from dialogs.turn import Turn

BOARD = ("tavle", "tavlen", "board")
ROUTE = "/tavle/"  # the web app's path of a board (bot/board/web.py mounts it)


def new_random_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def board_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}{ROUTE}{token}"


class BoardDialog(FeatureDialog):
    name = OWNER

    def __init__(self, base_url: str, new_token: Callable[[], str] = new_random_token) -> None:
        self.base_url, self.new_token = base_url, new_token

    @command(under=BOARD)
    def link(self, turn: Turn, rest: str) -> Outcome:
        """Anyone in the channel may look at its board: it shows what `uenighed`, `status` and
        `resultat` show them already."""
        return self.hand_out(turn, "board.link_title", "board.link", workspace=False)

    @verb(OPEN_VERB)
    def pressed(self, turn: Turn, action: Action, values: Values) -> Outcome:
        """The button carries nothing but its verb: the channel is the one the click came
        from (checked by the engine as for any click), the link is for whoever pressed."""
        return self.link(turn, "")

    @command("organisation", "org", "organization", under=BOARD, reads=(PRIVACY,))
    def organisation(self, turn: Turn, rest: str) -> Outcome:
        """Every practice of the workspace at a glance: for its admins (LOVENDE_ADMINS) only."""
        if not privacy_of(turn).is_admin:
            raise Refusal("board.err.admins_only")
        return self.hand_out(turn, "board.org_title", "board.org_link", workspace=True)

    @command("fane", "tab", under=BOARD)
    def tab(self, turn: Turn, rest: str) -> Outcome:
        """A code for a Teams channel tab that shows this channel's board to everyone in it:
        the facilitator's to set up (it lasts a year unless `tavle luk` ends it first), asked
        for in the channel the tab is for (the tab's set-up page checks it is that channel)."""
        if turn.surface.private:
            raise Refusal("board.err.tab_private")
        if not turn.is_facilitator:
            no_one = "board.err.tab_no_facilitator"
            raise Refusal("board.err.tab_facilitator" if turn.has_facilitator else no_one)
        return self.hand_out(turn, "board.tab_title", "board.tab_code", workspace=False, tab=True)

    def hand_out(
        self, turn: Turn, title: str, body: str, *, workspace: bool, tab: bool = False
    ) -> Outcome:
        if not self.base_url:
            raise Refusal("board.err.no_url")
        p = prefs(turn)
        token = self.new_token()
        lasts = timedelta(days=TAB_DAYS) if tab else timedelta(hours=p.board_hours)
        expires = turn.now + lasts
        local = expires.astimezone(ZoneInfo(p.timezone))
        text = say(
            turn,
            body,
            url=board_url(self.base_url, token),
            code=token,
            date=format_date(local.date(), turn.lang),
            time=local.strftime("%H:%M"),
        )
        message = Message((Text(say(turn, title), "header"), Text(text)), text)
        ops = (CreateBoardLink(token_hash(token), expires, workspace, tab),)
        if turn.surface.private:
            return Outcome(ops=ops, out=(Post(message, ToActorOnly()),))
        # In a channel the link goes to the person's own chat: a Teams channel has no reply
        # that only one person sees, and a link shown there would be everyone's to copy.
        sent = say(turn, "board.tab_sent_privately" if tab else "board.sent_privately")
        return Outcome(
            ops=ops,
            out=(
                Post(message, ToMember(turn.actor.external_id)),
                Post(Message((Text(sent),), sent), ToActorOnly()),
            ),
        )

    @command("luk", "spær", "spaer", "close", "revoke", under=BOARD)
    def revoke(self, turn: Turn, rest: str) -> Outcome:
        if not turn.is_facilitator:
            key = "board.err.facilitator" if turn.has_facilitator else "board.err.no_facilitator"
            raise Refusal(key)
        return Outcome(ops=(RevokeBoardLinks(),)) + announce(
            turn, "board.revoked", who=turn.actor.name
        )

    def unknown_command(self, turn: Turn, line: str) -> Outcome:
        raise Refusal("board.err.unknown")
