"""`påmindelser`: the channel's next reminders, to the person who asks."""

from __future__ import annotations

from dialogs.calendar import local
from dialogs.effects import Outcome, Post
from dialogs.feature import FeatureDialog, command
from dialogs.i18n import catalogue, format_date, t
from dialogs.messages import Message, Text, ToActorOnly
from dialogs.reminders.model import OWNER, reminder_data
from dialogs.replies import tell
from dialogs.settings import prefs
from dialogs.turn import Turn


class RemindersDialog(FeatureDialog):
    name = OWNER
    reads = frozenset({OWNER, "settings"})

    @command("påmindelser", "paamindelser", "reminders")
    def upcoming(self, turn: Turn, _rest: str) -> Outcome:
        lang = turn.lang
        data = reminder_data(turn)
        if not data.upcoming:
            return tell(turn, "rem.list.none")
        cal = prefs(turn).calendar
        names = {m.external_id: m.name for m in turn.members}
        lines = []
        for u in data.upcoming:
            when = local(u.due_at, cal)
            known = f"rem.kind.{u.kind}" in catalogue(lang)
            line = t(
                lang,
                "rem.list.line",
                when=f"{format_date(when.date(), lang)} {when:%H:%M}",
                what=t(lang, f"rem.kind.{u.kind}") if known else u.kind,
            )
            if u.recipient:
                line += " " + t(lang, "rem.list.to", who=names.get(u.recipient, u.recipient))
            lines.append(line)
        title = t(lang, "rem.list.title")
        body = "\n".join(lines)
        message = Message((Text(title, "header"), Text(body)), f"{title}\n{body}")
        return Outcome(out=(Post(message, ToActorOnly()),))
