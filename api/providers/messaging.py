"""Outbound messages: the SMS gateway and the provincial 好差评 platform."""

from __future__ import annotations

from typing import Any, Protocol


class SmsGateway(Protocol):
    async def send(self, phone: str, template: str, params: dict[str, Any], *,
                   idempotency_key: str) -> str:
        """Queue a templated SMS; returns the message id. Same key, same message."""
        ...


class RatingPlatform(Protocol):
    async def deliver(self, kind: str, payload: dict[str, Any], *, idempotency_key: str) -> str:
        """Deliver a rating or work-order update; idempotent on the key."""
        ...
