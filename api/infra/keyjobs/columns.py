"""Every column that holds a ciphertext or a blind index, for the key jobs.

A ciphertext's associated data is (``table``, ``column``, the row's primary
key as text): the values the code that wrote it passed to ``PiiVault.encrypt``.
A blind index either can be recomputed from the row itself (``plaintext``
decrypts what the row keeps), or the row keeps only the index: it is then
mapped old -> new through the values collected from the recomputable columns
of the same ``purpose`` (an ID number seen in any of them).

Add a line here with every new encrypted or blind-indexed column (a provider
package lists its own, in ``api.providers.keyed`` terms, through its
``Storage.keyed``); the test
``tests/api/test_key_rotation.py::test_registry_covers_every_encrypted_column``
fails for a ``*_enc`` field or ``*_hash`` index field that is not listed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from tortoise.models import Model

from api.infra.crypto import PiiVault
from api.infra.settings import Settings
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
from api.providers.keyed import BlindIndexField, EncryptedColumn

__all__ = ["BlindIndexColumn", "EncryptedColumn", "all_columns"]


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


def adapt(encrypted: Sequence[EncryptedColumn], indexed: Sequence[BlindIndexField]
          ) -> list[BlindIndexColumn]:
    """A provider package's plain descriptions as the jobs' columns."""
    sources = {(c.model, c.field): c for c in encrypted}

    def plaintext(f: BlindIndexField) -> Callable[[Any, PiiVault], str] | None:
        if f.source is None:
            return None
        enc = sources[(f.model, f.source)]
        return _dec(enc.table, enc.column, enc.field)

    return [BlindIndexColumn(f.model, f.field, purpose=f.purpose, plaintext=plaintext(f),
                             many=f.many) for f in indexed]


def all_columns(settings: Settings | None = None
                ) -> tuple[list[EncryptedColumn], list[BlindIndexColumn]]:
    """The platform's columns and those of the configured providers that keep
    personal data themselves (the in-process mocks, in their own database)."""
    from api.providers.container import storages

    encrypted, indexed = list(ENCRYPTED), list(BLIND_INDEXES)
    for storage in storages(settings or Settings()):
        if storage.keyed is not None:
            enc, idx = storage.keyed()
            encrypted += enc
            indexed += adapt(enc, idx)
    return encrypted, indexed
