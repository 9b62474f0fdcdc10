"""The port every channel adapter implements (Slack, Teams, console, the test fake)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from dialogs.messages import Form, Message, Target


@dataclass(frozen=True)
class Conversation:
    """Where a turn happens: the platform's ids, plus the acting user when there is one."""

    platform: str
    workspace: str
    channel: str
    actor: str | None = None


class DeliveryError(Exception):
    """A send failed; `retryable` tells the engine whether trying again may help."""

    def __init__(self, message: str, *, retryable: bool = True) -> None:
        super().__init__(message)
        self.retryable = retryable


class ChatPort(Protocol):
    async def post(
        self, conv: Conversation, target: Target, message: Message, thread_ref: str | None
    ) -> str:
        """Send a message; return an opaque reference to it (for updates and threads)."""

    async def update(self, conv: Conversation, ref: str, message: Message) -> None: ...

    async def open_form(self, conv: Conversation, form: Form) -> None:
        """Show a form to the acting user (modal, card, prompts)."""

    async def reject_form(self, conv: Conversation, form: Form) -> None:
        """Show the form again with its errors, keeping what the user wrote."""


@runtime_checkable
class FindsPosts(Protocol):
    """A port that can tell whether a message with a given `Message.marker` was posted (Slack:
    the marker is in the message's metadata). Where a port cannot, a send whose outcome is
    unknown is not repeated."""

    async def find_posted(
        self, conv: Conversation, target: Target, message: Message, since: datetime
    ) -> str | None:
        """The reference of the message posted with `message.marker` since `since`."""
