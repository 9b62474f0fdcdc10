"""Checking a console form's fields as they are typed, with the dialog's own validation.

A chat platform shows a whole form at once and checks it when it is sent; the console asks one
field at a time, so an error in the first field would otherwise appear only after the last.
After each field the submission is run as the dialog would run it — the same step, on the data
as it is, in a transaction that is rolled back — and the errors it gives for the fields typed
so far are shown at once, in the dialog's own words. Dialog steps are pure (data operations and
messages are returned, never performed), so nothing of this is stored or sent.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from bot.engine import Engine
from bot.ports import Conversation
from dialogs.effects import Outcome, RejectForm
from dialogs.events import Event, Interaction
from dialogs.turn import Turn
from storage import turns as repo

log = logging.getLogger(__name__)


class FormCheck:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    async def errors(
        self, conv: Conversation, action: str, values: Mapping[str, str]
    ) -> dict[str, str]:
        """The errors per field the dialog would answer this submission with ({}: none)."""
        event = Interaction(action, dict(values))
        dialog = self.engine.route(event)
        try:
            outcome = await self._dry_run(conv, event, dialog.reads_for(event), dialog.step)
        except Exception as exc:  # a check must never break typing; the real submit decides
            log.warning("form check skipped: %s", type(exc).__name__)
            return {}
        rejected = next((o for o in outcome.out if isinstance(o, RejectForm)), None)
        return dict(rejected.form.errors) if rejected is not None else {}

    async def _dry_run(
        self,
        conv: Conversation,
        event: Interaction,
        needs: frozenset[str],
        step: Callable[[Turn, Event], Outcome],
    ) -> Outcome:
        now = self.engine.clock.now()
        place = repo.Place(conv.platform, conv.workspace, conv.channel, None)
        async with self.engine.sessions() as session:
            try:
                ctx = await repo.context_for(session, place, conv.actor or "", None, now)
                turn = await self.engine.load_turn(session, ctx, now, needs, surface=conv.surface)
                outcome = step(turn, event)
            finally:
                await session.rollback()
        return outcome
