"""Last received wins, not last applied (issue 15.1).

A click is kept in the inbox and acknowledged, and the process dies before its turn runs
(`BotHarness.keep`). Newer clicks and commands of the same people are applied by a new
process; then the kept clicks' lease runs out and the replay runs them. The replay changes
nothing that something received after it has set — for every kind of value a person sets — it
still counts as done (its processed-event key is recorded, the inbox row is gone, a second
replay does nothing), and what it posts shows the data as it is, never the stale value. On
SQLite and PostgreSQL (the `bot` fixture).
"""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import func, select

from bot.inbound import Inbound
from bot.inbox import LEASE
from bot.testing import BotHarness, texts
from dialogs import actions
from dialogs.assessment.ops import notes_version
from dialogs.effects import Outcome
from dialogs.events import Command, Interaction
from dialogs.meetings import CreateAgreement
from dialogs.turn import Turn
from storage.inbox import InboxItem
from storage.meeting_models import Agreement, AgreementStatusChange, MeetingObservation
from storage.models import (
    Assessment,
    ElementNote,
    Member,
    MemberAnswer,
    Practice,
    ProcessedEvent,
    TeamDecision,
)
from storage.selfeval_models import SelfEvalRating, SelfEvalReflection

EMPTY = notes_version(None, None)


async def started(bot: BotHarness) -> int:
    """Anna starts a round (she is its facilitator) and takes all elements at once."""
    aid = await bot.start_assessment("Recovery")
    return aid


async def replayed(bot: BotHarness, kept: list[Inbound]) -> str:
    """Let the kept clicks' lease run out and replay them, as the scheduler does: the text of
    what the replay posted. Each kept click counts as done afterwards."""
    bot.clock.advance(seconds=LEASE.total_seconds() + 1)
    out = texts(await bot.replay())
    async with bot.runtime.sessions() as s:
        done = set(await s.scalars(select(ProcessedEvent.event_key)))
    assert {f"inbox:{k.inbox_key}" for k in kept} <= done
    async with bot.runtime.engine.inbox.sessions() as s:
        assert await s.scalar(select(func.count()).select_from(InboxItem)) == 0
    bot.clock.advance(seconds=LEASE.total_seconds() + 1)
    assert await bot.replay() == []  # nothing left to run
    return out


async def answers(bot: BotHarness, qid: str) -> dict[str, tuple[str | None, str | None]]:
    async with bot.runtime.sessions() as s:
        rows = await s.execute(
            select(Member.external_id, MemberAnswer.value, MemberAnswer.comment)
            .join(Member, Member.id == MemberAnswer.member_id)
            .where(MemberAnswer.question_id == qid)
        )
        return {who: (value, comment) for who, value, comment in rows}


async def test_a_replayed_answer_does_not_undo_the_same_peoples_newer_answers(
    bot: BotHarness,
) -> None:
    aid = await started(bot)
    people = [f"P{i}" for i in range(8)]
    kept = [await bot.keep(p, actions.encode("ans", aid, "1.1", "ja")) for p in people]
    await bot.restart()  # the process that acknowledged them died before their turns ran
    bot.clock.advance(seconds=1)
    for p in people:
        await bot.click(p, actions.encode("ans", aid, "1.1", "nej"))
    out = await replayed(bot, kept)
    assert await answers(bot, "1.1") == {p.casefold(): ("nej", None) for p in people}
    # The replay re-rendered the cards from the data as it is: eight answers, all the same.
    assert "8 har svaret." in out and re.search(r"Uenigheder\s+0", out), out


async def test_answer_and_comment_are_each_their_own(bot: BotHarness) -> None:
    """A comment received later does not hold back an answer received earlier, and the other
    way round; the same thing received later does win."""
    aid = await started(bot)
    # Anna: a kept answer, then a newer comment alone: the answer is applied, the comment kept.
    kept = [await bot.keep("Anna", actions.encode("ans", aid, "1.1", "ja"))]
    # Bo: a kept comment, then a newer answer with a comment: both newer ones stay.
    kept.append(await bot.keep("Bo", actions.encode("f-cmt", aid, "1.1"), {"comment": "Gammel"}))
    # Carla: a kept comment, then a newer answer click without one: the comment is applied.
    kept.append(
        await bot.keep("Carla", actions.encode("f-cmt", aid, "1.1"), {"comment": "Hendes grund"})
    )
    await bot.restart()
    bot.clock.advance(seconds=1)
    await bot.say("Anna", "kommentar 1.1 Ny begrundelse")
    await bot.say("Bo", "svar 1.1 nej: Ny grund")
    await bot.click("Carla", actions.encode("ans", aid, "1.1", "delvist"))
    await replayed(bot, kept)
    assert await answers(bot, "1.1") == {
        "anna": ("ja", "Ny begrundelse"),
        "bo": ("nej", "Ny grund"),
        "carla": ("delvist", "Hendes grund"),
    }


async def test_a_replayed_team_answer_does_not_undo_a_newer_one(bot: BotHarness) -> None:
    aid = await started(bot)
    values = {"value": "ja", "justification": "Gammel begrundelse"}
    kept = [await bot.keep("Anna", actions.encode("f-dec", aid, "1.1"), values)]
    await bot.restart()
    bot.clock.advance(seconds=1)
    await bot.say("Anna", "teamsvar 1.1 nej: Ny begrundelse")
    out = await replayed(bot, kept)
    async with bot.runtime.sessions() as s:
        decision = await s.scalar(select(TeamDecision))
    assert decision is not None
    assert (decision.value, decision.justification) == ("nej", "Ny begrundelse")
    assert "Gammel begrundelse" not in out and "har fastsat teamsvaret" not in out


async def test_replayed_notes_do_not_undo_newer_notes(bot: BotHarness) -> None:
    aid = await started(bot)
    kept = [
        await bot.keep(
            "Anna", actions.encode("f-notes", aid, 1, EMPTY), {"overall": "Gammel", "potential": ""}
        ),
        await bot.keep(
            "Anna", actions.encode("f-overall", aid, EMPTY), {"overall": "Gammel", "potentials": ""}
        ),
    ]
    await bot.restart()
    bot.clock.advance(seconds=1)
    await bot.click(
        "Anna", actions.encode("f-notes", aid, 1, EMPTY), {"overall": "Ny", "potential": "Mere"}
    )
    await bot.click(
        "Anna", actions.encode("f-overall", aid, EMPTY), {"overall": "Ny", "potentials": "Mere"}
    )
    out = await replayed(bot, kept)
    async with bot.runtime.sessions() as s:
        note = await s.scalar(select(ElementNote))
        a = await s.get(Assessment, aid)
    assert note is not None and (note.overall, note.potential) == ("Ny", "Mere")
    assert a is not None and (a.overall_assessment, a.overall_potentials) == ("Ny", "Mere")
    assert "har opdateret" not in out  # no announcement of notes that were not saved


async def test_a_replayed_delimitation_does_not_undo_a_newer_one(bot: BotHarness) -> None:
    aid = await started(bot)
    kept = [await bot.keep("Anna", actions.encode("f-scope", aid), {"scope": "Gammel"})]
    await bot.restart()
    bot.clock.advance(seconds=1)
    await bot.say("Bo", "afgrænsning Kun botilbuddet")
    await replayed(bot, kept)
    async with bot.runtime.sessions() as s:
        assert await s.scalar(select(Practice.delimitation)) == "Kun botilbuddet"


async def agreement(bot: BotHarness) -> int:
    op = CreateAgreement("Skriv metoden ned", "anna", "bo", date(2026, 4, 1), None, "test")

    def step(_turn: Turn) -> Outcome:
        return Outcome(ops=(op,))

    await bot.say("Bo", "status")  # Bo is a member of the channel
    who = Inbound(bot.conv("Anna"), Command(""), user_name="Anna", channel_name="team")
    await bot.runtime.engine.act(who, step, bot.channel)
    async with bot.runtime.sessions() as s:
        found = await s.scalar(select(Agreement.id))
    assert found is not None
    return found


async def test_a_replayed_agreement_status_does_not_undo_a_newer_one(bot: BotHarness) -> None:
    await started(bot)
    ag = await agreement(bot)
    kept = [await bot.keep("Bo", actions.encode("ag-st", ag, "in_progress"))]
    await bot.restart()
    bot.clock.advance(seconds=1)
    await bot.say("Anna", "aftale 1 gennemført")
    out = await replayed(bot, kept)
    async with bot.runtime.sessions() as s:
        a = await s.get(Agreement, ag)
        history = list(
            await s.scalars(select(AgreementStatusChange.status).order_by(AgreementStatusChange.id))
        )
    assert a is not None and a.status == "done"
    assert history == ["not_started", "done"]  # the superseded change left no trace
    assert "i gang" not in out.casefold()


async def test_replayed_preparation_points_do_not_undo_newer_ones(bot: BotHarness) -> None:
    await started(bot)
    await bot.say("Bo", "status")
    mid = await bot.plan_meeting(participants="Anna, Bo", focus="")
    old = {"positive": "Gammel god", "improvement": "Gammel bedre", "question": ""}
    kept = [await bot.keep("Bo", actions.encode("mtf-prep", mid), old)]
    await bot.restart()
    bot.clock.advance(seconds=1)
    new = {"positive": "Ny god", "improvement": "Ny bedre", "question": "Hvorfor?"}
    await bot.click("Bo", actions.encode("mtf-prep", mid), new)
    await replayed(bot, kept)
    async with bot.runtime.sessions() as s:
        points = set(
            await s.scalars(
                select(MeetingObservation.text)
                .join(Member, Member.id == MeetingObservation.member_id)
                .where(Member.external_id == "bo")
            )
        )
    assert points == {"Ny god", "Ny bedre", "Hvorfor?"}


async def test_replayed_reflections_and_ratings_do_not_undo_newer_ones(bot: BotHarness) -> None:
    sid = await bot.start_selfeval()
    kept = [
        await bot.keep("Bo", actions.encode("se-f-refl", sid, "L1"), {"text": "Gammel tanke"}),
        await bot.keep("Anna", actions.encode("se-f-rate", sid, "L"), {"rating": "2"}),
        await bot.keep("Anna", actions.encode("se-f-rate", sid, "S"), {"rating": "5"}),
    ]
    await bot.restart()
    bot.clock.advance(seconds=1)
    await bot.say("Bo", "selvevaluering refleksion L1 Ny tanke")
    await bot.say("Anna", "selvevaluering vurdering L 4")
    await bot.say("Anna", "selvevaluering vurdering S 3")
    await bot.say("Anna", "selvevaluering vurdering S ingen")  # removed, received last
    out = await replayed(bot, kept)
    async with bot.runtime.sessions() as s:
        assert await s.scalar(select(SelfEvalReflection.text)) == "Ny tanke"
        ratings = dict(
            (await s.execute(select(SelfEvalRating.dimension, SelfEvalRating.rating))).all()
        )
    assert ratings == {"L": 4, "S": None}
    assert "til 2/5" not in out and "til 5/5" not in out


async def test_an_interaction_received_later_wins_even_when_applied_first(
    bot: BotHarness,
) -> None:
    """The rule is about when things were received, not only about replays: a kept click
    whose turn waits (here: runs after) is older than a command typed after it."""
    aid = await started(bot)
    engine = bot.runtime.engine
    click = Interaction(actions.encode("ans", aid, "1.1", "ja"), {})
    kept = await engine.accept(bot.inbound("Anna", click))
    bot.clock.advance(seconds=1)
    await bot.say("Anna", "svar 1.1 nej")
    assert await engine.handle(kept, bot.channel) is True  # done, and it changed nothing
    assert await answers(bot, "1.1") == {"anna": ("nej", None)}
