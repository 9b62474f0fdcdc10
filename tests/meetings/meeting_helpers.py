"""Helpers for the meeting scenarios: a closed assessment to build on, and finding ids in
what the fake channel received."""

from __future__ import annotations

from bot.console.channel import Record
from bot.testing import ELEMENT_1, BotHarness, texts
from dialogs import actions
from dialogs.messages import Buttons, MultiSelect, ToChannel, ToMember

TEAM = ("Anna", "Bo", "Carla")

PREP = {
    "Anna": ("Flere beboere har egne recovery-mål", "Teorien er ikke forankret", ""),
    "Bo": ("Vi dokumenterer mere end før", "Vi følger for sjældent op på målene", ""),
    "Carla": (
        "Beboerne oplever at blive hørt",
        "Nye kolleger kender ikke metoden",
        "Hvorfor svarer vi ved ikke på 1.5?",
    ),
}


async def closed_assessment(bot: BotHarness) -> int:
    """Anna, Bo and Carla answer element 1; Anna closes the round."""
    aid = await bot.start_assessment()
    for person in TEAM:
        await bot.answer(person, 1, ELEMENT_1)
    await bot.say("Anna", "luk")
    await bot.say("Anna", "luk")  # the gaps first, then closing
    return aid


async def plan(bot: BotHarness, **changes: str) -> int:
    return await bot.plan_meeting(**changes)


async def meeting_under_way(bot: BotHarness) -> int:
    """Anna plans a learning dialogue, all three prepare, and she starts it and moves on from
    Siden sidst; its id."""
    mid = await plan(bot)
    await prepare_all(bot, mid)
    await bot.say("Anna", "møde start")
    await bot.say("Anna", "møde næste")
    return mid


def meeting_id(bot: BotHarness) -> int:
    return int(actions.decode(bot.button("lp:mt-prep:")).args[0])


async def prepare_all(bot: BotHarness, mid: int) -> None:
    for person, (positive, improvement, question) in PREP.items():
        await bot.press(
            person,
            "mtf-prep",
            mid,
            values={"positive": positive, "improvement": improvement, "question": question},
        )


def observation_ids(bot: BotHarness) -> dict[str, int]:
    """Observation text → its number (the multi-select's key), from the theme multi-selects."""
    out: dict[str, int] = {}
    for record in bot.channel.records:
        if record.message is None:
            continue
        for block in record.message.blocks:
            if isinstance(block, MultiSelect) and block.action.startswith("lp:mt-vote:"):
                for o in block.options:
                    out[o.label.split(". ", 1)[1]] = int(o.key)
    return out


def theme_ids(bot: BotHarness, mid: int) -> list[int]:
    ids: list[int] = []
    for record in bot.channel.records:
        if record.message is None:
            continue
        for block in record.message.blocks:
            if isinstance(block, Buttons):
                for b in block.buttons:
                    if b.action.startswith(f"lp:mt-int:{mid}:"):
                        tid = int(actions.decode(b.action).args[1])
                        if tid not in ids:
                            ids.append(tid)
    return ids


def private_to(records: list[Record], member: str) -> list[Record]:
    return [
        r
        for r in records
        if isinstance(r.target, ToMember) and r.target.member_external_id == member
    ]


def in_thread(records: list[Record]) -> list[Record]:
    return [r for r in records if isinstance(r.target, ToChannel) and r.thread is not None]


def text_of(records: list[Record]) -> str:
    return texts(records)
