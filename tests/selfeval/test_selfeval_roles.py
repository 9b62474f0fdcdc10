"""Leaders and staff answer the self-evaluation side by side (booklet 1, 4.2: "en fælles proces
med ledere og medarbejdere"), through the whole bot on SQLite and PostgreSQL: each says once
which they answer as (intro button, the private question with their first answer, the
command), may change it, gives an own rating per dimension, and the summary shows both groups'
answers beside each other and marks where they are more than one step apart."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.console.channel import Record
from bot.testing import BotHarness, texts
from dialogs import actions
from dialogs.messages import Buttons, Fields, ToActorOnly
from dialogs.selfeval.model import (
    LEADER,
    STAFF,
    OwnRatingView,
    ReflectionView,
    SelfEvalView,
)
from dialogs.selfeval.perspectives import perspectives
from scoring.org_catalogue import load_org_catalogue
from storage.selfeval_models import SelfEvalOwnRating, SelfEvalRespondent

ROLE_QUESTION = "Svarer du som leder eller som medarbejder?"


async def start_all(bot: BotHarness) -> int:
    sid = await bot.start_selfeval("Bostedet Lærkely")
    return sid


def role_buttons(records: list[Record]) -> list[str]:
    return [
        b.action
        for r in records if r.message is not None
        for blk in r.message.blocks if isinstance(blk, Buttons)
        for b in blk.buttons if b.action.startswith("lp:se-role:")
    ]  # fmt: skip


def summary(records: list[Record]) -> Record:
    found = [
        r
        for r in records
        if r.message is not None and r.message.fallback.startswith("Selvevaluering – opsummering")
    ]
    assert found
    return found[-1]


def sides(record: Record) -> list[dict[str, str]]:
    assert record.message is not None
    return [dict(b.rows) for b in record.message.blocks if isinstance(b, Fields)]


async def test_leaders_and_staff_answer_side_by_side_and_the_gap_is_marked(
    bot: BotHarness,
) -> None:
    sid = await start_all(bot)
    intro = next(r for r in bot.channel.records if r.message and "Bostedet" in r.message.fallback)
    assert "Ledere og medarbejdere sammen" in texts([intro])
    assert role_buttons([intro]) == [
        actions.encode("se-role", sid, LEADER),
        actions.encode("se-role", sid, STAFF),
    ]

    # Anna says it with the intro's button, before answering: no question later.
    said = texts(await bot.click("Anna", actions.encode("se-role", sid, LEADER)))
    assert "du svarer som leder" in said
    first = await bot.say("Anna", "selvevaluering refleksion L1 Vi siger det på hvert møde.")
    assert ROLE_QUESTION not in texts(first)

    # Bo answers first and is asked once, privately, with the two buttons.
    first = await bot.say("Bo", "selvevaluering refleksion L1 Det hører vi sjældent.")
    asked = [r for r in first if ROLE_QUESTION in texts([r])]
    assert len(asked) == 1 and isinstance(asked[0].target, ToActorOnly)
    assert len(role_buttons(asked)) == 2
    assert "`selvevaluering rolle medarbejder`" in texts(asked)
    again = await bot.say("Bo", "selvevaluering refleksion L2 Delvist.")
    assert ROLE_QUESTION not in texts(again)
    assert "du svarer som medarbejder" in texts(await bot.click("Bo", role_buttons(asked)[1]))

    # Carla types it; an own rating is asked with her first answer too, when she has no role.
    rated = texts(await bot.say("Carla", "selvevaluering min vurdering ledelse 3"))
    assert "Din egen vurdering af Ledelse er gemt: 3/5" in rated and ROLE_QUESTION in rated
    assert "du svarer som medarbejder" in texts(
        await bot.say("Carla", "selvevaluering rolle medarbejder")
    )

    # Own ratings: Anna by the dimension card's button and its form, Bo typed.
    opened = await bot.click("Anna", bot.button(f"lp:se-own:{sid}:L"))
    form = next(r.form for r in opened if r.form is not None)
    assert form.title == "Min vurdering"
    await bot.click("Anna", form.action, {"rating": "5"})
    await bot.say("Bo", "selvevaluering min ledelse 2")
    await bot.say("Anna", "selvevaluering min strategi 4")
    await bot.say("Bo", "selvevaluering min strategi 3")

    # The question card shows whose perspective each reflection is, leaders first.
    l1 = [r for r in bot.channel.records if r.message and r.message.fallback.startswith("L1 ")]
    shown = texts(l1[-1:])
    assert shown.index("Anna (leder):") < shown.index("Bo (medarbejder):")

    # The summary: both groups beside each other; Ledelse (5,0 against 2,5) is marked,
    # Strategi (4,0 against 3,0: one step) is not.
    closed = await bot.say("Anna", "selvevaluering luk")
    result = summary(closed)
    text = texts([result])
    assert "Hvor ledere og medarbejdere ser forskelligt" in text
    assert "mere end ét trin mellem deres egne vurderinger i snit): Ledelse." in text
    assert "ser Ledelse forskelligt – 5,0 mod 2,5 i snit" in text
    assert "ser Strategi forskelligt" not in text
    ledelse, strategi = sides(result)[:2]
    assert set(ledelse) == {"Ledere", "Medarbejdere"}
    assert "egen vurdering i snit 5,0 (1 svar)" in ledelse["Ledere"]
    assert "egen vurdering i snit 2,5 (2 svar)" in ledelse["Medarbejdere"]
    assert "2 personer" in ledelse["Medarbejdere"] and "2 refleksioner" in ledelse["Medarbejdere"]
    assert "4,0" in strategi["Ledere"] and "3,0" in strategi["Medarbejdere"]

    async with bot.runtime.sessions() as s:
        roles = {r.role for r in (await s.scalars(select(SelfEvalRespondent))).all()}
        own = (await s.scalars(select(SelfEvalOwnRating))).all()
    assert roles == {LEADER, STAFF} and len(own) == 5


async def test_a_role_can_be_changed_and_moves_the_answers_after_a_restart(
    bot: BotHarness,
) -> None:
    sid = await start_all(bot)
    await bot.say("Anna", "selvevaluering rolle leder")
    await bot.say("Bo", "selvevaluering rolle leder")  # a slip
    await bot.say("Anna", "selvevaluering min kultur 5")
    await bot.say("Bo", "selvevaluering min kultur 2")
    await bot.say("Bo", "selvevaluering refleksion KU3 Vi fejrer for lidt.")
    await bot.restart()

    shown = texts(await bot.say("Bo", "selvevaluering rolle"))
    assert "Du svarer som leder i denne selvevaluering" in shown
    assert "du svarer som leder" not in shown  # asking changes nothing
    changed = await bot.say("Bo", "selvevaluering rolle medarbejder")
    assert "du svarer som medarbejder" in texts(changed)
    # His reflection's card and Kultur's card are updated in place with his new role.
    updated = [r for r in changed if r.kind == "update" and r.message is not None]
    ku3 = [r for r in updated if r.message and r.message.fallback.startswith("KU3 ")]
    assert "Bo (medarbejder):" in texts(ku3)
    assert any(r.message and r.message.fallback.endswith("Kultur") for r in updated)
    assert "Du svarer allerede som medarbejder" in texts(
        await bot.click("Bo", actions.encode("se-role", sid, STAFF))
    )

    result = texts(await bot.say("Anna", "selvevaluering resultat"))
    assert "ser Kultur forskelligt – 5,0 mod 2,0 i snit" in result


async def test_bad_role_and_rating_input_are_refused_kindly(bot: BotHarness) -> None:
    sid = await start_all(bot)
    refused = texts(await bot.say("Bo", "selvevaluering rolle chef"))
    assert "Skriv `selvevaluering rolle leder` eller `selvevaluering rolle medarbejder`" in refused
    assert "Vurderingen skal være et helt tal fra 1 til 5" in texts(
        await bot.say("Bo", "selvevaluering min ledelse 7")
    )
    assert "Skriv hvilken dimension" in texts(await bot.say("Bo", "selvevaluering min vurdering"))
    await bot.click("Bo", actions.encode("se-own", sid, "S"))
    rejected = await bot.click("Bo", actions.encode("se-f-own", sid, "S"), {"rating": "2,5"})
    form = next(r.form for r in rejected if r.form is not None)
    assert "Vurderingen skal være et helt tal" in form.errors["rating"]
    bad = texts(await bot.click("Bo", actions.encode("se-role", sid, "chef")))
    assert "Den handling kan jeg ikke udføre her" in bad
    async with bot.runtime.sessions() as s:
        assert not (await s.scalars(select(SelfEvalRespondent))).all()
        assert not (await s.scalars(select(SelfEvalOwnRating))).all()

    await bot.say("Anna", "selvevaluering luk")
    closed = texts(await bot.say("Bo", "selvevaluering rolle leder"))
    assert "Selvevalueringen er lukket" in closed


async def test_english_channel_names_the_role_commands_in_english(bot: BotHarness) -> None:
    await bot.say("Anna", "selfeval start")  # the starter becomes the facilitator
    await bot.say("Anna", "indstillinger sprog en")
    sid = int(actions.decode(bot.button("lp:se-pace:")).args[0])
    await bot.click("Anna", actions.encode("se-pace", sid, "all"))
    asked = texts(await bot.say("Bo", "selfeval reflect L1 Hardly ever."))
    assert "Do you answer as a leader or as staff?" in asked
    assert "`selfeval role leader`" in asked and "`selfeval role staff`" in asked
    assert "you answer this self-evaluation as staff" in texts(
        await bot.say("Bo", "selfeval role staff")
    )
    await bot.say("Bo", "selfeval my rating leadership 2")
    await bot.say("Anna", "selfeval role leader")
    await bot.say("Anna", "selfeval my rating leadership 4")
    result = texts(await bot.say("Anna", "selfeval summary"))
    assert "Leaders" in result and "own rating on average 4.0 (1 answers)" in result
    assert "see Leadership differently – 4.0 against 2.0 on average" in result


def own(ext: str, rating: int) -> OwnRatingView:
    return OwnRatingView(ext, ext.title(), rating)


@pytest.mark.parametrize(
    ("leaders", "staff", "gap", "differs"),
    [
        ((5,), (2, 3), 2.5, True),
        ((4,), (3,), 1.0, False),  # exactly one step is not "more than one"
        ((4, 5), (3,), 1.5, True),
        ((4,), (), None, False),  # only one group rated
        ((), (), None, False),
    ],
)
def test_the_gap_is_more_than_one_step_between_the_averages(
    leaders: tuple[int, ...], staff: tuple[int, ...], gap: float | None, differs: bool
) -> None:
    dim = load_org_catalogue().dimension("L")
    people = [(f"l{i}", r, LEADER) for i, r in enumerate(leaders)]
    people += [(f"s{i}", r, STAFF) for i, r in enumerate(staff)]
    view = SelfEvalView(
        id=1,
        round_no=1,
        title=None,
        status="open",
        pacing="all",
        current_dimension=5,
        started_at=datetime(2026, 3, 2, tzinfo=UTC),
        reflections={"L1": (ReflectionView("x", "X", "uden rolle"),)},
        roles={ext: role for ext, _r, role in people},
        own_ratings={"L": tuple(own(ext, r) for ext, r, _role in people)},
    )
    p = perspectives(view, dim)
    assert p.gap == gap and p.differs is differs
    assert p.unassigned.reflections == 1 and p.unassigned.people == 1
    assert p.leaders.ratings == leaders and p.staff.ratings == staff
