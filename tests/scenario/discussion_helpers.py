"""Helpers for the results discussion's scenarios: a closed assessment with low scores and
comments to discuss, a whole discussion run through, and finding ids in what the fake channel
received. Other test folders load this file by path (test folders are not packages)."""

from __future__ import annotations

from bot.console.channel import Record
from bot.testing import BotHarness, texts
from dialogs import actions
from dialogs.messages import Form, ToActorOnly, ToChannel, ToMember

TEAM = ("Anna", "Bo", "Carla")
# Element 1 scores 0.42 for everyone alike; element 8 scores 0.125 (Bo and Carla comment);
# element 4 is answered by Anna alone on two questions (too few answers to be ranked).
ELEMENT_1 = ["ja", "nej", "delvist", "nej", "ved ikke", "ja"]
ELEMENT_8 = ["nej", "delvist", "nej", "nej"]
COMMENT_8 = {"Bo": "Vi mangler faste aftaler med kommunen", "Carla": "Det sker kun ad hoc"}

NOTES = {
    "Anna": {
        "strengths": "Klare mål for beboerne\nVi bygger på recovery",
        "potentials": "Forankre forandringsteorien",
        "surprises": "At vi svarer så ens",
    },
    "Bo": {
        "strengths": "Vi dokumenterer mere end før",
        "potentials": "Faste aftaler om samarbejdet med kommunen\nOpfølgning på beboernes mål",
        "surprises": "",
    },
    "Carla": {
        "strengths": "",
        "potentials": "Introduktion af nye kolleger",
        "surprises": "Den lave score på samarbejde",
    },
}


async def closed_assessment(bot: BotHarness, *, close: bool = True) -> int:
    aid = await bot.start_assessment()
    for person in TEAM:
        for i, answer in enumerate(ELEMENT_1, 1):
            await bot.say(person, f"svar 1.{i} {answer}")
        for i, answer in enumerate(ELEMENT_8, 1):
            comment = f": {COMMENT_8[person]}" if person in COMMENT_8 and i == 1 else ""
            await bot.say(person, f"svar 8.{i} {answer}{comment}")
    await bot.say("Anna", "svar 4.1 ja")
    await bot.say("Anna", "svar 4.2 ja")
    if close:
        await bot.say("Anna", "luk")
        await bot.say("Anna", "luk")  # the gaps first, then closing
    return aid


def discussion_id(bot: BotHarness) -> int:
    return int(actions.decode(bot.button("lp:dc-next:")).args[0])


async def start(bot: BotHarness, mode: str = "live", window: str = "2", votes: str = "2") -> int:
    await bot.press("Anna", "dcf-start", values={"mode": mode, "window": window, "votes": votes})
    return discussion_id(bot)


async def write_notes(bot: BotHarness, did: int) -> None:
    for person, values in NOTES.items():
        await bot.press(person, "dcf-notes", did, values=values)


def channel_text(records: list[Record]) -> str:
    """What the whole channel sees (not private replies or DMs)."""
    return texts([r for r in records if r.kind == "update" or isinstance(r.target, ToChannel)])


def private_to(records: list[Record], member: str) -> list[Record]:
    return [
        r
        for r in records
        if isinstance(r.target, ToMember) and r.target.member_external_id == member
    ]


def to_actor(records: list[Record]) -> str:
    return texts([r for r in records if isinstance(r.target, ToActorOnly)])


async def run_discussion(bot: BotHarness) -> int:
    """A whole live discussion with long texts, ending with an agreement and a meeting plan
    (for the platforms' validation of every message and form)."""
    await closed_assessment(bot)
    await bot.say("Anna", "drøftelse start")
    await start(bot, mode="async", window="1")  # each member's private invitation
    await bot.say("Anna", "drøftelse aflys")
    did = await start(bot, votes="3")
    long = "Vi skal blive bedre til at følge op på målene sammen med beboerne. " * 4
    for person in TEAM:
        await bot.press(person, "dc-notes", did)
        await bot.press(
            person,
            "dcf-notes",
            did,
            values={
                "strengths": "\n".join(f"{person} styrke {i}: {long[:250]}" for i in range(5)),
                "potentials": "\n".join(f"{person} potentiale {i}: {long[:250]}" for i in range(4)),
                "surprises": "\n".join(
                    f"{person} overraskelse {i}: {long[:250]}" for i in range(5)
                ),
            },
        )
    await bot.press("Bo", "dcf-notes", did, values={"potentials": "x" * 301})
    await bot.say("Anna", "drøftelse næste")
    await bot.say("Anna", "drøftelse næste")
    await bot.click("Carla", bot.button(f"lp:dc-pot:{did}:8"))
    await bot.press("Carla", "dcf-pot", did, 8, values={"text": long[:280]})
    await bot.say("Anna", "drøftelse næste")
    await bot.press("Bo", "dc-vote", did, 0, values={"selected": "1,2"})
    await bot.press("Carla", "dc-vote", did, 1, values={"selected": "11,13"})
    await bot.say("Anna", "drøftelse")
    await bot.say("Anna", "drøftelse næste")
    await bot.click("Anna", bot.button(f"lp:dc-agree:{did}:"))
    await bot.click("Anna", last_form(bot).action, {"what": "", "due": "x"})
    await bot.click("Anna", bot.button(f"lp:dc-meet:{did}"))
    await bot.press("Anna", "dcf-meet", did, values={"when": "i går"})
    return did


def last_form(bot: BotHarness) -> Form:
    form = next(r.form for r in reversed(bot.channel.records) if r.form is not None)
    assert form is not None
    return form
