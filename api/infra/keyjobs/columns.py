"""Every column that holds a ciphertext or a blind index, for the key jobs.

A ciphertext's associated data is (``table``, ``column``, the row's primary
key as text): the values the code that wrote it passed to ``PiiVault.encrypt``.
A blind index either can be recomputed from the row itself (``plaintext``
decrypts what the row keeps), or the row keeps only the index: it is then
mapped old -> new through the values collected from the recomputable columns
of the same ``purpose`` (an ID number seen in any of them).

Add a line here with every new encrypted or blind-indexed column; the test
``tests/api/test_key_rotation.py::test_registry_covers_every_encrypted_column``
fails for a ``*_enc`` field or ``*_hash`` index field that is not listed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tortoise.models import Model

from api.infra.crypto import PiiVault
from api.models import (
    Certificate,
    CertificateDocument,
    Citizen,
    Consent,
    DataAccess,
    FaceAttempt,
    Notification,
    PlatformSubject,
)


@dataclass(frozen=True)
class EncryptedColumn:
    model: type[Model]
    field: str  # the model field holding "v1:<kid>:..."
    table: str  # associated data, as passed to PiiVault.encrypt
    column: str


@dataclass(frozen=True)
class BlindIndexColumn:
    model: type[Model]
    field: str
    purpose: str = "id_number"
    plaintext: Callable[[Any, PiiVault], str] | None = None
    many: bool = False  # a JSON list of indexes


def _dec(table: str, column: str, field: str) -> Callable[[Any, PiiVault], str]:
    def plaintext(row: Any, vault: PiiVault) -> str:
        return vault.decrypt(getattr(row, field), table=table, column=column, row=str(row.pk))

    return plaintext


def _cert_code(row: Any, vault: PiiVault) -> str:
    from api.services.certificates.issuing import normalise_code

    code = vault.decrypt(row.code_enc, table="certificate", column="code", row=str(row.pk))
    return f"{row.number}:{normalise_code(code)}"


ENCRYPTED: list[EncryptedColumn] = [
    EncryptedColumn(Citizen, "id_number_enc", "citizen", "id_number"),
    EncryptedColumn(Citizen, "name_enc", "citizen", "name"),
    EncryptedColumn(Certificate, "code_enc", "certificate", "code"),
    EncryptedColumn(CertificateDocument, "pdf_enc", "certificate_document", "pdf"),
    EncryptedColumn(FaceAttempt, "embedding_enc", "face_attempt", "embedding"),
]

BLIND_INDEXES: list[BlindIndexColumn] = [
    BlindIndexColumn(Citizen, "id_number_hash",
                     plaintext=_dec("citizen", "id_number", "id_number_enc")),
    BlindIndexColumn(Certificate, "code_mac", purpose="cert_code", plaintext=_cert_code),
    BlindIndexColumn(Certificate, "subject_hash"),
    BlindIndexColumn(Consent, "id_number_hash"),
    BlindIndexColumn(FaceAttempt, "id_number_hash"),
    BlindIndexColumn(PlatformSubject, "id_number_hash"),
    BlindIndexColumn(DataAccess, "subject_hash"),
    BlindIndexColumn(Notification, "subject_hash"),
]


def all_columns() -> tuple[list[EncryptedColumn], list[BlindIndexColumn]]:
    """The platform's columns and the configured providers' (the in-process mocks
    keep personal data in this database too)."""
    from mock_providers.keyed_columns import BLIND_INDEXES as MOCK_BLIND
    from mock_providers.keyed_columns import ENCRYPTED as MOCK_ENCRYPTED

    return [*ENCRYPTED, *MOCK_ENCRYPTED], [*BLIND_INDEXES, *MOCK_BLIND]
