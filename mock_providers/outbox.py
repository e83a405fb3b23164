"""Mock SMS gateway and provincial 好差评 platform: every message lands in ``mock_outbox``.

Delivery is idempotent on the caller's key, as the real gateways promise, so a
retried send after a timeout never texts a citizen twice. A phone number is
personal data like any other here: the row keeps it masked for the dev inbox
and otherwise only encrypted (PII vault, bound to mock_outbox/recipient/id).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from tortoise.exceptions import IntegrityError

from api.providers.messaging import SentMessage
from api.providers.vault import PersonalDataVault
from mock_providers.models import OutboxMessage

TABLE = "mock_outbox"


def mask_phone(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 7 else "****"


def phone_of(vault: PersonalDataVault, message: OutboxMessage) -> str | None:
    """The full number an SMS went to (tests and the dev tools only)."""
    if message.recipient_enc is None:
        return None
    return vault.decrypt(message.recipient_enc, table=TABLE, column="recipient",
                         row=str(message.id))


async def _put(channel: str, recipient: str, template: str, body: dict[str, Any],
               key: str, *, recipient_enc: Callable[[uuid.UUID], str] | None = None) -> str:
    existing = await OutboxMessage.get_or_none(idempotency_key=key)
    if existing is not None:
        return str(existing.id)
    row_id = uuid.uuid4()
    try:
        row = await OutboxMessage.create(
            id=row_id, channel=channel, recipient=recipient, template=template, body=body,
            idempotency_key=key, recipient_enc=recipient_enc(row_id) if recipient_enc else None)
    except IntegrityError:
        row = await OutboxMessage.get(idempotency_key=key)
    return str(row.id)


class MockSmsGateway:
    def __init__(self, vault: PersonalDataVault) -> None:
        self._vault = vault

    async def send(self, phone: str, template: str, params: dict[str, Any], *,
                   idempotency_key: str) -> str:
        def sealed(row_id: uuid.UUID) -> str:
            return self._vault.encrypt(phone, table=TABLE, column="recipient", row=str(row_id))

        return await _put("SMS", mask_phone(phone), template, params, f"sms:{idempotency_key}",
                          recipient_enc=sealed)

    async def recent(self, limit: int) -> list[SentMessage]:
        """``api.providers.messaging.DevInbox``: the dev inbox and ``outbox`` command."""
        rows = await OutboxMessage.filter(channel="SMS").order_by("-created_at").limit(limit)
        return [SentMessage(at=m.created_at, to=mask_phone(m.recipient), template=m.template,
                            body=dict(m.body or {})) for m in rows]


class MockRatingPlatform:
    """Set ``fail_next`` to simulate the provincial platform being down."""

    def __init__(self) -> None:
        self.fail_next = 0

    async def deliver(self, kind: str, payload: dict[str, Any], *, idempotency_key: str) -> str:
        if self.fail_next > 0:
            self.fail_next -= 1
            raise ConnectionError("provincial rating platform unavailable")
        return await _put("RATING", "gd-haochaping", kind, payload, f"rating:{idempotency_key}")
