"""The mock systems' encrypted and blind-indexed columns, for the key jobs
(api/keyjobs/columns.py explains the fields)."""

from __future__ import annotations

from api.keyjobs.columns import BlindIndexColumn, EncryptedColumn, _dec
from mock_providers.identity import TABLE as IDENTITY
from mock_providers.models import IdentityRecord, OutboxMessage, RegisterEvent, RegisterHolder
from mock_providers.outbox import TABLE as OUTBOX
from mock_providers.registry import HOLDER_TABLE

ENCRYPTED: list[EncryptedColumn] = [
    EncryptedColumn(IdentityRecord, "id_number_enc", IDENTITY, "id_number"),
    EncryptedColumn(IdentityRecord, "name_enc", IDENTITY, "name"),
    EncryptedColumn(IdentityRecord, "phone_enc", IDENTITY, "phone"),
    EncryptedColumn(IdentityRecord, "photo_enc", IDENTITY, "photo"),
    EncryptedColumn(RegisterHolder, "id_number_enc", HOLDER_TABLE, "id_number"),
    EncryptedColumn(RegisterHolder, "name_enc", HOLDER_TABLE, "name"),
    EncryptedColumn(OutboxMessage, "recipient_enc", OUTBOX, "recipient"),
]

BLIND_INDEXES: list[BlindIndexColumn] = [
    BlindIndexColumn(IdentityRecord, "id_number_hash",
                     plaintext=_dec(IDENTITY, "id_number", "id_number_enc")),
    BlindIndexColumn(RegisterHolder, "holder_hash",
                     plaintext=_dec(HOLDER_TABLE, "id_number", "id_number_enc")),
    BlindIndexColumn(RegisterEvent, "holder_hashes", many=True),
]
