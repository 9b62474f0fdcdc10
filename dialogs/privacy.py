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

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from dialogs import actions
from dialogs.effects import Outcome, Post, Refresh, SetDialogState
from dialogs.events import Command, Event, Interaction
from dialogs.i18n import t
from dialogs.messages import Button, Buttons, File, Message, Text, ToActorOnly, ToChannel, ToMember
from dialogs.model import Turn

OWNER = "privacy"
CONFIRM_KIND = "confirm_delete_data"
CONFIRM_MINUTES = 15

ALIASES: Mapping[str, str] = {
    "eksporter-data": "export",
    "eksportér-data": "export",
    "eksportere-data": "export",
    "export-data": "export",
    "slet-data": "delete",
    "delete-data": "delete",
}
CONFIRM_WORDS = frozenset({"bekræft", "bekraeft", "bekræfter", "confirm", "ja", "yes"})
CANCEL_WORDS = frozenset({"fortryd", "annuller", "afbryd", "nej", "cancel", "no"})


# ---- data operations (applied by storage.privacy.PrivacyStore) ----
@dataclass(frozen=True)
class ExportChannelData:
    """Write every row of the channel to a JSON file (in the turn's transaction)."""


@dataclass(frozen=True)
class DeleteChannelData:
    """Delete every row of the channel, the channel itself and members left in no channel."""


# ---- read model (loaded by storage.privacy.PrivacyStore) ----
@dataclass(frozen=True)
class ExportRef:
    path: str
    filename: str
    rows: int


@dataclass(frozen=True)
class PrivacyView:
    is_admin: bool = False
    export: ExportRef | None = None  # set in the turn that wrote an export


def privacy_of(turn: Turn) -> PrivacyView:
    data = turn.extra.get(OWNER)
    return data if isinstance(data, PrivacyView) else PrivacyView()


def _ops(*ops: object) -> tuple[object, ...]:
    return ops


def _text(lang: str, key: str, **values: object) -> Message:
    text = t(lang, key, **values)
    return Message((Text(text),), text)


def tell(turn: Turn, key: str, **values: object) -> Outcome:
    return Outcome(out=(Post(_text(turn.lang, key, **values), ToActorOnly()),))


class PrivacyDialog:
    name = OWNER
    reads = frozenset({OWNER})
    aliases: Mapping[str, str] = ALIASES
    verbs = frozenset({"pv-del", "pv-keep"})

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

    # ---- step ----
    def step(self, turn: Turn, event: Event) -> Outcome:
        if isinstance(event, Command):
            return self.command(turn, event.text)
        return self.interaction(turn, event)

    def command(self, turn: Turn, text: str) -> Outcome:
        words = text.strip().removeprefix("/lovende").split()
        kind = ALIASES.get(words[0].casefold()) if words else None
        rest = words[1].casefold() if len(words) > 1 else ""
        if kind == "export":
            return self.export(turn)
        if kind == "delete":
            if rest in CANCEL_WORDS:
                return self.keep(turn)
            if rest in CONFIRM_WORDS:
                return self.confirm(turn)
            return self.ask(turn)
        return tell(turn, "err.bad_action")

    def interaction(self, turn: Turn, event: Interaction) -> Outcome:
        try:
            verb = actions.decode(event.action).verb
        except actions.BadAction:
            verb = ""
        if verb == "pv-del":
            return self.confirm(turn)
        if verb == "pv-keep":
            return self.keep(turn)
        return tell(turn, "err.bad_action")

    # ---- export ----
    def export(self, turn: Turn) -> Outcome:
        if not self.allowed(turn):
            return tell(turn, "priv.err.export_not_allowed")
        notice = _text(turn.lang, "priv.export.notice", who=turn.actor.name)
        return Outcome(
            ops=_ops(ExportChannelData()),
            out=(Refresh("export", owner=OWNER), Post(notice, ToChannel())),
        )

    def render(self, refresh: Refresh, turn: Turn) -> list[Post]:
        if refresh.what != "export":
            return []
        ref = privacy_of(turn).export
        if ref is None:
            return [Post(_text(turn.lang, "priv.export.missing"), ToActorOnly())]
        intro = t(turn.lang, "priv.export.ready", rows=ref.rows)
        message = Message(
            (Text(intro), File(ref.path, ref.filename, t(turn.lang, "priv.export.title"))),
            intro,
        )
        sent = _text(turn.lang, "priv.export.sent")
        return [
            Post(message, ToMember(turn.actor.external_id)),
            Post(sent, ToActorOnly()),
        ]

    # ---- delete ----
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
            ops=_ops(state),
            out=(Post(Message((Text(text), buttons), text), ToActorOnly()),),
        )

    def confirm(self, turn: Turn) -> Outcome:
        if not self.allowed(turn):
            return tell(turn, "priv.err.delete_not_allowed")
        if not self.pending(turn):
            return self.ask(turn)
        # No Refresh and no keyed message: after this operation the channel has no rows.
        done = _text(turn.lang, "priv.delete.done", who=turn.actor.name)
        return Outcome(ops=_ops(DeleteChannelData()), out=(Post(done, ToChannel()),))

    def keep(self, turn: Turn) -> Outcome:
        if turn.state_kind != CONFIRM_KIND:
            return tell(turn, "priv.delete.nothing_pending")
        return Outcome(ops=_ops(SetDialogState(None))) + tell(turn, "priv.delete.kept")
