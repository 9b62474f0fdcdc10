"""The Teams port's calls to the Bot Connector: every send proactive (a stored
ConversationReference and `adapter.continue_conversation`), paced per conversation, bounded by
our own deadline, counted in the metrics, and on failure turned into the DeliveryError the
engine acts on (failures.py: retried with backoff, marked blocked, or reported as possibly
delivered — never sent twice). `TeamsPort` (port.py) builds on this with what to send where.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Awaitable, Callable
from copy import deepcopy
from typing import TypeVar

from botbuilder.core import BotAdapter, CloudAdapterBase, TurnContext
from botbuilder.schema import Activity, ConversationReference

from bot.clock import Clock
from bot.metrics import PLATFORM_API_ERRORS, PLATFORM_API_RETRIES
from bot.ports import DeliveryError
from bot.teams.client import TunedAuthentication
from bot.teams.deadline import within
from bot.teams.failures import MAX_BACKOFF, NoAnswer, classify
from bot.teams.pacing import Pacer
from bot.teams.rows import ConversationRow
from bot.teams.store import TeamsStore

log = logging.getLogger(__name__)

# How long one call to the Bot Connector may take before we stop waiting for its answer.
SEND_TIMEOUT = 20.0
# Tries of a later part of a split message, here in the port (see `_send`).
PART_ATTEMPTS = 3
# API method names, the `method` label of the metrics.
SEND, UPDATE, CREATE = "send_activity", "update_activity", "create_conversation"
# Why a new message that got no answer is not sent again: the Bot Framework has no idempotency
# key for POST /v3/conversations/{id}/activities, and a bot cannot list a conversation's
# messages to look. A client-chosen activity `id` is not kept by the Teams connector (it
# assigns its own), so it protects nothing outside a fake. The request may have been stored
# before the connection or our patience ran out; a second POST would then show the team the
# message twice. So the send is reported as failed-uncertain (a delivery_failures row that says
# it may have arrived, and a warning in the log) — a possibly missing message, visible to the
# operator, rather than a possible duplicate in the team's channel.
UNCERTAIN = "no answer from Teams; the message may have arrived, so it is not sent again"


T = TypeVar("T")


def fingerprint(*parts: object) -> str:
    text = json.dumps(parts, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _activity_fingerprint(kind: str, conversation_id: str, activity: Activity) -> str:
    # What the port puts in an activity (port.py), read directly: msrest's `serialize()` of a
    # card's activity costs about a millisecond, on every send.
    attachments = [(a.content_type, a.content) for a in activity.attachments or ()]
    parts = (activity.type, activity.summary, activity.text, attachments)
    return fingerprint(kind, conversation_id, activity.id, *parts)


class ConnectorCalls:
    def __init__(
        self,
        adapter: BotAdapter,
        app_id: str,
        store: TeamsStore,
        clock: Clock,
        pacer: Pacer | None = None,
        *,
        timeout: float = SEND_TIMEOUT,
    ) -> None:
        self.adapter, self.app_id, self.store, self.clock = adapter, app_id, store, clock
        self.pacer = pacer or Pacer()
        self.timeout = timeout
        # Called for each call to the connector; when it returns first, we stop waiting for the
        # answer (tests replace it to time out deterministically, see testing.FakeConnector).
        self.deadline: Callable[[], Awaitable[None]] = lambda: asyncio.sleep(self.timeout)
        self._failures: dict[str, int] = {}  # conversation → failures in a row (the backoff)
        self._failed_call: dict[str, str] = {}  # conversation → the call that may be retried
        if isinstance(adapter, CloudAdapterBase) and not isinstance(
            adapter.bot_framework_authentication, TunedAuthentication
        ):
            adapter.bot_framework_authentication = TunedAuthentication(
                adapter.bot_framework_authentication, timeout
            )

    async def close(self) -> None:
        """Close the connections to the Bot Connector (the app stops)."""
        auth = getattr(self.adapter, "bot_framework_authentication", None)
        if isinstance(auth, TunedAuthentication):
            await auth.close()

    def _reference(self, row: ConversationRow, conversation_id: str) -> ConversationReference:
        reference = ConversationReference.deserialize(deepcopy(row.reference))
        reference.conversation.id = conversation_id
        reference.activity_id = None
        return reference

    async def _send(
        self,
        row: ConversationRow,
        conversation_id: str,
        activities: list[Activity],
        origin: str | None = None,
    ) -> list[str]:
        """Post new activities in order and return their ids.

        While nothing has gone out, a failure goes to the engine as it is (it may try the
        whole send again). Once a part has been posted, the engine must not: it would post
        that part again. Later parts are therefore retried here (paced, backed off) and a
        final failure is not retryable and says how many parts arrived.
        """
        reference = self._reference(row, conversation_id)
        ids: list[str] = []
        for activity in activities:

            async def send(context: TurnContext, activity: Activity = activity) -> str:
                response = await context.send_activity(activity)
                return response.id if response and response.id else ""

            call = _activity_fingerprint(SEND, conversation_id, activity)
            tries = PART_ATTEMPTS if ids else 1
            for attempt in range(tries):
                try:
                    activity_id = await self._proactive(
                        SEND, row, reference, send, call, idempotent=False
                    )
                    break
                except DeliveryError as exc:
                    if not ids:
                        raise
                    if not exc.retryable or attempt == tries - 1:
                        sent = f"{len(ids)} of {len(activities)} parts were sent"
                        raise DeliveryError(f"{sent}; then: {exc}", retryable=False) from exc
            ids.append(activity_id)
            if origin and activity_id and row.conversation_type == "personal":
                await self.store.save_dm_origin(
                    row.tenant_id, row.conversation_id, activity_id, origin, self.clock.now()
                )
        return ids

    async def _update(
        self, row: ConversationRow, conversation_id: str, activity_id: str, activity: Activity
    ) -> None:
        reference = self._reference(row, conversation_id)
        activity.id = activity_id

        async def update(context: TurnContext) -> str:
            await context.update_activity(activity)
            return activity_id

        call = _activity_fingerprint(UPDATE, conversation_id, activity)
        await self._proactive(UPDATE, row, reference, update, call, idempotent=True)

    async def _proactive(
        self,
        method: str,
        row: ConversationRow,
        reference: ConversationReference,
        work: Callable[[TurnContext], Awaitable[str]],
        call: str,
        *,
        idempotent: bool,
    ) -> str:
        result: list[str] = []
        errors: list[BaseException] = []

        async def callback(context: TurnContext) -> None:
            context.activity.id = None  # a new message, not a reply to the continuation event
            try:
                result.append(await work(context))
            except Exception as exc:  # raised below, outside botbuilder's on_turn_error
                errors.append(exc)

        async def run() -> None:
            await self.adapter.continue_conversation(reference, callback, self.app_id)
            if errors:
                raise errors[0]

        key = f"{row.tenant_id}|{row.conversation_id}"
        blocker = self._block_conversation(row)
        await self._call(method, key, call, run, idempotent=idempotent, on_forbidden=blocker)
        return result[0] if result else ""

    async def _call(
        self,
        method: str,
        key: str,
        call: str,
        run: Callable[[], Awaitable[None]],
        *,
        idempotent: bool,
        on_forbidden: Callable[[str], Awaitable[None]],
    ) -> None:
        """One call to the connector for conversation `key`: paced, bounded by the deadline,
        counted, and on failure turned into the DeliveryError the engine acts on."""
        await self.pacer.wait(key)
        if self._failed_call.get(key) == call:
            PLATFORM_API_RETRIES.labels("teams", method).inc()
        try:
            await self._answer_in_time(run())
        except Exception as exc:
            raise await self._failure(exc, method, key, call, idempotent, on_forbidden) from exc
        self._failures.pop(key, None)
        if self._failed_call.get(key) == call:
            del self._failed_call[key]

    async def _answer_in_time(self, work: Awaitable[T]) -> T:
        """`work`, unless `deadline()` comes first: then NoAnswer (deadline.py)."""
        try:
            return await within(work, self.deadline)
        except TimeoutError:
            raise NoAnswer(f"no answer within the deadline ({self.timeout:g} s)") from None

    # ---- failures ----
    def _block_conversation(self, row: ConversationRow) -> Callable[[str], Awaitable[None]]:
        async def block(reason: str) -> None:
            now = self.clock.now()
            await self.store.block_conversation(row.tenant_id, row.conversation_id, reason, now)

        return block

    def _block_member(self, tenant: str, member_key: str) -> Callable[[str], Awaitable[None]]:
        async def block(_reason: str) -> None:
            await self.store.block_member(tenant, member_key, self.clock.now())

        return block

    async def _failure(
        self,
        exc: BaseException,
        method: str,
        key: str,
        call: str,
        idempotent: bool,
        on_forbidden: Callable[[str], Awaitable[None]],
    ) -> DeliveryError:
        failure = classify(exc)
        PLATFORM_API_ERRORS.labels("teams", method, failure.kind).inc()
        self._failed_call.pop(key, None)
        if failure.kind == "blocked":
            await on_forbidden(failure.code or "Forbidden")
            log.warning("Teams refused a send with 403 %s: marked blocked", failure.code)
            return DeliveryError(f"403 {failure.code}: blocked, not retried", retryable=False)
        if not failure.transient:
            log.warning("Teams %s failed with %s: not retried", method, failure.what)
            return DeliveryError(failure.what, retryable=False)
        failures = self._failures[key] = self._failures.get(key, 0) + 1
        wait = failure.retry_after
        if wait is None:
            wait = min(2.0**failures, MAX_BACKOFF)
        self.pacer.hold(key, wait)  # the next call to this conversation waits in the pacer
        if failure.maybe_delivered and not idempotent:
            log.warning("Teams %s got no answer (%s): not sent again", method, failure.what)
            return DeliveryError(f"{failure.what}: {UNCERTAIN}", retryable=False)
        self._remember_failed(key, call)
        log.info("Teams %s failed with %s; retry in %.1f s", method, failure.what, wait)
        return DeliveryError(failure.what, retryable=True)

    def _remember_failed(self, key: str, call: str) -> None:
        if len(self._failed_call) >= 10_000:  # calls never tried again: forget them
            self._failed_call.clear()
            self._failures.clear()
        self._failed_call[key] = call
