"""Outbound messages: the SMS gateway and the provincial 好差评 platform."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, runtime_checkable


class SmsGateway(Protocol):
    async def send(self, phone: str, template: str, params: dict[str, Any], *,
                   idempotency_key: str) -> str:
        """Queue a templated SMS; returns the message id. Same key, same message."""
        ...


class RatingPlatform(Protocol):
    async def deliver(self, kind: str, payload: dict[str, Any], *, idempotency_key: str) -> str:
        """Deliver a rating or work-order update; idempotent on the key."""
        ...


@dataclass(frozen=True)
class SentMessage:
    """A message as a development inbox shows it: the recipient masked."""

    at: datetime
    to: str
    template: str
    body: dict[str, Any]


@runtime_checkable
class DevInbox(Protocol):
    """Development capability of a stand-in SMS gateway (the mock's outbox): what
    it "sent", for ``/dev/sms-inbox`` and ``python -m api outbox``, so a developer
    reads the login code a phone would get. A real gateway does not implement
    it, and no production code path asks for it."""

    async def recent(self, limit: int) -> list[SentMessage]:
        """The newest ``limit`` messages, newest first."""
        ...
