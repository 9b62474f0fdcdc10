"""The whole engine under arbitrary input: typed commands and click/form payloads (valid verbs
with random arguments, near-valid `lp:` ids, huge and CPR-laden values) from members and
strangers, against a channel holding data of every feature.

For every input: no exception escapes, the bot answers something, and the database never holds
text over its limit or text that looks like a CPR number. Deterministic (derandomize=True);
one harness per test function, so earlier examples leave their data for later ones."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from security_helpers import (
    Place,
    World,
    build_template,
    build_world,
    harness_from,
    reflected,
)
from sqlalchemy import JSON, String, Text, select

from bot.testing import BotHarness, offline_features
from dialogs.assessment import commands
from dialogs.events import Command, Interaction
from dialogs.privacy.dialog import CANCEL_WORDS, CONFIRM_WORDS
from dialogs.settings.prefs import NAMES as SETTING_WORDS
from dialogs.text_input import LIMITS, contains_cpr
from scoring.catalogue import load_catalogue
from storage.models import DeliveryFailure

FUZZ = settings(
    max_examples=80,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
QUESTION_IDS = [q.id for q in load_catalogue().questions]
DIALOGS = [f.dialog for f in offline_features()]
ACTORS = st.sampled_from(["Anna", "Bo", "Carla", "Eve"])  # Anna facilitates; Eve is new
CPR = "Borgeren 010203-1234 har sagt"
FIELDS = [
    "comment", "value", "justification", "overall", "potential", "potentials", "scope",
    "selected", "text", "rating", "what", "owner", "follow_up", "due", "element", "positive",
    "improvement", "question", "when", "facilitator", "participants", "mode", "window",
    "themes", "focus", "short", "long", "months", "progress", "next", "status", "note",
    "language", "timezone", "lead", "nudge_every", "nudge_max", "reassess",
]  # fmt: skip

# The most a column may hold (the longest limit of any free-text field).
MAX_TEXT = max(LIMITS.values())
COLUMN_LIMITS = {
    ("practices", "name"): LIMITS["practice_name"],
    ("practices", "delimitation"): LIMITS["delimitation"],
    ("member_answers", "comment"): LIMITS["comment"],
    ("team_decisions", "justification"): LIMITS["justification"],
}


# Every character, control characters and lone surrogates included: the core refuses the
# former with a message and replaces the latter.
CHARS = st.one_of(st.characters(), st.sampled_from(["\n", "\t", "\x00", "\ud800"]))


def text(max_size: int, min_size: int = 0) -> st.SearchStrategy[str]:
    return st.text(alphabet=CHARS, min_size=min_size, max_size=max_size)


def long_text(n: int) -> str:
    return ("Lang tekst om praksis. " * (n // 22 + 1))[:n]


WORD = st.one_of(
    st.sampled_from([*QUESTION_IDS, "12.1", "0", "-1", "1.1.", "2.2", "L", "S1", "ledelse"]),
    st.sampled_from(sorted(commands.SCALE_WORDS)),
    st.sampled_from(sorted(CONFIRM_WORDS | CANCEL_WORDS)),
    st.integers(-3, 40).map(str),
    st.sampled_from(["9" * 40, "1e9", "a,c", "f,a", "05.03.2026 13:00", "32.13.2026"]),
    text(12),
)
FREE = st.one_of(
    text(60),
    st.just(CPR),
    st.sampled_from([120, 121, 500, 501, 1500, 1501, 3000, 3001, 10_000]).map(long_text),
)
COMMAND_WORDS = sorted({"/lovende"}.union(*(d.words for d in DIALOGS)))
SUB_WORDS = sorted(
    {sub for d in DIALOGS for _, sub in getattr(d, "sub_commands", {}) if sub} | set(SETTING_WORDS)
)


@st.composite
def typed(draw: st.DrawFn) -> str:
    parts = [draw(st.sampled_from(COMMAND_WORDS))]
    if draw(st.booleans()):
        parts.append(draw(st.sampled_from(SUB_WORDS)))
    parts += draw(st.lists(WORD, max_size=3))
    line = " ".join(parts)
    if draw(st.booleans()):
        line += (": " if draw(st.booleans()) else " ") + draw(FREE)
    return line


def verbs(bot: BotHarness) -> list[str]:
    return sorted({v for d in bot.runtime.engine.dialogs.values() for v in d.verbs})


@st.composite
def payload(draw: st.DrawFn, verb_list: list[str], world: World) -> tuple[str, dict[str, str]]:
    ids = [world.aid, world.sid, world.mid, world.agreement_id, world.point_id]
    arg = st.one_of(
        st.sampled_from(ids).map(str),
        st.sampled_from(ids).map(lambda i: str(i + 1)),
        WORD,
        st.sampled_from(["all", "one", "ja", "nej", "ikke_relevant", "done", "0", "9" * 200]),
    )
    verb = draw(st.one_of(st.sampled_from(verb_list), text(8, min_size=1)))
    args = draw(st.lists(arg, max_size=4))
    action = ":".join(["lp", verb, *args])
    if draw(st.integers(0, 9)) == 0:  # a near-miss: bad prefix, empty parts, too long
        action = draw(
            st.sampled_from([action.replace("lp:", "lq:"), action + "::", action + "x" * 300])
        )
    keys = st.one_of(st.sampled_from(FIELDS), text(6))
    values = draw(st.dictionaries(keys, st.one_of(WORD, FREE), max_size=6))
    return action, values


async def stored_text(bot: BotHarness) -> list[tuple[str, str, str]]:
    """(table, column, value) of every text and JSON value in the database."""
    meta = await reflected(bot)
    out: list[tuple[str, str, str]] = []
    async with bot.runtime.sessions() as session:
        for table in meta.sorted_tables:
            cols = [c for c in table.columns if isinstance(c.type, String | Text | JSON)]
            if not cols:
                continue
            for row in await session.execute(select(*cols)):
                for col, value in zip(cols, row, strict=True):
                    if isinstance(value, str):
                        out.append((table.name, col.name, value))
                    elif value is not None:
                        out.append((table.name, col.name, json.dumps(value, ensure_ascii=False)))
    return out


async def assert_clean(bot: BotHarness) -> None:
    for table, column, value in await stored_text(bot):
        limit = COLUMN_LIMITS.get((table, column), MAX_TEXT)
        assert len(value) <= limit, (table, column, len(value))
        assert not contains_cpr(value), (table, column)


@pytest.fixture(scope="session")
def world_f(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, World]:
    return build_template(tmp_path_factory, "world_f", lambda place: build_world(place, "F"))


class QuietHarness(BotHarness):
    def __repr__(self) -> str:  # hypothesis prints the arguments of a failing example
        return f"BotHarness({self.database_url})"


@pytest.fixture
async def fuzz_bot(world_f: tuple[Path, World], tmp_path: Path) -> AsyncIterator[BotHarness]:
    bot = await harness_from(world_f[0], tmp_path)
    bot.__class__ = QuietHarness
    try:
        yield bot
    finally:
        await bot.close()


async def failures(bot: BotHarness) -> list[str]:
    async with bot.runtime.sessions() as session:
        return list(await session.scalars(select(DeliveryFailure.error)))


async def answer(bot: BotHarness, user: str, event: Any) -> None:
    failed = len(await failures(bot))
    records = await Place(bot).send(user, event)
    assert (await failures(bot))[failed:] == [], event  # undelivered: the user got nothing
    assert records, event
    for r in records:
        if r.message is not None:
            assert r.message.fallback.strip(), event
        if r.form is not None:
            assert r.form.title.strip(), event


@FUZZ
@given(text=typed(), user=ACTORS)
async def test_typed_commands(fuzz_bot: BotHarness, text: str, user: str) -> None:
    await answer(fuzz_bot, user, Command(text))
    await assert_clean(fuzz_bot)


@FUZZ
@given(data=st.data(), user=ACTORS)
async def test_clicks_and_form_submissions(
    fuzz_bot: BotHarness, world_f: tuple[Path, World], data: st.DataObject, user: str
) -> None:
    action, values = data.draw(payload(verbs(fuzz_bot), world_f[1]))
    await answer(fuzz_bot, user, Interaction(action, values))
    await assert_clean(fuzz_bot)


@FUZZ
@given(typed_text=text(300), user=ACTORS)
async def test_arbitrary_text(fuzz_bot: BotHarness, typed_text: str, user: str) -> None:
    """Anything at all typed to the bot (empty text is answered with the help)."""
    await answer(fuzz_bot, user, Command(typed_text))
    await assert_clean(fuzz_bot)
