"""Each feature declares the stores its dialog reads (`reads`, and per handler `reads=`); the
engine loads only those, and reading any other store fails loudly (NotLoaded) instead of
silently seeing empty data."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.testing import BotHarness, offline_features
from dialogs.assessment import assessment_of
from dialogs.events import Command, Interaction
from dialogs.meetings import meetings_of
from dialogs.turn import MemberView, NotLoaded, Turn
from scoring.catalogue import load_catalogue
from storage import turns

CATALOGUE = load_catalogue()
FEATURES = offline_features()
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_every_declared_read_is_a_store() -> None:
    stores = {f.store.name for f in FEATURES}
    for f in FEATURES:
        assert f.dialog.reads <= stores, f.dialog.name
        for verb in f.dialog.verbs:
            assert f.dialog.reads_for(Interaction(f"lp:{verb}:1")) <= stores, verb


def test_a_handler_can_read_more_than_its_dialog() -> None:
    assessment = FEATURES[0].dialog
    assert assessment.reads_for(Interaction("lp:r-again:1")) == {"assessment", "reminders"}
    assert assessment.reads_for(Interaction("lp:ans:1:1.1:ja")) == {"assessment"}
    assert assessment.reads_for(Command("svar 1.1 ja")) == {"assessment"}


def test_reading_a_store_that_was_not_loaded_fails_loudly() -> None:
    turn = Turn(NOW, "da", MemberView("anna", "Anna", "member"), (), extra={"assessment": None})
    assert assessment_of(turn) is None  # loaded, and empty
    with pytest.raises(NotLoaded, match="meetings"):
        meetings_of(turn)


async def test_the_engine_loads_only_what_a_turn_reads(bot: BotHarness) -> None:
    await bot.say("Anna", "start Recovery")
    engine = bot.runtime.engine
    place = turns.Place("console", bot.workspace, bot.default_channel)
    async with bot.runtime.sessions() as session, session.begin():
        ctx = await turns.context_for(session, place, "anna", "Anna", NOW)
        turn = await engine.load_turn(session, ctx, NOW, frozenset({"assessment"}))
    assert set(turn.extra) == {"assessment"}
    assert assessment_of(turn) is not None
    with pytest.raises(NotLoaded):
        meetings_of(turn)
