"""Issue 12 item 14b: the mock SMS outbox keeps phone numbers encrypted."""

from __future__ import annotations

import json
from typing import Any

import pytest
from tortoise import connections

from api.infra.crypto import DecryptionError
from mock_providers.models import OutboxMessage
from mock_providers.outbox import MockSmsGateway, phone_of

PHONE = "13925001101"


async def test_sms_number_is_stored_masked_and_encrypted(db: None, vault: Any) -> None:
    gateway = MockSmsGateway(vault)
    first = await gateway.send(PHONE, "LOGIN_CODE", {"code": "123456"}, idempotency_key="c-1")
    again = await gateway.send(PHONE, "LOGIN_CODE", {"code": "123456"}, idempotency_key="c-1")
    assert first == again  # idempotent on the caller's key, as before
    row = await OutboxMessage.get(id=first)
    assert row.recipient == "139****1101"
    assert phone_of(vault, row) == PHONE
    # Nowhere in the stored row, whatever the column.
    raw = await connections.get("mock").execute_query_dict("SELECT * FROM mock_outbox")
    assert PHONE not in json.dumps([{k: str(v) for k, v in r.items()} for r in raw])


async def test_ciphertext_is_bound_to_its_row(db: None, vault: Any) -> None:
    gateway = MockSmsGateway(vault)
    a = await OutboxMessage.get(id=await gateway.send(PHONE, "LOGIN_CODE", {},
                                                      idempotency_key="a"))
    b = await OutboxMessage.get(id=await gateway.send("13800001234", "LOGIN_CODE", {},
                                                      idempotency_key="b"))
    b.recipient_enc = a.recipient_enc
    with pytest.raises(DecryptionError):
        phone_of(vault, b)
