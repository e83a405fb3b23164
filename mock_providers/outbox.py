"""Mock SMS gateway and provincial 好差评 platform: every message lands in ``mock_outbox``.

Delivery is idempotent on the caller's key, as the real gateways promise, so a
retried send after a timeout never texts a citizen twice.
"""

from __future__ import annotations

import uuid
from typing import Any

from tortoise.exceptions import IntegrityError

from mock_providers.models import OutboxMessage


async def _put(channel: str, recipient: str, template: str, body: dict[str, Any],
               key: str) -> str:
    existing = await OutboxMessage.get_or_none(idempotency_key=key)
    if existing is not None:
        return str(existing.id)
    try:
        row = await OutboxMessage.create(id=uuid.uuid4(), channel=channel, recipient=recipient,
                                         template=template, body=body, idempotency_key=key)
    except IntegrityError:
        row = await OutboxMessage.get(idempotency_key=key)
    return str(row.id)


class MockSmsGateway:
    async def send(self, phone: str, template: str, params: dict[str, Any], *,
                   idempotency_key: str) -> str:
        return await _put("SMS", phone, template, params, f"sms:{idempotency_key}")


class MockRatingPlatform:
    """Set ``fail_next`` to simulate the provincial platform being down."""

    def __init__(self) -> None:
        self.fail_next = 0

    async def deliver(self, kind: str, payload: dict[str, Any], *, idempotency_key: str) -> str:
        if self.fail_next > 0:
            self.fail_next -= 1
            raise ConnectionError("provincial rating platform unavailable")
        return await _put("RATING", "gd-haochaping", kind, payload, f"rating:{idempotency_key}")
