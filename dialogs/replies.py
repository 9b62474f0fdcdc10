"""The replies every feature shares: refusals, a line to the actor or the channel, a form sent
back with its errors, the help (short, with a topic per feature) and the welcome.

Texts name commands as the person types them where the turn happens (`Surface`): a text
writes `{cmd[luk]}` and reads "`/lovende luk`" in a Slack channel, "`@Lovende praksis luk`" in
a Teams channel or group chat and "`luk`" in the console and private chats; `{here}` is "i
kanalen", or "her" in a private chat. `tell` and `announce` fill both in for every text;
renderers that have no turn use `words(lang, surface)`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from dialogs.effects import Outcome, Post, RejectForm
from dialogs.i18n import catalogue, keys_with_prefix, t
from dialogs.messages import Form, Message, Text, ToActorOnly, ToChannel
from dialogs.turn import Surface, Turn


class Refusal(Exception):
    """A request that changes nothing; carries the message key shown to the actor (a feature's
    step turns it into `tell`)."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key, self.values = key, values


@dataclass(frozen=True)
class Commands:
    """`{cmd[luk]}` in a text: the command as it is typed on the surface (str.format looks
    the words up with [])."""

    surface: Surface

    def __getitem__(self, words: str) -> str:
        return self.surface.command(words)


def words(lang: str, surface: Surface) -> dict[str, object]:
    """The values every text may use besides its own: `cmd` and `here`."""
    # A chat several people share without threads (a Teams group chat) is no channel.
    here = (
        "common.here.private"
        if surface.private
        else "common.here.channel"
        if surface.threads
        else "common.here.chat"
    )
    return {"cmd": Commands(surface), "here": t(lang, here)}


def say(turn: Turn, key: str, **values: object) -> str:
    """A text for this turn, with commands named as its surface needs them."""
    return t(turn.lang, key, **{**words(turn.lang, turn.surface), **values})


def plain(lang: str, key: str, surface: Surface | None = None, **values: object) -> Message:
    text = t(lang, key, **{**words(lang, surface or Surface()), **values})
    return Message((Text(text),), text)


def tell(turn: Turn, key: str, **values: object) -> Outcome:
    """A line to the actor only."""
    return Outcome(out=(Post(plain(turn.lang, key, turn.surface, **values), ToActorOnly()),))


def announce(turn: Turn, key: str, **values: object) -> Outcome:
    """A line to the whole channel."""
    return Outcome(out=(Post(plain(turn.lang, key, turn.surface, **values), ToChannel()),))


def reject(form: Form, errors: dict[str, str]) -> Outcome:
    """The form again, with an error per field and the user's draft kept."""
    return Outcome(out=(RejectForm(replace(form, errors=dict(errors))),))


# ---- the help: short and grouped, with `hjælp <emne>` for each topic ----
# A topic is a feature's `help.body.<topic>` text (each feature's locale adds its own); these
# are the words people may type after `hjælp` for it, besides its name (`help.name.<topic>`,
# Danish and English). A topic not listed here is found by its own name.
TOPIC_WORDS: dict[str, tuple[str, ...]] = {
    "assessment": ("måling", "maaling", "assessment", "start", "luk", "close", "genåbn",
                   "genaabn", "reopen", "tempo", "pace", "næste", "next", "status"),
    "answering": ("svar", "svare", "answer", "answers", "kommentar", "comment", "spørgsmål",
                  "questions"),
    "team": ("team", "teamsvar", "uenighed", "uenigheder", "disagreements", "vurdering",
             "notes", "samlet", "overall", "mødeleder", "facilitator", "mere", "more"),
    "summary": ("resultat", "result", "results", "historik", "history", "eksport", "export"),
    "discussion": ("drøftelse", "droeftelse", "discussion"),
    "meetings": ("møde", "moede", "meeting", "meetings", "aftaler", "aftale", "agreements"),
    "selfeval": ("selvevaluering", "selfeval", "self-evaluation"),
    "reminders": ("påmindelser", "paamindelser", "reminders", "indstillinger", "settings"),
    "privacy": ("data", "privatliv", "privacy", "eksporter-data", "slet-data", "export-data",
                "delete-data"),
    "advice": ("råd", "raad", "metode", "advice", "method"),
}  # fmt: skip
TOPIC_ORDER = tuple(TOPIC_WORDS)


def help_topics() -> list[str]:
    """Every topic with a text, in the order the short help names them."""
    found = [key.removeprefix("help.body.") for key in keys_with_prefix("da", "help.body.")]
    return sorted(found, key=lambda k: (TOPIC_ORDER.index(k) if k in TOPIC_ORDER else 99, k))


def topic_name(lang: str, topic: str) -> str:
    return catalogue(lang).get(f"help.name.{topic}") or topic


def find_topic(text: str) -> str | None:
    """The topic someone asked for (`hjælp svar`, `help results`); None when none fits."""
    wanted = text.strip().casefold().split(" ")[0].strip("«»<>`'\"")
    for topic in help_topics():
        names = {topic_name(lang, topic).casefold() for lang in ("da", "en")}
        if wanted == topic or wanted in names or wanted in TOPIC_WORDS.get(topic, ()):
            return topic
    return None


def help_message(lang: str, surface: Surface | None = None) -> Message:
    """The short help: the first steps and the everyday commands in groups, then the topics."""
    surface = surface or Surface()
    topics = ", ".join(topic_name(lang, topic) for topic in help_topics())
    body = t(lang, "help.short", topics=topics, **words(lang, surface))
    title = t(lang, "help.title")
    return Message((Text(title, "header"), Text(body)), title + "\n" + body)


def topic_message(lang: str, topic: str, surface: Surface | None = None) -> Message:
    values = words(lang, surface or Surface())
    title = t(lang, "help.topic_title", topic=topic_name(lang, topic))
    body = t(lang, f"help.body.{topic}", **values)
    tail = t(lang, "help.topic_tail", **values)
    return Message((Text(title, "header"), Text(body), Text(tail, "muted")), title + "\n" + body)


def show_help(turn: Turn, topic: str = "") -> Outcome:
    """The short help, or one topic's (`hjælp svar`); an unknown topic says which there are."""
    if not topic.strip():
        return Outcome(out=(Post(help_message(turn.lang, turn.surface), ToActorOnly()),))
    found = find_topic(topic)
    if found is None:
        names = ", ".join(topic_name(turn.lang, k) for k in help_topics())
        return tell(turn, "help.unknown_topic", topic=topic.strip()[:40], topics=names)
    return Outcome(out=(Post(topic_message(turn.lang, found, turn.surface), ToActorOnly()),))


def welcome_message(lang: str, surface: Surface | None = None) -> Message:
    """The first message where the bot is added: a greeting and three first steps."""
    values = words(lang, surface or Surface())
    title = t(lang, "welcome.title")
    body = t(lang, "welcome.body", **values)
    steps = t(lang, "welcome.steps", **values)
    tail = t(lang, "welcome.more", **values)
    return Message(
        (Text(title, "header"), Text(body), Text(steps), Text(tail, "muted")),
        title + "\n" + steps,
    )
