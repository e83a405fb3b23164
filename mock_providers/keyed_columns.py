"""The mock systems' encrypted and blind-indexed columns, for the key jobs:
plain descriptions (``api.providers.keyed``) that the platform's key jobs adapt
(api/infra/keyjobs/columns.py explains the fields)."""

from __future__ import annotations

from api.providers.keyed import BlindIndexField, EncryptedColumn
from mock_providers.civil import DEATH_TABLE, MARRIAGE_TABLE
from mock_providers.contracts import PARTY_TABLE
from mock_providers.department_models import (
    ContractPartyRow,
    DeathRow,
    LicenceHolderRow,
    MarriageRow,
)
from mock_providers.identity import TABLE as IDENTITY
from mock_providers.identity_history import FORMER_TABLE
from mock_providers.licences import HOLDER_TABLE as LICENCE_HOLDER
from mock_providers.models import (
    FormerIdNumber,
    IdentityRecord,
    OutboxMessage,
    RegisterEvent,
    RegisterHolder,
    RegisterObjector,
)
from mock_providers.outbox import TABLE as OUTBOX
from mock_providers.register_ops import OBJECTOR_TABLE
from mock_providers.registry import HOLDER_TABLE

ENCRYPTED: list[EncryptedColumn] = [
    EncryptedColumn(IdentityRecord, "id_number_enc", IDENTITY, "id_number"),
    EncryptedColumn(IdentityRecord, "name_enc", IDENTITY, "name"),
    EncryptedColumn(IdentityRecord, "phone_enc", IDENTITY, "phone"),
    EncryptedColumn(IdentityRecord, "photo_enc", IDENTITY, "photo"),
    EncryptedColumn(RegisterHolder, "id_number_enc", HOLDER_TABLE, "id_number"),
    EncryptedColumn(RegisterHolder, "name_enc", HOLDER_TABLE, "name"),
    EncryptedColumn(OutboxMessage, "recipient_enc", OUTBOX, "recipient"),
    EncryptedColumn(IdentityRecord, "hukou_address_enc", IDENTITY, "hukou_address"),
    EncryptedColumn(IdentityRecord, "former_names_enc", IDENTITY, "former_names"),
    EncryptedColumn(FormerIdNumber, "id_number_enc", FORMER_TABLE, "id_number"),
    EncryptedColumn(RegisterHolder, "address_enc", HOLDER_TABLE, "address"),
    EncryptedColumn(RegisterObjector, "id_number_enc", OBJECTOR_TABLE, "id_number"),
    EncryptedColumn(RegisterObjector, "name_enc", OBJECTOR_TABLE, "name"),
    EncryptedColumn(ContractPartyRow, "id_number_enc", PARTY_TABLE, "id_number"),
    EncryptedColumn(ContractPartyRow, "name_enc", PARTY_TABLE, "name"),
    EncryptedColumn(MarriageRow, "id_number_enc", MARRIAGE_TABLE, "id_number"),
    EncryptedColumn(MarriageRow, "spouse_name_enc", MARRIAGE_TABLE, "spouse_name"),
    EncryptedColumn(MarriageRow, "spouse_id_number_enc", MARRIAGE_TABLE, "spouse_id_number"),
    EncryptedColumn(DeathRow, "id_number_enc", DEATH_TABLE, "id_number"),
    EncryptedColumn(DeathRow, "name_enc", DEATH_TABLE, "name"),
    EncryptedColumn(LicenceHolderRow, "id_number_enc", LICENCE_HOLDER, "id_number"),
]

BLIND_INDEXES: list[BlindIndexField] = [
    BlindIndexField(IdentityRecord, "id_number_hash", source="id_number_enc"),
    BlindIndexField(RegisterHolder, "holder_hash", source="id_number_enc"),
    BlindIndexField(RegisterEvent, "holder_hashes", many=True),
    BlindIndexField(FormerIdNumber, "id_number_hash", source="id_number_enc"),
    BlindIndexField(RegisterObjector, "party_hash", source="id_number_enc"),
    BlindIndexField(ContractPartyRow, "party_hash", source="id_number_enc"),
    BlindIndexField(MarriageRow, "person_hash", source="id_number_enc"),
    BlindIndexField(DeathRow, "person_hash", source="id_number_enc"),
    BlindIndexField(LicenceHolderRow, "holder_hash", source="id_number_enc"),
]
