"""Privacy: export and delete everything a channel has stored (a pure dialog feature).

    eksporter-data / export-data   a facilitator (or a workspace admin) gets every row the
                                   channel owns as one JSON file, privately
    slet-data / delete-data        explains what will be deleted and asks for confirmation;
    slet-data bekræft              within CONFIRM_MINUTES deletes it all (or the button)

Who may: the channel's facilitator (mødeleder) or a workspace admin. Admins are listed in the
setting `LOVENDE_ADMINS` as `platform:workspace:user`; the privacy store tells this dialog
whether the actor is one (`PrivacyView.is_admin`). The confirmation is dialog state of the
person who asked, so nobody else can confirm it, and it expires.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from dialogs import actions
from dialogs.actions import Action
from dialogs.effects import Outcome, Post, Refresh, SetDialogState
from dialogs.feature import FeatureDialog, Values, command, verb
from dialogs.i18n import t
from dialogs.messages import Button, Buttons, File, Message, Text, ToActorOnly, ToChannel, ToMember
from dialogs.privacy.model import OWNER, DeleteChannelData, ExportChannelData, privacy_of
from dialogs.replies import plain, tell
from dialogs.turn import Turn

CONFIRM_KIND = "confirm_delete_data"
CONFIRM_MINUTES = 15

CONFIRM_WORDS = frozenset({"bekræft", "bekraeft", "bekræfter", "confirm", "ja", "yes"})
CANCEL_WORDS = frozenset({"fortryd", "annuller", "afbryd", "nej", "cancel", "no"})


class PrivacyDialog(FeatureDialog):
    name = OWNER
    reads = frozenset({OWNER})

    # ---- checks ----
    def allowed(self, turn: Turn) -> bool:
        if turn.actor.role == "system":
            return False
        return turn.is_facilitator or privacy_of(turn).is_admin

    def pending(self, turn: Turn) -> bool:
        """True while the actor's own request to delete is fresh."""
        if turn.state_kind != CONFIRM_KIND:
            return False
        asked = turn.state_data.get("at")
        try:
            at = datetime.fromisoformat(asked) if isinstance(asked, str) else None
        except ValueError:
            return False
        if at is None or at.tzinfo is None:
            return False
        return timedelta(0) <= turn.now - at <= timedelta(minutes=CONFIRM_MINUTES)

    # ---- export ----
    @command("eksporter-data", "eksportér-data", "eksportere-data", "export-data")
    def export(self, turn: Turn, _rest: str) -> Outcome:
        if not self.allowed(turn):
            return tell(turn, "priv.err.export_not_allowed")
        notice = plain(turn.lang, "priv.export.notice", who=turn.actor.name)
        return Outcome(
            ops=(ExportChannelData(),),
            out=(Refresh("export", owner=OWNER), Post(notice, ToChannel())),
        )

    def render(self, refresh: Refresh, turn: Turn) -> list[Post]:
        if refresh.what != "export":
            return []
        ref = privacy_of(turn).export
        if ref is None:
            return [Post(plain(turn.lang, "priv.export.missing"), ToActorOnly())]
        intro = t(turn.lang, "priv.export.ready", rows=ref.rows)
        message = Message(
            (
                Text(intro),
                File(ref.file_id, ref.filename, t(turn.lang, "priv.export.title"), ref.path),
            ),
            intro,
        )
        sent = plain(turn.lang, "priv.export.sent")
        return [
            Post(message, ToMember(turn.actor.external_id)),
            Post(sent, ToActorOnly()),
        ]

    # ---- delete ----
    @command("slet-data", "delete-data")
    def delete(self, turn: Turn, rest: str) -> Outcome:
        word = rest.split()[0].casefold() if rest.split() else ""
        if word in CANCEL_WORDS:
            return self.keep(turn)
        if word in CONFIRM_WORDS:
            return self.confirm(turn)
        return self.ask(turn)

    @verb("pv-del")
    def delete_click(self, turn: Turn, _a: Action, _values: Values) -> Outcome:
        return self.confirm(turn)

    @verb("pv-keep")
    def keep_click(self, turn: Turn, _a: Action, _values: Values) -> Outcome:
        return self.keep(turn)

    def ask(self, turn: Turn) -> Outcome:
        if not self.allowed(turn):
            return tell(turn, "priv.err.delete_not_allowed")
        lang = turn.lang
        text = t(lang, "priv.delete.ask", minutes=CONFIRM_MINUTES)
        buttons = Buttons(
            (
                Button(t(lang, "priv.delete.button"), actions.encode("pv-del"), "danger"),
                Button(t(lang, "priv.delete.keep_button"), actions.encode("pv-keep")),
            )
        )
        state = SetDialogState(CONFIRM_KIND, {"at": turn.now.isoformat()})
        return Outcome(
            ops=(state,),
            out=(Post(Message((Text(text), buttons), text), ToActorOnly()),),
        )

    def confirm(self, turn: Turn) -> Outcome:
        if not self.allowed(turn):
            return tell(turn, "priv.err.delete_not_allowed")
        if not self.pending(turn):
            return self.ask(turn)
        # No Refresh and no keyed message: after this operation the channel has no rows.
        done = plain(turn.lang, "priv.delete.done", who=turn.actor.name)
        return Outcome(ops=(DeleteChannelData(),), out=(Post(done, ToChannel()),))

    def keep(self, turn: Turn) -> Outcome:
        if turn.state_kind != CONFIRM_KIND:
            return tell(turn, "priv.delete.nothing_pending")
        return Outcome(ops=(SetDialogState(None),)) + tell(turn, "priv.delete.kept")
